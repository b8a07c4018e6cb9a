import Foundation
import Plot
import Unrolled

/// Every setting of the chapter, and `--quick`'s smaller budgets.
struct WordModelConfig {
    var trainFraction = 0.9
    /// The lab's recipe, exactly: full vocabulary, tanh RNN, Adam 0.01, clip 5, 50 epochs.
    var recipe = WordRecipe(name: "lab recipe", vocabularyFromWholeText: true, sampleEvery: 20)
    /// What fixes it: a vocabulary cut-off, a smaller learning rate, early stopping, gated cells.
    var better: [WordRecipe] = [
        WordRecipe(name: "RNN, cut-off 3, lr 0.002", minCount: 3, learningRate: 0.002, epochs: 12, earlyStopping: true),
        WordRecipe(name: "GRU, cut-off 3, lr 0.002", cell: .gru, minCount: 3, learningRate: 0.002, epochs: 12, earlyStopping: true),
        WordRecipe(name: "LSTM, cut-off 3, lr 0.002", cell: .lstm, minCount: 3, learningRate: 0.002, epochs: 12, earlyStopping: true),
    ]
    var nGramOrder = 3
    /// Words whose nearest neighbours are listed, and how many of the most frequent words the
    /// PCA scatter shows.
    var probes = ["time", "Time", "said", "I", "little", "the"]
    var scatterWords = 80

    init(quick: Bool) {
        guard quick else { return }
        recipe.epochs = 2; recipe.hidden = 8; recipe.embedding = 8; recipe.sampleEvery = 40
        for i in better.indices { better[i].epochs = 2; better[i].hidden = 8; better[i].embedding = 8 }
        trainFraction = 0.9
        scatterWords = 20
    }
}

struct WordModelChapter {
    let seed: UInt64
    let quick: Bool
    let corpus: Corpus
    let log: Log

    func run() throws -> OutputSet {
        let config = WordModelConfig(quick: quick)
        var corpus = self.corpus
        if quick { corpus = Corpus(words: Array(corpus.words.prefix(3_000))) }
        var out = OutputSet()
        let all = [config.recipe] + config.better
        var jobs: [(Cancellation) throws -> WordRun] = []
        for (k, r) in all.enumerated() {
            jobs.append { c in
                let clock = Stopwatch()
                let run = try train(r, corpus: corpus, trainFraction: config.trainFraction, seed: seed &+ UInt64(k), cancel: c, log: log)
                log("\(r.name): trained in \(Format.fixed(clock.seconds, decimals: 1)) s")
                return run
            }
        }
        let runs = try parallelMap(jobs)
        // the trigram with the vocabulary of the recipe, then of the cut-off models
        let nGramFull = nGramPerplexity(order: config.nGramOrder, config.recipe, vocabulary: runs[0].words!, corpus: corpus,
                                        trainFraction: config.trainFraction)
        let nGramCut = nGramPerplexity(order: config.nGramOrder, config.better[0], vocabulary: runs[1].words!, corpus: corpus,
                                       trainFraction: config.trainFraction)

        // The recipe: the gap between training and validation.
        let lab = runs[0]
        var curve = CSVTable(["epoch", "train_perplexity", "valid_perplexity"])
        for e in lab.trainPerplexity.indices {
            curve.append(["\(e + 1)", Format.number(lab.trainPerplexity[e], digits: 5), Format.number(lab.validPerplexity[e], digits: 5)])
        }
        out.add("recipe_curve.csv", curve)
        var chart = LineChart(title: "The lab's recipe on The Time Machine (V = \(Format.grouped(lab.vocabulary)))",
                              xLabel: "epoch", yLabel: "perplexity (log scale)")
        chart.logY = true
        let epochs = lab.trainPerplexity.indices.map { Double($0 + 1) }
        chart.series = [.init("training", x: epochs, y: lab.trainPerplexity), .init("validation (last 10 % of the book)", x: epochs, y: lab.validPerplexity),
                        .init("\(config.nGramOrder)-gram on validation", x: epochs, y: epochs.map { _ in nGramFull }, dashed: true)]
        chart.series[2].markers = false
        out.add("recipe_curve.svg", chart.svg)
        out.add("recipe_samples.txt", lab.samples.map { "\($0.iteration): \($0.text)" }.joined(separator: "\n") + "\n")
        let shown = Set([lab.samples.first?.iteration, lab.samples.dropFirst(lab.samples.count / 10).first?.iteration,
                         lab.samples.dropFirst(lab.samples.count / 2).first?.iteration, lab.samples.last?.iteration].compactMap { $0 })
        out.add("recipe_samples_selected.txt", lab.samples.filter { shown.contains($0.iteration) }
            .map { "after \($0.iteration) iterations:\n  \($0.text)" }.joined(separator: "\n") + "\n")
        // The lab's sampler (uniform among the top 5) on the same model at the same iterations.
        out.add("topk_lab_samples.txt", "the lab's sampler: uniform among the top \(config.recipe.topK) words\n"
            + lab.labSamples.filter { shown.contains($0.iteration) }
            .map { "after \($0.iteration) iterations:\n  \($0.text)" }.joined(separator: "\n") + "\n")

        // Every model side by side.
        var table = CSVTable(["model", "vocabulary", "epochs_run", "epoch_kept", "train_perplexity", "valid_perplexity", "ngram_valid_perplexity"])
        for (r, run) in zip(all, runs) {
            table.append([r.name, "\(run.vocabulary)", "\(r.epochs)", "\(run.bestEpoch)",
                          Format.number(run.trainPerplexity[run.bestEpoch - 1], digits: 4), Format.number(run.chosenValidPerplexity, digits: 4),
                          Format.number(r.minCount == 1 ? nGramFull : nGramCut, digits: 4)])
        }
        out.add("models.csv", table)
        var betterChart = LineChart(title: "Validation perplexity per epoch, vocabulary cut at 3 (V = \(Format.grouped(runs[1].vocabulary)))",
                                    xLabel: "epoch", yLabel: "validation perplexity")
        for (r, run) in zip(config.better, runs.dropFirst()) {
            betterChart.series.append(.init(r.name, x: run.validPerplexity.indices.map { Double($0 + 1) }, y: run.validPerplexity))
        }
        let xs = [1.0, Double(config.better.map(\.epochs).max()!)]
        betterChart.series.append(.init("\(config.nGramOrder)-gram (Kneser–Ney)", x: xs, y: xs.map { _ in nGramCut }, dashed: true))
        betterChart.series[betterChart.series.count - 1].markers = false
        out.add("better_curves.svg", betterChart.svg)

        // The best model's embeddings.
        let bestIndex = 1 + config.better.indices.min { runs[1 + $0].chosenValidPerplexity < runs[1 + $1].chosenValidPerplexity }!
        let best = runs[bestIndex]
        let analysis = EmbeddingAnalysis(weight: best.model!.embedding.weight.value.map(Double.init), dimension: config.better[bestIndex - 1].embedding,
                                         words: best.words!)
        var neighbours = CSVTable(["word", "nearest (cosine similarity)"])
        for w in config.probes where best.words!.index[w] != nil {
            neighbours.append([w, analysis.nearest(w, count: 5).map { "\($0.word) (\(Format.fixed($0.similarity, decimals: 2)))" }.joined(separator: ", ")])
        }
        out.add("neighbours.csv", neighbours)
        let projected = analysis.pca(first: config.scatterWords)
        var scatter = Scatter(title: "The \(config.scatterWords) most frequent words: \(config.better[bestIndex - 1].cell == .rnnTanh ? "RNN" : config.better[bestIndex - 1].cell == .gru ? "GRU" : "LSTM") embeddings, two principal components",
                              xLabel: "first principal component", yLabel: "second principal component")
        scatter.points = projected
        // Each axis says how much of the words' variance it shows: its points' sum of squares over
        // that of the centred rows the projection starts from (the same words, the same weights).
        let (E, m) = (analysis.dimension, projected.count)
        var total = 0.0
        for e in 0..<E {
            let column = (0..<m).map { analysis.weight[$0 * E + e] }
            let mean = column.reduce(0, +) / Double(m)
            total += column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        }
        if total > 0 {
            scatter.xLabel += " (\(Format.percent(projected.reduce(0) { $0 + $1.x * $1.x } / total, decimals: 0)) % of the variance)"
            scatter.yLabel += " (\(Format.percent(projected.reduce(0) { $0 + $1.y * $1.y } / total, decimals: 0)) % of the variance)"
        }
        // The two kinds of words the text contrasts, by their letters (so `me,` is a pronoun too).
        let determinersAndPronouns: Set = ["a", "an", "the", "this", "these", "those", "my", "our", "your", "his", "her", "its", "their",
                                           "i", "me", "we", "us", "you", "he", "him", "she", "they", "them", "it"]
        let verbsAndPrepositions: Set = ["was", "were", "is", "are", "be", "been", "had", "have", "has", "did", "do", "could", "would",
                                         "must", "should", "can", "will", "came", "saw", "said", "seemed", "went", "felt", "thought",
                                         "found", "made", "began", "looked", "knew", "see", "come", "of", "in", "into", "to", "from",
                                         "with", "upon", "on", "at", "by", "for", "about", "through", "out", "up", "down", "over",
                                         "under", "after", "across", "towards"]
        func bare(_ w: String) -> String { String(w.lowercased().filter(\.isLetter)) }
        let words = projected.map(\.label)
        scatter.groups = [("determiners and pronouns", Set(words.filter { determinersAndPronouns.contains(bare($0)) })),
                          ("verbs and prepositions", Set(words.filter { verbsAndPrepositions.contains(bare($0)) }))]
        scatter.otherName = "other words"
        scatter.height = 620
        out.add("embeddings_pca.svg", scatter.svg)

        var summary = CSVTable(["metric", "value"])
        func add(_ k: String, _ v: Double, _ digits: Int = 4) { summary.append([k, Format.number(v, digits: digits)]) }
        add("words", Double(corpus.words.count))
        add("vocabulary_full", Double(lab.vocabulary))
        add("vocabulary_cutoff", Double(runs[1].vocabulary))
        var counts: [String: Int] = [:]
        for w in corpus.split(config.trainFraction).train { counts[w, default: 0] += 1 }
        add("train_distinct_words", Double(counts.count))
        add("train_words_seen_once_fraction", Double(counts.values.filter { $0 == 1 }.count) / Double(counts.count))
        add("recipe_steps", Double(lab.iterations))
        add("recipe_train_perplexity", lab.trainPerplexity.last!)
        add("recipe_valid_perplexity", lab.validPerplexity.last!)
        add("recipe_best_valid_perplexity", lab.validPerplexity.min()!)
        add("recipe_best_valid_epoch", Double(lab.validPerplexity.indices.min { lab.validPerplexity[$0] < lab.validPerplexity[$1] }! + 1))
        add("valid_perplexity_ngram_full", nGramFull)
        add("valid_perplexity_ngram", nGramCut)
        add("valid_perplexity_best", best.chosenValidPerplexity)
        summary.append(["best_model", config.better[bestIndex - 1].name])
        for (k, name) in ["rnn", "gru", "lstm"].enumerated() { add("valid_perplexity_\(name)", runs[1 + k].chosenValidPerplexity) }
        out.add("summary.csv", summary)
        return out
    }
}
