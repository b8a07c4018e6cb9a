import Foundation
import Plot
import Unrolled

/// Every setting of the chapter, and `--quick`'s smaller budgets.
struct CharModelConfig {
    var toy = Toy()
    var d2l = D2LSetup()
    /// The d2l-setup models. Each trains for a fixed number of epochs and reports its last one;
    /// the settings were chosen by looking at the validation windows (d2l's setup has no third
    /// split), as the chapter says.
    var recipes: [D2LSetup.Recipe] = [
        .init(name: "RNN", cell: .rnnTanh, hidden: 32, learningRate: 0.005, batch: 16, epochs: 3),
        .init(name: "GRU", cell: .gru, hidden: 32, learningRate: 0.005, batch: 16, epochs: 1),
        .init(name: "LSTM", cell: .lstm, hidden: 32, learningRate: 0.005, batch: 16, epochs: 3),
        .init(name: "2-layer GRU", cell: .gru, hidden: 64, layers: 2, dropout: 0.5, learningRate: 0.005, batch: 16, epochs: 1),
    ]
    var nGramOrder = 4
    var whole = WholeText()
    /// min-char-rnn: hidden 100, chunks of 25 raw characters, Adagrad 0.1.
    var minChar = MinCharSetting()
    /// The best network and the n-gram model on growing amounts of text, at a fixed budget of steps.
    var dataSize = DataSize()

    init(quick: Bool) {
        guard quick else { return }
        toy.epochs = 20
        d2l.trainWindows = 300; d2l.validWindows = 100; d2l.validBatch = 64
        for i in recipes.indices { recipes[i].hidden = 8; recipes[i].epochs = 1 }
        whole.hidden = 8; whole.iterations = 20; whole.evaluateEvery = 10; whole.sampleLength = 20; whole.trainFraction = 0.99
        dataSize.sizes = [1_000, 4_000]; dataSize.stepsPerRun = 20; dataSize.recipe.hidden = 8
        minChar.iterations = 200; minChar.hidden = 8; minChar.sampleLength = 20; minChar.sampleAt = [100, 200]
    }
}

struct MinCharSetting {
    var hidden = 100, chunk = 25, learningRate = 0.1, iterations = 10_000
    /// Smoothed loss recorded every this many iterations.
    var recordEvery = 100
    /// Samples (temperature 1, as min-char-rnn prints them) after these iterations, and at the
    /// end at each of `temperatures`.
    var sampleAt = [100, 1_000, 3_000]
    var temperatures = [0.5, 1.0]
    var sampleLength = 200
}

struct CharModelChapter {
    let seed: UInt64
    let quick: Bool
    let text: TimeMachineText
    let log: Log

    func run() throws -> OutputSet {
        let config = CharModelConfig(quick: quick)
        var out = OutputSet()

        // The toy, exactly as the notebook.
        let toy = config.toy.run(seed: seed)
        for line in toy.log { log(line) }
        log("good → \"\(toy.completion)\"")
        out.add("toy_training.txt", (toy.log + ["", "sample(model, \(config.toy.completionLength), '\(config.toy.prompt)') → '\(toy.completion)'"])
            .joined(separator: "\n") + "\n")
        out.add("toy_dictionary.txt", "one-hot input: \(toy.inputShape.map(String.init).joined(separator: " × ")) (batch, length, characters)\n"
            + config.toy.characters.enumerated().map { "\($0): '\($1)'" }.joined(separator: "  ") + "\n")

        // Everything that trains, on both cores.
        enum Job { case d2l(D2LSetup.Result), whole(WholeText.Result), minChar(MinCharResult), dataSize(DataSize.Row) }
        var jobs: [(Cancellation) throws -> Job] = []
        func timed(_ name: String, _ body: @escaping (Cancellation) throws -> Job) -> (Cancellation) throws -> Job {
            { c in let clock = Stopwatch(); let r = try body(c); log("  \(name) trained in \(Format.fixed(clock.seconds, decimals: 1)) s"); return r }
        }
        for (k, r) in config.recipes.enumerated() {
            jobs.append(timed(r.name) { .d2l(try config.d2l.train(r, text: text.symbols, seed: seed &+ UInt64(10 + k), cancel: $0)) })
        }
        jobs.append(timed("whole text") { .whole(try config.whole.run(text.symbols, seed: seed &+ 20, cancel: $0)) })
        jobs.append(timed("min-char-rnn") { .minChar(try runMinChar(config.minChar, raw: text.raw, seed: seed &+ 30, cancel: $0)) })
        // Random streams of their own (seed + 60, 61, …), so that no other stream moves.
        let dataSizes = config.dataSize.characters(text.symbols)
        for (k, n) in dataSizes.enumerated() {
            jobs.append(timed("data size \(n)") { .dataSize(try config.dataSize.run(characters: n, text: text.symbols, seed: seed &+ UInt64(60 + k), cancel: $0)) })
        }
        log("Training \(config.recipes.count) models on d2l's split, one on the whole text, min-char-rnn and \(dataSizes.count) on growing texts …")
        let results = try parallelMap(jobs)

        // d2l's setup
        var table = CSVTable(["model", "parameters", "batch", "learning_rate", "epochs", "train_perplexity", "valid_perplexity", "d2l_figure"])
        var curves = CSVTable(["model", "epoch", "valid_perplexity"])
        var chart = LineChart(title: "d2l's split of The Time Machine: validation perplexity every half epoch",
                              xLabel: "epoch", yLabel: "per-token perplexity")
        var valid: [String: Double] = [:], parameterCount: [String: Int] = [:]
        for (k, r) in config.recipes.enumerated() {
            guard case .d2l(let res) = results[k] else { preconditionFailure() }
            let v = res.validPerplexity.last!.perplexity
            valid[r.name] = v
            parameterCount[r.name] = res.parameterCount
            log("\(r.name): validation perplexity \(Format.fixed(v, decimals: 3))")
            table.append([r.name, "\(res.parameterCount)", "\(r.batch)", Format.number(r.learningRate), "\(r.epochs)",
                          Format.fixed(exp(res.trainLoss.last!), decimals: 3), Format.fixed(v, decimals: 3), Format.fixed(res.d2lFigure, decimals: 3)])
            for p in res.validPerplexity { curves.append([r.name, Format.number(p.epoch), Format.fixed(p.perplexity, decimals: 4)]) }
            chart.series.append(.init(r.name, points: res.validPerplexity.map { ($0.epoch, $0.perplexity) }))
        }
        let nGram = config.d2l.nGramPerplexity(order: config.nGramOrder, text: text.symbols)
        table.append(["\(config.nGramOrder)-gram (Kneser–Ney)", "", "", "", "", "", Format.fixed(nGram, decimals: 3), ""])
        chart.yRange = (4, 10)
        let xs = [0.5, Double(config.recipes.map(\.epochs).max()!)]
        chart.series.append(.init("\(config.nGramOrder)-gram", x: xs, y: xs.map { _ in nGram }, dashed: true))
        chart.series[chart.series.count - 1].markers = false      // a level, not measurements
        out.add("d2l.csv", table)
        out.add("d2l_curves.csv", curves)
        out.add("d2l_curves.svg", chart.svg)

        // The whole text
        guard case .whole(let whole) = results[config.recipes.count] else { preconditionFailure() }
        var wholeTable = CSVTable(["iteration", "train_perplexity", "valid_perplexity"])
        for (a, b) in zip(whole.trainLoss, whole.validPerplexity) {
            wholeTable.append(["\(a.iteration)", Format.fixed(exp(a.loss), decimals: 4), Format.fixed(b.perplexity, decimals: 4)])
        }
        out.add("whole_text.csv", wholeTable)
        var wholeChart = LineChart(title: "The whole text, last 10 % held out: \(config.whole.cell == .gru ? "GRU" : "LSTM") with H = \(config.whole.hidden)",
                                   xLabel: "iteration (batches of \(config.whole.batch) windows of \(config.whole.steps))", yLabel: "per-token perplexity")
        wholeChart.series = [
            .init("training (mean of the last \(config.whole.evaluateEvery) batches)", points: whole.trainLoss.map { (Double($0.iteration), exp($0.loss)) }),
            .init("held-out tail", points: whole.validPerplexity.map { (Double($0.iteration), $0.perplexity) }),
            .init("4-gram on the tail", points: whole.validPerplexity.map { (Double($0.iteration), whole.nGramPerplexity) }, dashed: true),
        ]
        wholeChart.series[2].markers = false
        out.add("whole_text.svg", wholeChart.svg)
        out.add("whole_text_samples.txt", whole.samples.map { "temperature \(Format.number($0.temperature)):\n  \($0.text)" }.joined(separator: "\n") + "\n")

        // min-char-rnn
        guard case .minChar(let mc) = results[config.recipes.count + 1] else { preconditionFailure() }
        var mcTable = CSVTable(["iteration", "smooth_loss"])
        for (i, l) in mc.smoothLoss { mcTable.append(["\(i)", Format.fixed(l, decimals: 3)]) }
        out.add("min_char_rnn.csv", mcTable)
        var mcChart = LineChart(title: "min-char-rnn on the raw text (V = \(mc.vocabulary), H = \(config.minChar.hidden))",
                                xLabel: "iteration (chunks of \(config.minChar.chunk) characters)", yLabel: "smoothed loss per chunk (nats)")
        mcChart.series = [.init("smooth loss", points: mc.smoothLoss.map { (Double($0.0), $0.1) })]
        out.add("min_char_rnn.svg", mcChart.svg)
        out.add("min_char_rnn_samples.txt", mc.samples.map { "\($0.label):\n\($0.text)\n" }.joined(separator: "\n"))

        // The gradient check of min-char-rnn's hand-written backward pass.
        var check = CSVTable(["tensor", "entries", "relative_error"])
        let checks = minCharGradientCheck(seed: seed &+ 40)
        for r in checks { check.append([r.name, "\(r.entriesChecked)", Format.number(r.relativeError, digits: 2)]) }
        out.add("gradcheck.csv", check)

        // The amount of text, at a fixed budget of training steps.
        var sizeTable = CSVTable(["characters", "network_valid_perplexity", "ngram_valid_perplexity"])
        var sizeRows: [DataSize.Row] = []
        for k in dataSizes.indices {
            guard case .dataSize(let row) = results[config.recipes.count + 2 + k] else { preconditionFailure() }
            sizeRows.append(row)
            log("\(row.characters) characters: network \(Format.fixed(row.networkPerplexity, decimals: 3)), \(config.dataSize.nGramOrder)-gram \(Format.fixed(row.nGramPerplexity, decimals: 3))")
            sizeTable.append(["\(row.characters)", Format.fixed(row.networkPerplexity, decimals: 4), Format.fixed(row.nGramPerplexity, decimals: 4)])
        }
        out.add("data_size.csv", sizeTable)
        let ds = config.dataSize
        var sizeChart = LineChart(title: "More training text, the same \(ds.stepsPerRun) steps: validation perplexity on the held-out tail",
                                  xLabel: "training characters (from the start of the book)", yLabel: "per-token perplexity")
        sizeChart.series = [
            .init("\(ds.recipe.name) (H = \(ds.recipe.hidden))", points: sizeRows.map { (Double($0.characters), $0.networkPerplexity) }),
            .init("\(ds.nGramOrder)-gram (Kneser–Ney)", points: sizeRows.map { (Double($0.characters), $0.nGramPerplexity) }, dashed: true),
        ]
        out.add("data_size.svg", sizeChart.svg)

        var summary = CSVTable(["metric", "value"])
        func add(_ k: String, _ v: Double, _ digits: Int = 4) { summary.append([k, Format.number(v, digits: digits)]) }
        summary.append(["toy_completion", toy.completion])
        add("toy_final_loss", toy.losses.last!)
        add("valid_perplexity_rnn", valid["RNN"]!)
        add("valid_perplexity_gru", valid["GRU"]!)
        add("valid_perplexity_lstm", valid["LSTM"]!)
        add("valid_perplexity_gru_2layer", valid["2-layer GRU"]!)
        let best = config.recipes.min { valid[$0.name]! < valid[$1.name]! }!
        add("valid_perplexity_best", valid[best.name]!)
        summary.append(["best_model", best.name])
        add("best_model_parameters", Double(parameterCount[best.name]!), 6)
        add("valid_perplexity_4gram", nGram)
        add("whole_text_valid_perplexity", whole.validPerplexity.last!.perplexity)
        add("whole_text_best_valid_perplexity", whole.validPerplexity.map(\.perplexity).min()!)
        add("whole_text_valid_perplexity_4gram", whole.nGramPerplexity)
        add("whole_text_train_symbols", Double(whole.trainSymbols))
        add("whole_text_valid_symbols", Double(whole.validSymbols))
        add("min_char_rnn_vocabulary", Double(mc.vocabulary))
        add("min_char_rnn_smooth_loss", mc.smoothLoss.last!.1)
        add("min_char_rnn_iterations", Double(config.minChar.iterations))
        add("min_char_rnn_uniform_loss", Foundation.log(Double(mc.vocabulary)) * Double(config.minChar.chunk))
        add("min_char_rnn_passes", Double(config.minChar.iterations * config.minChar.chunk) / Double(text.raw.count))
        add("d2l_train_characters", Double(config.d2l.trainWindows + config.d2l.steps), 6)
        add("gradcheck_max_rel_error", checks.map(\.relativeError).max()!, 2)
        add("data_size_training_steps", Double(ds.stepsPerRun), 6)
        add("data_size_largest_characters", Double(sizeRows.last!.characters), 6)
        out.add("summary.csv", summary)
        return out
    }
}
