import Unrolled

/// Every setting of the chapter, as commented literals. `--quick` shrinks the budgets.
struct ClassifierConfig {
    /// Hidden units of the tutorial's cell and of the Elman cell it is compared with (`H`).
    var hiddenSize = 128
    /// The tutorial's SGD learning rate.
    var learningRate = 0.005
    /// The tutorial's budget: single-name SGD steps.
    var iterations = 60_000
    /// A progress line every this many iterations, and a plotted mean loss every `plotEvery`.
    var printEvery = 2_000
    var plotEvery = 500
    /// Random (language, name) draws for the tutorial's confusion matrix.
    var tutorialSamples = 10_000
    /// Held-out fractions: test per language, then validation from the rest.
    var testFraction = 0.1
    var validationFraction = 0.1
    /// Seed of the split, kept apart from the training seed so both can vary independently.
    var splitSeed: UInt64 = 2024
    /// Seed of initializations and sampling.
    var seed: UInt64 = 1
    /// Gradient check: the cell's sizes and the name it reads.
    var gradcheckName = "Jones"
    var gradcheckLabel = "Scottish"
    var quick = false

    init(_ options: ChapterCommand.Parsed) throws {
        learningRate = try options.double("--learning-rate")
        guard learningRate > 0 else { throw ChapterCommand.UsageError("--learning-rate must be positive") }
        let s = try options.int("--seed")
        guard s >= 0 else { throw ChapterCommand.UsageError("--seed must be non-negative") }
        seed = UInt64(s)
        if options.quick {
            quick = true
            iterations = 6_000
            tutorialSamples = 2_000
            printEvery = 1_000
        }
    }
}
