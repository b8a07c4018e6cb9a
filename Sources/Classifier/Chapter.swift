import Foundation
import Plot
import Unrolled

/// Runs every experiment of the chapter and collects its outputs.
struct ClassifierChapter {
    let config: ClassifierConfig
    let data: NamesData
    let log: Log
    var languages: [String] { data.languages }
    var C: Int { data.languages.count }

    func run() throws -> OutputSet {
        var out = OutputSet()
        let I = NamesData.alphabet.count
        let split = NamesSplit(data, testFraction: config.testFraction,
                               validationFraction: config.validationFraction, seed: config.splitSeed)
        let loop = TutorialLoop(iterations: config.iterations, learningRate: config.learningRate,
                                printEvery: config.printEvery, plotEvery: config.plotEvery)
        let clock = Stopwatch()

        // 1. The tutorial, exactly: every line (duplicates included), evaluated on training draws.
        let allLetters = data.lines.map { $0.map(NamesData.indices) }
        var rng = SeededRandom(seed: config.seed)
        let tutorialCell = TutorialCell(inputSize: I, hiddenSize: config.hiddenSize, outputSize: C, rng: &rng)
        let tutorialRun = try loop.run(tutorialCell, namesByLanguage: allLetters, display: data.lines,
                                       languages: languages, rng: &rng, label: "tutorial", log: log)
        let tutorialMatrix = tutorialConfusion(tutorialCell, namesByLanguage: allLetters,
                                               samples: config.tutorialSamples, rng: &rng)
        log("tutorial cell, \(config.tutorialSamples) random training draws: accuracy \(Format.percent(tutorialMatrix.accuracy))% (\(Int(clock.seconds)) s)")

        // 2. The same recipe on the de-duplicated training part, evaluated on held-out names.
        let (trainLetters, trainDisplay) = byLanguage(split.train, classes: C)
        var rngCell = SeededRandom(seed: config.seed &+ 1)
        let cell = TutorialCell(inputSize: I, hiddenSize: config.hiddenSize, outputSize: C, rng: &rngCell)
        let cellRun = try loop.run(cell, namesByLanguage: trainLetters, display: trainDisplay,
                                   languages: languages, rng: &rngCell, label: "tutorial cell, train split", log: log)
        let cellTest = confusion(cell, on: split.test, classes: C)
        log("tutorial cell on held-out names: accuracy \(Format.percent(cellTest.accuracy))%, balanced \(Format.percent(cellTest.balancedAccuracy))%")

        var rngElman = SeededRandom(seed: config.seed &+ 2)
        let elman = RecurrentClassifier(symbols: I, hiddenSize: config.hiddenSize, classes: C, rng: &rngElman)
        let elmanRun = try loop.run(elman, namesByLanguage: trainLetters, display: trainDisplay,
                                    languages: languages, rng: &rngElman, label: "Elman cell, train split", log: log)
        let elmanTest = confusion(elman, on: split.test, classes: C)
        log("Elman cell on held-out names: accuracy \(Format.percent(elmanTest.accuracy))%, balanced \(Format.percent(elmanTest.balancedAccuracy))% (\(Int(clock.seconds)) s)")
        _ = (tutorialRun, cellRun, elmanRun)
        return out
    }
}
