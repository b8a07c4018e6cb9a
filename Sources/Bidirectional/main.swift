import Foundation
import Unrolled

let command = ChapterCommand(
    name: "bidirectional", slug: "bidirectional",
    summary: "Chapter 6: bidirectional RNNs: what reading both ways buys, and why it cannot generate.",
    options: [.init("--seed", "n", "seed of every random choice", default: "1")],
    flags: [("--bench", "time a training step of the look-ahead task's bidirectional RNN and write nothing")])

command.main { options in
    let log = Log(quiet: options.quiet)
    let seed = try options.seed()
    if options.has("--bench") {
        benchmark()
        return
    }
    let names = try NamesData(dataDirectory: options.dataDirectory)
    let text = try TimeMachineText(dataDirectory: options.dataDirectory)
    let outputs = try BidirectionalChapter(seed: seed, quick: options.quick, names: names, text: text, log: log).run()
    try outputs.write(to: options.outputDirectory)
    log("Wrote \(outputs.files.count) files to \(options.outputDirectory.path).")
}

/// `make bench`: training steps of experiment (a)'s networks (Elman, H = 32, T = 20, B = 32),
/// against PyTorch's 5.7 ms (bidirectional) and 3.2 ms (unidirectional) per step on one core.
func benchmark() {
    let task = LookAhead()
    for (bidirectional, pytorch) in [(true, 5.7), (false, 3.2)] {
        var rng = SeededRandom(seed: 1)
        let model = Tagger(cell: .rnnTanh, symbols: task.symbols, hidden: task.hidden, classes: task.symbols,
                           bidirectional: bidirectional, rng: &rng)
        var adam = Adam(learningRate: task.learningRate)
        let x = (0..<(task.length * task.batch)).map { _ in rng.int(below: task.symbols) }
        let rows = task.rows(shift: 2, batch: task.batch), targets = task.targets(x, shift: 2, batch: task.batch)
        let seconds = Bench.median(5) {
            for _ in 0..<300 { _ = model.step(x, steps: task.length, batch: task.batch, rows: rows, targets: targets, optimizer: &adam) }
        }
        Bench.row(bidirectional ? "birnn" : "birnn-unidirectional", steps: 300, seconds: seconds)
        Bench.note("\(bidirectional ? "birnn" : "birnn-unidirectional"): PyTorch on one core takes \(Format.number(pytorch)) ms per step (timings.md)")
    }
}
