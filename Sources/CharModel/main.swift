import Foundation
import Unrolled

let command = ChapterCommand(
    name: "char-model", slug: "char-model",
    summary: "Chapter 2: character-level language models, from three sentences to The Time Machine.",
    options: [.init("--seed", "n", "seed of every random choice", default: "1")],
    flags: [("--bench", "time training steps of the toy and of min-char-rnn and write nothing")])

command.main { options in
    let log = Log(quiet: options.quiet)
    let s = try options.int("--seed")
    guard s >= 0 else { throw ChapterCommand.UsageError("--seed must be non-negative") }
    let text = try TimeMachineText(dataDirectory: options.dataDirectory)
    if options.has("--bench") {
        benchmark(text)
        return
    }
    let outputs = try CharModelChapter(seed: UInt64(s), quick: options.quick, text: text, log: log).run()
    try outputs.write(to: options.outputDirectory)
    log("Wrote \(outputs.files.count) files to \(options.outputDirectory.path).")
}

/// `make bench`: the toy's full-batch epochs and min-char-rnn's steps, medians of five runs.
func benchmark(_ text: TimeMachineText) {
    func median(_ runs: Int, _ body: () -> Double) -> Double { (0..<runs).map { _ in body() }.sorted()[runs / 2] }
    var toy = Toy()
    toy.completionLength = toy.prompt.count
    let toySeconds = median(5) {
        let clock = Stopwatch()
        _ = toy.run(seed: 1)
        return clock.seconds / Double(toy.epochs)
    }
    print("char-toy,\(toy.epochs),\(Format.fixed(toySeconds * Double(toy.epochs), decimals: 4)),\(Format.fixed(toySeconds * 1000, decimals: 4))")
    var setting = MinCharSetting()
    setting.iterations = 2_000; setting.sampleAt = []; setting.temperatures = []
    let minCharSeconds = median(5) {
        let clock = Stopwatch()
        _ = try? runMinChar(setting, raw: text.raw, seed: 1, cancel: Cancellation())
        return clock.seconds / Double(setting.iterations)
    }
    print("min-char-rnn,\(setting.iterations),\(Format.fixed(minCharSeconds * Double(setting.iterations), decimals: 4)),\(Format.fixed(minCharSeconds * 1000, decimals: 4))")
}
