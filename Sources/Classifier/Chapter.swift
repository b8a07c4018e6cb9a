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
    let I = NamesData.alphabet.count

    /// A trained model (or ensemble) seen as a function from names to log-probabilities `[C]`.
    struct Predictor {
        /// `network`, `n-gram` or `networks + n-gram`.
        let family: String
        let label: String, description: String
        let logProbabilities: ([LabelledName]) -> [[Double]]
    }

    /// `f`, computed once for each list of names it is asked about (log-probabilities depend
    /// only on the names).
    static func remembered(_ f: @escaping ([LabelledName]) -> [[Double]]) -> ([LabelledName]) -> [[Double]] {
        var answers: [[String]: [[Double]]] = [:]
        return { examples in
            let key = examples.map(\.name)
            if let known = answers[key] { return known }
            let answer = f(examples)
            answers[key] = answer
            return answer
        }
    }

    /// Held-out results of one model.
    struct Scores {
        var name: String
        var validation: ConfusionMatrix
        var test: ConfusionMatrix
    }

    func run() throws -> OutputSet {
        var out = OutputSet()
        let split = NamesSplit(data, testFraction: config.testFraction,
                               validationFraction: config.validationFraction, seed: config.splitSeed)
        out.add("counts.csv", countsTable(split))
        out.add("encoding.txt", encodingText())
        out.add("split.csv", splitTable(split))

        let loop = TutorialLoop(iterations: config.iterations, learningRate: config.learningRate,
                                printEvery: config.printEvery, plotEvery: config.plotEvery)
        let allLetters = data.lines.map { $0.map(NamesData.indices) }
        let (trainLetters, trainDisplay) = byLanguage(split.train, classes: C)
        let candidates = config.candidates
        let candidateTrainingNames = Array(split.train.prefix(config.trainingLimit ?? split.train.count))
        // Every training run is independent (own model, own seed), so they run in parallel.
        enum Job { case tutorial(TutorialCell, TutorialLoop.Result, ConfusionMatrix)
                   case recipe(any NameModel, TutorialLoop.Result)
                   case batch(RecurrentClassifier<Precision>)
                   case checks([(String, String, GradientCheck.Result)]) }
        /// The tutorial's loop on the training names, for a model made from its own seed.
        func recipeJob(_ label: String, seed: UInt64, _ make: @escaping (inout SeededRandom) -> any NameModel)
            -> (Cancellation) throws -> Job {
            { cancellation in
                var rng = SeededRandom(seed: seed)
                let model = make(&rng)
                let run = try loop.run(model, namesByLanguage: trainLetters, display: trainDisplay, languages: languages,
                                       rng: &rng, label: label, log: log, cancellation: cancellation)
                return .recipe(model, run)
            }
        }
        var jobs: [(Cancellation) throws -> Job] = [
            // 0. The gradient check of both cells, every entry (the longest job, so it starts first).
            { _ in .checks(gradientChecks()) },
            { cancellation in
                // 1. The tutorial, exactly: every line (duplicates included), judged on training draws.
                var rng = SeededRandom(seed: config.seed)
                let cell = TutorialCell(inputSize: I, hiddenSize: config.hiddenSize, outputSize: C, rng: &rng)
                let run = try loop.run(cell, namesByLanguage: allLetters, display: data.lines, languages: languages,
                                       rng: &rng, label: "tutorial", log: log, cancellation: cancellation)
                let matrix = tutorialConfusion(cell, namesByLanguage: allLetters, samples: config.tutorialSamples, rng: &rng)
                return .tutorial(cell, run, matrix)
            },
            // 2. The same cell and recipe on the de-duplicated training names only, and
            // 3. an Elman cell (with tanh) on the same budget.
            recipeJob("tutorial cell", seed: config.seed &+ 1) { TutorialCell(inputSize: I, hiddenSize: config.hiddenSize, outputSize: C, rng: &$0) },
            recipeJob("Elman cell", seed: config.seed &+ 2) { RecurrentClassifier<Precision>(symbols: I, hiddenSize: config.hiddenSize, classes: C, rng: &$0) },
        ]
        for (k, recipe) in candidates.enumerated() {
            jobs.append { cancellation in
                .batch(try recipe.train(candidateTrainingNames, classes: C, seed: config.seed &+ 10 &+ UInt64(k), log: log, cancellation: cancellation))
            }
        }
        let results = try parallelMap(jobs)
        guard case let .checks(checks) = results[0],
              case let .tutorial(tutorialCell, tutorialRun, tutorialMatrix) = results[1],
              case let .recipe(cellModel, cellRun) = results[2], let cell = cellModel as? TutorialCell,
              case let .recipe(elmanModel, elmanRun) = results[3], let elman = elmanModel as? RecurrentClassifier<Precision>
        else { fatalError("job results out of order") }
        let trained: [RecurrentClassifier<Precision>] = results.dropFirst(4).map {
            guard case let .batch(m) = $0 else { fatalError("job results out of order") }
            return m
        }

        // The tutorial's own evaluation.
        log("tutorial cell, \(config.tutorialSamples) random training draws: accuracy \(Format.percent(tutorialMatrix.accuracy))%")
        out.add("tutorial_progress.txt", tutorialRun.progress.joined(separator: "\n") + "\n")
        out.add("confusion_tutorial.csv", confusionTable(tutorialMatrix.rowNormalized))
        out.add("confusion_tutorial.svg", heatmap(tutorialMatrix.rowNormalized,
            title: "Tutorial's evaluation: \(Format.grouped(config.tutorialSamples)) random training draws"))

        // Loss curves of the three single-name runs.
        var lossTable = CSVTable(["iteration", "tutorial_cell_all_lines", "tutorial_cell_train_split", "elman_train_split"])
        for i in 0..<tutorialRun.losses.count {
            lossTable.append([String((i + 1) * config.plotEvery)] + [tutorialRun, cellRun, elmanRun].map { Format.number($0.losses[i]) })
        }
        out.add("loss.csv", lossTable)
        var chart = LineChart(title: "Training loss, mean over each \(config.plotEvery) iterations",
                              xLabel: "iteration", yLabel: "negative log-likelihood (nats)")
        let xs = (1...tutorialRun.losses.count).map { Double($0 * config.plotEvery) }
        chart.series = [
            .init("tutorial cell, all 20,074 lines", x: xs, y: tutorialRun.losses),
            .init("tutorial cell, training split", x: xs, y: cellRun.losses),
            .init("Elman cell (tanh), training split", x: xs, y: elmanRun.losses),
        ]
        out.add("loss.svg", chart.svg)

        // Held-out evaluation of every model, and the choice of the best one on validation.
        var counts = [Double](repeating: 0, count: C)
        for e in split.train { counts[e.label] += 1 }
        let logPrior = counts.map { Foundation.log($0 / Double(split.train.count)) }
        var scores = [
            Scores(name: "tutorial cell", validation: confusion(cell, on: split.validation, classes: C),
                   test: confusion(cell, on: split.test, classes: C)),
            Scores(name: "Elman cell", validation: confusion(elman, on: split.validation, classes: C),
                   test: confusion(elman, on: split.test, classes: C)),
        ]
        // The predictors to choose from: each candidate, the ensemble of all of them, a character
        // n-gram model per language, and the networks' ensemble together with each n-gram model.
        var predictors = trained.enumerated().map { k, model in
            Predictor(family: "network", label: String(k + 1), description: candidates[k].description) { batchedLogProbabilities(model, $0) }
        }
        // the ensemble is scored once per list of names, however many predictors include it
        let networks = Self.remembered { examples in ensembleLogProbabilities(trained.map { batchedLogProbabilities($0, examples) }) }
        if trained.count > 1 {
            predictors.append(Predictor(family: "network", label: "ensemble", description: "mean log-probability of candidates 1 to \(trained.count)", logProbabilities: networks))
        }
        let nGrams = config.nGramOrders.map { order in
            let model = NGramClassifier(order: order, train: candidateTrainingNames, classes: C)
            return Predictor(family: "n-gram", label: "\(order)-gram", description: "Kneser–Ney character \(order)-gram per language, Bayes's rule",
                             logProbabilities: Self.remembered { $0.map { model.logProbabilities($0.name) } })
        }
        predictors += nGrams
        let networksLabel = trained.count > 1 ? "ensemble" : "1"
        for (order, nGram) in zip(config.nGramOrders, nGrams) {
            predictors.append(Predictor(family: "networks + n-gram", label: "\(networksLabel) + \(order)-gram",
                                        description: "mean log-probability of the networks' ensemble and the \(order)-gram") { examples in
                ensembleLogProbabilities([networks(examples), nGram.logProbabilities(examples)])
            })
        }
        var selection = CSVTable(["candidate", "model", "tau", "validation_accuracy", "validation_balanced_accuracy", "criterion"])
        var best: (index: Int, tau: Double, criterion: Double)? = nil
        var shortlist = CSVTable(["candidate", "model", "best_tau", "validation_accuracy", "validation_balanced_accuracy", "criterion"])
        var bestOfFamily: [String: (index: Int, tau: Double, criterion: Double)] = [:]
        var validationLogp: [[[Double]]] = []
        for (k, predictor) in predictors.enumerated() {
            let lp = predictor.logProbabilities(split.validation)
            validationLogp.append(lp)
            var own: [String]? = nil, ownCriterion = -Double.infinity
            for tau in config.taus {
                let v = adjustedConfusion(lp, split.validation, logPrior: logPrior, tau: tau)
                let criterion = config.criterion(accuracy: v.accuracy, balancedAccuracy: v.balancedAccuracy)
                let row = [predictor.label, predictor.description, Format.number(tau), Format.number(v.accuracy),
                           Format.number(v.balancedAccuracy), Format.number(criterion)]
                selection.append(row)
                if criterion > ownCriterion { own = row; ownCriterion = criterion }
                if best == nil || criterion > best!.criterion { best = (k, tau, criterion) }
                if bestOfFamily[predictor.family].map({ criterion > $0.criterion }) ?? true { bestOfFamily[predictor.family] = (k, tau, criterion) }
            }
            shortlist.append(own!)
        }
        out.add("selection.csv", selection)
        out.add("selection_best.csv", shortlist)
        var choice = CSVTable(["field", "value"])
        choice.append(["candidate", predictors[best!.index].label])
        choice.append(["model", predictors[best!.index].description])
        choice.append(["tau", Format.number(best!.tau)])
        out.add("choice.csv", choice)
        /// Validation and test scores of predictor `k` with decision shift `tau`.
        func evaluate(_ name: String, _ k: Int, _ tau: Double) -> Scores {
            Scores(name: name, validation: adjustedConfusion(validationLogp[k], split.validation, logPrior: logPrior, tau: tau),
                   test: adjustedConfusion(predictors[k].logProbabilities(split.test), split.test, logPrior: logPrior, tau: tau))
        }
        let chosen = predictors[best!.index], tau = best!.tau
        // The best of the networks alone and of the n-gram models alone, chosen the same way.
        let bestNetwork = bestOfFamily["network"]!, bestNGram = bestOfFamily["n-gram"]!
        scores.append(evaluate("best network", bestNetwork.index, bestNetwork.tau))
        scores.append(evaluate("best n-gram", bestNGram.index, bestNGram.tau))
        scores.append(evaluate("best", best!.index, tau))
        let chosenTest = scores.last!.test, chosenValidation = scores.last!.validation
        log("chosen on validation: \(chosen.label) (\(chosen.description)), tau \(tau)")
        for s in scores {
            log("\(s.name): test accuracy \(Format.percent(s.test.accuracy))%, balanced \(Format.percent(s.test.balancedAccuracy))%")
        }

        var models = CSVTable(["model", "validation_accuracy", "validation_balanced_accuracy", "test_accuracy", "test_balanced_accuracy"])
        for s in scores {
            models.append([s.name, Format.number(s.validation.accuracy), Format.number(s.validation.balancedAccuracy),
                           Format.number(s.test.accuracy), Format.number(s.test.balancedAccuracy)])
        }
        out.add("models.csv", models)

        var perLanguage = CSVTable(["language", "test_names"] + scores.map { $0.name.replacingOccurrences(of: " ", with: "_") })
        for c in 0..<C {
            perLanguage.append([languages[c], String(split.test.filter { $0.label == c }.count)]
                + scores.map { Format.number($0.test.recalls[c], digits: 4) })
        }
        out.add("per_language.csv", perLanguage)
        out.add("confusion_test.csv", confusionTable(chosenTest.rowNormalized))
        out.add("confusion_test.svg", heatmap(chosenTest.rowNormalized,
            title: "Best model on \(Format.grouped(split.test.count)) held-out names"))

        // Predictions for three names.
        var predictions = CSVTable(["model", "name", "rank", "language", "log_probability"])
        for name in ["Hinton", "Schmidhuber", "Zhou"] {
            let letters = NamesData.indices(of: name)
            for (label, logp) in [("tutorial cell", tutorialCell.logProbabilities(letters)),
                                  ("best", chosen.logProbabilities([LabelledName(name: name, label: 0)])[0].enumerated().map { $1 - tau * logPrior[$0] })] {
                let normalized = SoftmaxCrossEntropy.logSoftmax(logp, classes: C)
                let top = normalized.indices.sorted { normalized[$0] > normalized[$1] || (normalized[$0] == normalized[$1] && $0 < $1) }.prefix(3)
                for (rank, c) in top.enumerated() {
                    predictions.append([label, name, String(rank + 1), languages[c], Format.fixed(normalized[c], decimals: 2)])
                }
            }
        }
        out.add("predictions.csv", predictions)

        // Gradient check of the tutorial's cell and of the Elman classifier, every entry (`checks`).
        var gradTable = CSVTable(["model", "parameter", "shape", "entries", "max_abs_gradient", "max_abs_difference", "rel_error"])
        for (model, shape, r) in checks {
            gradTable.append([model, r.name, shape, String(r.entriesChecked), Format.number(r.maxAbsGradient, digits: 3),
                              Format.number(r.maxAbsDifference, digits: 2), Format.number(r.relativeError, digits: 2)])
        }
        out.add("gradcheck.csv", gradTable)
        let worst = checks.map(\.2.relativeError).max() ?? .nan

        // The summary every other output and the chapter's prose can cite.
        let majority = counts.indices.max { counts[$0] < counts[$1] }!
        let majorityAccuracy = Double(split.test.filter { $0.label == majority }.count) / Double(split.test.count)
        let trainNames = Set(split.train.map(\.name))
        let overlap = split.test.filter { trainNames.contains($0.name) }.count
        var summary = CSVTable(["metric", "value"])
        let rows: [(String, Double)] = [
            ("test_accuracy", chosenTest.accuracy),
            ("test_balanced_accuracy", chosenTest.balancedAccuracy),
            ("majority_baseline_accuracy", majorityAccuracy),
            ("majority_baseline_balanced_accuracy", 1 / Double(C)),
            ("gradcheck_max_rel_error", worst),
            ("tutorial_training_draw_accuracy", tutorialMatrix.accuracy),
            ("tutorial_cell_test_accuracy", scores[0].test.accuracy),
            ("tutorial_cell_test_balanced_accuracy", scores[0].test.balancedAccuracy),
            ("elman_test_accuracy", scores[1].test.accuracy),
            ("elman_test_balanced_accuracy", scores[1].test.balancedAccuracy),
            ("best_validation_accuracy", chosenValidation.accuracy),
            ("best_validation_balanced_accuracy", chosenValidation.balancedAccuracy),
            ("best_tau", tau),
            ("best_network_test_accuracy", scores[2].test.accuracy),
            ("best_network_test_balanced_accuracy", scores[2].test.balancedAccuracy),
            ("best_network_tau", bestNetwork.tau),
            ("best_ngram_test_accuracy", scores[3].test.accuracy),
            ("best_ngram_test_balanced_accuracy", scores[3].test.balancedAccuracy),
            ("best_ngram_order", Double(config.nGramOrders[bestNGram.index - predictors.firstIndex { $0.family == "n-gram" }!])),
            ("best_ngram_tau", bestNGram.tau),
            ("lines", Double(data.lines.reduce(0) { $0 + $1.count })),
            ("distinct_pairs", Double(split.distinctCounts.reduce(0, +))),
            ("train_names", Double(split.train.count)),
            ("validation_names", Double(split.validation.count)),
            ("test_names", Double(split.test.count)),
            ("test_names_also_in_train_with_other_language", Double(overlap)),
            ("tutorial_final_loss", tutorialRun.losses.last ?? .nan),
            ("iterations", Double(config.iterations)),
        ]
        for (k, v) in rows { summary.append([k, Format.number(v)]) }
        out.add("summary.csv", summary)
        return out
    }

    // MARK: - Tables and figures

    func countsTable(_ split: NamesSplit) -> CSVTable {
        var t = CSVTable(["language", "lines", "distinct_lines", "distinct_ascii_names"])
        for c in 0..<C {
            t.append([languages[c], String(data.rawLines[c].count), String(Set(data.rawLines[c]).count), String(split.distinctCounts[c])])
        }
        t.append(["total", String(data.rawLines.reduce(0) { $0 + $1.count }),
                  String(data.rawLines.reduce(0) { $0 + Set($1).count }), String(split.distinctCounts.reduce(0, +))])
        return t
    }

    func splitTable(_ split: NamesSplit) -> CSVTable {
        var t = CSVTable(["language", "train", "validation", "test"])
        for c in 0..<C {
            t.append([languages[c]] + [split.train, split.validation, split.test].map { String($0.filter { $0.label == c }.count) })
        }
        t.append(["total", String(split.train.count), String(split.validation.count), String(split.test.count)])
        return t
    }

    func encodingText() -> String {
        var lines = ["alphabet (I = \(I)): \(String(NamesData.alphabet))"]
        for s in ["Ślusàrski", "Nguyễn", "Müller", "O'Néal"] { lines.append("toASCII(\"\(s)\") = \"\(NamesData.toASCII(s))\"") }
        func row(_ v: ArraySlice<Double>) -> String { v.map { $0 == 1 ? "1" : "0" }.joined() }
        let j = NamesData.oneHot("J")
        lines.append("")
        lines.append("\"J\": shape [1, \(I)], 1 at index \(NamesData.index(of: "J")!)")
        lines.append("  " + row(j[0..<I]))
        let jones = NamesData.oneHot("Jones")
        lines.append("")
        lines.append("\"Jones\": shape [\(jones.count / I), 1, \(I)]")
        for (t, ch) in "Jones".enumerated() {
            lines.append("  t=\(t) \(ch) " + row(jones[(t * I)..<((t + 1) * I)]))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func confusionTable(_ m: [[Double]]) -> CSVTable {
        var t = CSVTable(["truth"] + languages)
        for (c, row) in m.enumerated() { t.append([languages[c]] + row.map { Format.number($0, digits: 4) }) }
        return t
    }

    func heatmap(_ m: [[Double]], title: String) -> String {
        var h = Heatmap(title: title, rowLabels: languages, columnLabels: languages, values: m,
                        rowAxisLabel: "true language", columnAxisLabel: "predicted language")
        h.maximum = 1
        // Each cell as a whole percentage of its row; blank below 0.5 %.
        h.cellText = { v in v >= 0.005 ? String(Int((100 * v).rounded())) : nil }
        h.scaleLabel = "share of the true language's names"
        h.scaleFormat = { "\(Int((100 * $0).rounded())) %" }
        h.notes = ["A cell: the percentage of its row's names predicted as its column's language (blank: under 0.5\u{a0}%)."]
        return h.svg
    }
}
