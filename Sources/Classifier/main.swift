import Foundation
import Plot
import Unrolled

let command = ChapterCommand(
    name: "classifier", slug: "classifier",
    summary: "Chapter 1: classifying surnames by language with a character-level RNN.",
    options: [
        .init("--learning-rate", "lr", "SGD learning rate of the tutorial's recipe", default: "\(ClassifierConfig().learningRate)"),
        .init("--seed", "n", "seed of every random choice", default: "\(ClassifierConfig().seed)"),
    ],
    flags: [("--bench", "time the tutorial's 60,000 iterations and write nothing")])

command.main { options in
    let log = Log(quiet: options.quiet)
    let config = try ClassifierConfig(options)
    let data = try NamesData(dataDirectory: options.dataDirectory)
    if options.has("--bench") {
        try benchmark(config: config, data: data)
        return
    }
    log("Read \(data.languages.count) languages, \(data.lines.reduce(0) { $0 + $1.count }) names.")
    let outputs = try ClassifierChapter(config: config, data: data, log: log).run()
    try outputs.write(to: options.outputDirectory)
    log("Wrote \(outputs.files.count) files to \(options.outputDirectory.path).")
}

/// `make bench`: the tutorial's recipe alone, timed (`Tools/compare_pytorch.py` runs PyTorch's
/// beside it). Timings are printed, never written to an output.
func benchmark(config: ClassifierConfig, data: NamesData) throws {
    let letters = data.lines.map { $0.map(NamesData.indices) }
    let loop = TutorialLoop(iterations: config.iterations, learningRate: config.learningRate,
                            printEvery: config.iterations, plotEvery: config.plotEvery)
    let seconds = try Bench.median(3) {
        var rng = SeededRandom(seed: config.seed)
        let cell = TutorialCell(inputSize: NamesData.alphabet.count, hiddenSize: config.hiddenSize,
                                outputSize: data.languages.count, rng: &rng)
        _ = try loop.run(cell, namesByLanguage: letters, display: data.lines, languages: data.languages,
                         rng: &rng, label: "bench", log: Log(quiet: true))
    }
    Bench.row("classifier-tutorial-cell", steps: config.iterations, seconds: seconds)
    Bench.note("classifier-tutorial-cell: PyTorch on one core takes 1.24 ms per step (timings.md)")
}
