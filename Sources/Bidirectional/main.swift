import Foundation
import Unrolled

let command = ChapterCommand(
    name: "bidirectional", slug: "bidirectional",
    summary: "Chapter 6: bidirectional RNNs: what reading both ways buys, and why it cannot generate.",
    options: [.init("--seed", "n", "seed of every random choice", default: "1")],
    flags: [("--bench", "time a training step of the look-ahead task's bidirectional RNN and write nothing")])

command.main(bench: { _ in benchmark() }, run: { options, log in
    let names = try NamesData(dataDirectory: options.dataDirectory)
    let text = try TimeMachineText(dataDirectory: options.dataDirectory)
    return try BidirectionalChapter(seed: try options.seed(), quick: options.quick, names: names, text: text, log: log).run()
})

/// `make bench`: training steps of experiment (a)'s networks (Elman, H = 32, T = 20, B = 32), one
/// and two directions (`Tools/compare_pytorch.py` runs PyTorch's beside them).
func benchmark() {
    let task = LookAhead()
    for bidirectional in [true, false] {
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
    }
}
