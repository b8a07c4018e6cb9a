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
    /// Hidden units of the cells whose gradients are checked: 32, not the trained 128. The code
    /// is the same at every width, and the check's cost grows with the square of the number of
    /// entries (four forward passes per entry, each touching every entry): at 128 it took about
    /// two thirds of the chapter's CPU time.
    var gradcheckHidden = 32
    /// The better models, trained on the training names; the one chosen is the candidate and
    /// decision shift `tau` with the best `criterion` on validation. They are 64 units wide: at
    /// 128 the three cost 3.4 times the arithmetic, and the chosen model met the goals as well.
    var candidates: [BatchRecipe] = [
        BatchRecipe(name: "candidate 1", cell: .gru, hiddenSize: 64, bidirectional: true, epochs: 10, batchSize: 32,
                    learningRate: 0.003, classWeightPower: 0.3),
        BatchRecipe(name: "candidate 2", cell: .gru, hiddenSize: 64, bidirectional: true, epochs: 10, batchSize: 32,
                    learningRate: 0.003, classWeightPower: 0.5),
        BatchRecipe(name: "candidate 3", cell: .gru, hiddenSize: 64, bidirectional: true, epochs: 10, batchSize: 32,
                    learningRate: 0.003, classWeightPower: 0.7),
    ]
    /// Orders of the character n-gram classifiers compared with the networks.
    var nGramOrders = [3, 4, 5]
    /// The chapter's goal on held-out names: both at once.
    var goalAccuracy = 0.82
    var goalBalancedAccuracy = 0.55

    /// How a (model, tau) pair is scored on validation: the smaller of accuracy and balanced
    /// accuracy, each as a fraction of its goal, so that only a choice that approaches both
    /// goals at once scores well.
    func criterion(accuracy: Double, balancedAccuracy: Double) -> Double {
        min(accuracy / goalAccuracy, balancedAccuracy / goalBalancedAccuracy)
    }

    /// Train the candidates on at most this many names (`--quick` only).
    var trainingLimit: Int? = nil
    /// Decision shifts tried on validation: predict `argmax_c log p(c|x) - tau · log π_c`.
    var taus: [Double] = [-0.2, -0.1, 0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6]

    /// The chapter's settings, as above: the defaults of its options too.
    init() {}

    /// The settings a command line asks for.
    init(_ options: ChapterCommand.Parsed) throws {
        learningRate = try options.double("--learning-rate")
        guard learningRate > 0 else { throw ChapterCommand.UsageError("--learning-rate must be positive") }
        seed = try options.seed()
        if options.quick {
            // Small enough for an unoptimized (debug) build to finish in seconds.
            iterations = 1_000
            tutorialSamples = 500
            printEvery = 500
            plotEvery = 100
            gradcheckHidden = 4
            hiddenSize = 16
            trainingLimit = 1_000
            for i in candidates.indices { candidates[i].epochs = 1; candidates[i].hiddenSize = 8 }
        }
    }
}
