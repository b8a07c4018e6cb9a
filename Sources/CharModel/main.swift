import Foundation
import Unrolled

let command = ChapterCommand(
    name: "char-model", slug: "char-model",
    summary: "Chapter 2: character-level language models, from three sentences to The Time Machine.",
    options: [.init("--seed", "n", "seed of every random choice", default: "1")],
    flags: [("--bench", "time training steps of the toy and of min-char-rnn and write nothing")])

command.main(bench: { options in benchmark(try TimeMachineText(dataDirectory: options.dataDirectory)) }, run: { options, log in
    let text = try TimeMachineText(dataDirectory: options.dataDirectory)
    return try CharModelChapter(seed: try options.seed(), quick: options.quick, text: text, log: log).run()
})

/// `make bench`: the toy's full-batch epochs and min-char-rnn's steps, medians of five runs.
func benchmark(_ text: TimeMachineText) {
    var toy = Toy()
    toy.completionLength = toy.prompt.count
    Bench.row("char-toy", steps: toy.epochs, seconds: Bench.median(5) { _ = toy.run(seed: 1) })
    var setting = MinCharSetting()
    setting.iterations = 2_000; setting.sampleAt = []; setting.temperatures = []
    // the text is turned into indices once, outside the timing, as numpy's version does
    let encoded = rawCharacters(text.raw)
    let seconds = Bench.median(5) { _ = try? runMinChar(setting, encoded: encoded, seed: 1, cancel: Cancellation()) }
    Bench.row("min-char-rnn", steps: setting.iterations, seconds: seconds)
}
