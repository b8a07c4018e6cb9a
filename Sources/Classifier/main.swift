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

command.main(bench: { options in
    try benchmark(config: try ClassifierConfig(options), data: try NamesData(dataDirectory: options.dataDirectory))
}, run: { options, log in
    let config = try ClassifierConfig(options)
    let data = try NamesData(dataDirectory: options.dataDirectory)
    log("Read \(data.languages.count) languages, \(data.lines.reduce(0) { $0 + $1.count }) names.")
    return try ClassifierChapter(config: config, data: data, log: log).run()
})

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
}
