import Foundation
import Plot
import Unrolled

/// Runs every part of the chapter and collects its outputs.
struct TimeSeriesChapter {
    let config: TimeSeriesConfig
    let data: AirlineData
    let log: Log
    var y: [Double] { data.passengers }
    var forecasting: Forecasting { Forecasting(y: y) }

    static func cellName(_ c: RecurrentNetwork.Cell) -> String {
        switch c { case .rnnTanh: "RNN"; case .rnnRelu: "RNN (relu)"; case .lstm: "LSTM"; case .gru: "GRU" }
    }

    /// One trained network: its training losses and its predictions (passengers) for `months`,
    /// after the last epoch and after each checkpoint epoch.
    struct Run {
        let losses: [Double]
        let predictions: [Double]
        var checkpoints: [Int: [Double]] = [:]
    }

    /// Trains one network per seed on the targets `fitMonths` of `rep` for `epochs` (the
    /// configured number when `nil`) and predicts `months`. The networks start as
    /// `WindowRegressor`s of their seeds and train side by side (`LockstepRegressors`, as many at
    /// once as one vector holds), each as it would alone, to rounding.
    func train(_ cell: RecurrentCell, hidden: Int, rep: Representation, fitMonths: [Int], predict months: [Int],
               seeds: [UInt64], epochs: Int? = nil, checkpoints: [Int] = []) throws -> [Run] {
        let T = rep.window, capacity = LockstepRegressors<Precision>.capacity
        let x = fitMonths.flatMap(rep.input).map(Precision.init), y = fitMonths.map(rep.target).map(Precision.init)
        let inputs = months.flatMap(rep.input).map(Precision.init)
        var runs: [Run] = []
        for first in stride(from: 0, to: seeds.count, by: capacity) {
            let group = seeds[first..<min(first + capacity, seeds.count)]
            let models = LockstepRegressors<Precision>(cell: cell, hiddenSize: hidden, networks: group.map { seed in
                var rng = SeededRandom(seed: seed)
                return WindowRegressor<Precision>(cell: cell, hidden: hidden, rng: &rng).parameters.map(\.value)
            })
            /// Every network's predictions of `months`, in passengers.
            func predictions() -> [[Double]] {
                models.predict(inputs, windows: months.count, steps: T).map { p in zip(p, months).map { rep.passengers(Double($0.0), month: $0.1) } }
            }
            var adam = Adam(learningRate: config.learningRate)
            var losses = [[Double]](repeating: [], count: group.count), saved = [[Int: [Double]]](repeating: [:], count: group.count)
            for e in 1...(epochs ?? config.epochs) {
                for (k, loss) in models.epoch(x, y, windows: fitMonths.count, steps: T, optimizer: &adam).enumerated() {
                    guard loss.isFinite else { throw WindowRegressor<Precision>.diverged(loss: Double(loss), epoch: e) }
                    losses[k].append(Double(loss))
                }
                if checkpoints.contains(e) { for (k, p) in predictions().enumerated() { saved[k][e] = p } }
            }
            runs += zip(zip(losses, saved), predictions()).map { Run(losses: $0.0.0, predictions: $0.1, checkpoints: $0.0.1) }
        }
        return runs
    }

    static func meanAndStd(_ v: [Double]) -> (Double, Double) {
        let m = v.reduce(0, +) / Double(v.count)
        let s = (v.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(v.count - 1)).squareRoot()
        return (m, s)
    }

    func run() throws -> OutputSet {
        var out = OutputSet()
        var summary: [(String, Double)] = []
        let f = forecasting, test = Forecasting.testMonths, cells: [RecurrentNetwork.Cell] = [.lstm, .rnnTanh, .gru]
        let allMonths = Array(0..<144)

        // 1. The notebook, exactly: scaler on all 144 months, windows of 4, first 93 windows.
        let notebook = Representation(.raw, window: 4, y: y, scaleMonths: allMonths)
        let notebookFit = Array(4...Forecasting.lastTrainingMonth)
        let predicted = Array(4...142)
        // 2. The same recipe with the scaler fitted on the training months only.
        let honest = Representation(.raw, window: 4, y: y, scaleMonths: Array(0...Forecasting.lastTrainingMonth))
        var jobs: [(Cancellation) throws -> [Run]] = []
        for cell in cells {
            jobs.append { _ in try train(cell, hidden: 2, rep: notebook, fitMonths: notebookFit, predict: predicted, seeds: config.seedList) }
        }
        for cell in cells {
            jobs.append { _ in try train(cell, hidden: 2, rep: honest, fitMonths: notebookFit, predict: test, seeds: config.seedList) }
        }
        // 3. The search on seasonal log-differences, chosen on the validation tail.
        struct Candidate { let kind: Representation.Kind, cell: RecurrentNetwork.Cell, window: Int, hidden: Int }
        var candidates: [Candidate] = []
        for kind in config.representations {
            for cell in config.cells { for w in config.windows { for h in config.hiddenSizes { candidates.append(.init(kind: kind, cell: cell, window: w, hidden: h)) } } }
        }
        let stops = config.epochChoices
        for c in candidates {
            for fold in Forecasting.validationFolds {
                jobs.append { _ in
                    // fitted on the months before the fold, scales included
                    let rep = Representation(c.kind, window: c.window, y: y, scaleMonths: Array(0..<fold[0]))
                    let fit = Array(rep.firstTarget..<fold[0])
                    return try train(c.cell, hidden: c.hidden, rep: rep, fitMonths: fit, predict: fold, seeds: config.seedList,
                                     epochs: stops.max()!, checkpoints: stops)
                }
            }
        }
        let results = try parallelMap(jobs)
        log("Trained \(results.count) configurations × \(config.seeds) seeds.")

        // The notebook's outputs.
        let notebookRuns = Array(results[0..<3]), honestRuns = Array(results[3..<6])
        var lossCSV = CSVTable(["epoch"] + cells.map { "loss_\(Self.cellName($0).lowercased())" })
        for e in 0..<config.epochs { lossCSV.append(["\(e + 1)"] + notebookRuns.map { Format.number($0[0].losses[e], digits: 5) }) }
        out.add("notebook_loss.csv", lossCSV)
        var lossChart = LineChart(title: "The notebook's recipe: training loss (scaled MSE), seed \(config.seed)",
                                  xLabel: "epoch", yLabel: "mean squared error on [0, 1] scale (log)")
        lossChart.logY = true
        let epochs = (1...config.epochs).map(Double.init)
        lossChart.series = zip(cells, notebookRuns).map { LineChart.Series(Self.cellName($0.0) + " (H = 2)", x: epochs, y: $0.1[0].losses) }
        out.add("notebook_loss.svg", lossChart.svg)

        let testIndex = test.map { $0 - 4 }    // positions of the test months among `predicted`
        var notebookTable = CSVTable(["model", "scaler", "test_rmse_seed_\(config.seed)", "test_rmse_mean", "test_rmse_std"])
        // The notebook's runs predict every month from 4 on; the others only the test months.
        let runSets: [(runs: [[Run]], scaler: String, key: String, testPredictions: (Run) -> [Double])] = [
            (notebookRuns, "all months", "notebook", { r in testIndex.map { r.predictions[$0] } }),
            (honestRuns, "training months", "train_scaler", { $0.predictions }),
        ]
        for set in runSets {
            for (cell, runs) in zip(cells, set.runs) {
                let name = Self.cellName(cell)
                let rmses = runs.map { f.rmse(set.testPredictions($0), months: test) }
                let (m, s) = Self.meanAndStd(rmses)
                notebookTable.append([name, set.scaler, Format.fixed(rmses[0], decimals: 1), Format.fixed(m, decimals: 1), Format.fixed(s, decimals: 1)])
                summary.append(("test_rmse_\(name.lowercased())_\(set.key)_mean", m))
                summary.append(("test_rmse_\(name.lowercased())_\(set.key)_std", s))
                if cell == .lstm && set.key == "notebook" { summary.insert(("test_rmse_lstm_seed_recipe", rmses[0]), at: 0) }
            }
        }
        out.add("notebook.csv", notebookTable)

        var predictionChart = LineChart(title: "The notebook's LSTM (seed \(config.seed)): one-step predictions",
                                        xLabel: "month (0 = January 1949)", yLabel: "passengers (thousands)")
        predictionChart.series = [
            .init("truth", x: allMonths.map(Double.init), y: y),
            .init("LSTM prediction", x: predicted.map(Double.init), y: notebookRuns[0][0].predictions),
        ]
        predictionChart.markers = [(x: Double(test[0]) - 0.5, label: "train | test")]
        out.add("notebook_predictions.svg", predictionChart.svg)

        // Baselines on the test months.
        let baselines: [(String, String, (Int) -> Double)] = [
            ("persistence", "last value, y(t-1)", f.persistence),
            ("seasonal_naive", "a year earlier, y(t-12)", f.seasonalNaive),
            ("seasonal_growth", "a year earlier times last year's growth, y(t-12)·y(t-1)/y(t-13)", f.seasonalGrowth),
        ]
        var baselineTable = CSVTable(["baseline", "forecast", "test_rmse"])
        for (key, text, predict) in baselines {
            let r = f.rmse(test.map(predict), months: test)
            baselineTable.append([key, text, Format.fixed(r, decimals: 1)])
            summary.append(("test_rmse_\(key)", r))
        }

        // Which series to model: the differencing rule, on the training months only.
        let differencing = Differencing(y: y, months: Array(0...Forecasting.lastTrainingMonth))
        out.add("differencing.csv", differencing.table)
        let ruleKind = differencing.chosenKind
        log("Differencing rule on the training months: \(ruleKind.rawValue).")

        // The search: every configuration on the validation folds.
        var searchTable = CSVTable(["series", "cell", "window", "hidden", "epochs", "validation_rmse_mean", "validation_rmse_std"])
        var bestOf: [Representation.Kind: (Candidate, Int, Double)] = [:]   // per series: configuration, epochs, RMSE
        var bestStops: [Int] = []           // how long each configuration is best trained
        let folds = Forecasting.validationFolds, validationMonths = folds.flatMap { $0 }
        for (i, c) in candidates.enumerated() {
            let runs = (0..<folds.count).map { results[6 + i * folds.count + $0] }
            var own: (epochs: Int, rmse: Double)? = nil
            for e in stops {
                // per seed: the RMSE over every validation month of every fold
                let rmses = (0..<config.seeds).map { s in
                    f.rmse(runs.flatMap { $0[s].checkpoints[e]! }, months: validationMonths)
                }
                let (m, s) = Self.meanAndStd(rmses)
                searchTable.append([c.kind.rawValue, Self.cellName(c.cell), "\(c.window)", "\(c.hidden)", "\(e)", Format.fixed(m, decimals: 2), Format.fixed(s, decimals: 2)])
                if bestOf[c.kind] == nil || m < bestOf[c.kind]!.2 { bestOf[c.kind] = (c, e, m) }
                if own == nil || m < own!.rmse { own = (e, m) }
            }
            bestStops.append(own!.epochs)
        }
        out.add("search.csv", searchTable)
        summary.append(("search_configurations", Double(candidates.count)))
        summary.append(("search_best_at_most_100_epochs", Double(bestStops.filter { $0 <= 100 }.count)))
        summary.append(("search_best_at_least_400_epochs", Double(bestStops.filter { $0 >= 400 }.count)))

        // The best configuration of each series, refitted on every training month, on the test months.
        struct Final { let candidate: Candidate, epochs: Int, validation: Double, runs: [Run], rmse: [Double], ensemble: Double, linearAR: Double, linearARPredictions: [Double], trainingWindows: Int }
        var finals: [Representation.Kind: Final] = [:]
        for kind in config.representations {
            let (c, epochs, validation) = bestOf[kind]!
            let rep = Representation(kind, window: c.window, y: y, scaleMonths: Array(0...Forecasting.lastTrainingMonth))
            let fit = Array(rep.firstTarget...Forecasting.lastTrainingMonth)
            let runs = try train(c.cell, hidden: c.hidden, rep: rep, fitMonths: fit, predict: test, seeds: config.seedList, epochs: epochs)
            let average = (0..<test.count).map { i in runs.map { $0.predictions[i] }.reduce(0, +) / Double(runs.count) }
            // The linear autoregression on the same inputs.
            let ar = LinearAutoregression(inputs: fit.map(rep.input), targets: fit.map(rep.target))
            let arPredictions = test.map { rep.passengers(ar.predict(rep.input($0)), month: $0) }
            finals[kind] = Final(candidate: c, epochs: epochs, validation: validation, runs: runs,
                                 rmse: runs.map { f.rmse($0.predictions, months: test) }, ensemble: f.rmse(average, months: test),
                                 linearAR: f.rmse(arPredictions, months: test), linearARPredictions: arPredictions, trainingWindows: fit.count)
            log("Best on \(kind.rawValue): \(Self.cellName(c.cell)), window \(c.window), hidden \(c.hidden), \(epochs) epochs.")
        }
        let chosen = finals[ruleKind]!
        var finalTable = CSVTable(["series", "seed", "test_rmse"])
        for kind in config.representations {
            for (s, r) in zip(config.seedList, finals[kind]!.rmse) { finalTable.append([kind.rawValue, "\(s)", Format.fixed(r, decimals: 2)]) }
        }
        out.add("best_seeds.csv", finalTable)
        baselineTable.append(["linear_ar", "least squares on the chosen network's inputs (its \(chosen.candidate.window) values of d)", Format.fixed(chosen.linearAR, decimals: 1)])
        out.add("baselines.csv", baselineTable)

        let c = chosen.candidate
        // Two panels: the forecasts over the truth, then each forecast's error with its RMSE (the
        // numbers computed above), where differences of a few thousand passengers can be seen.
        let months = test.map(Double.init), truth = test.map { y[$0] }
        let forecasts: [(name: String, values: [Double], rmse: Double, colour: String, dash: String?)] = [
            ("\(Self.cellName(c.cell)), window \(c.window), H = \(c.hidden)", chosen.runs[0].predictions, chosen.rmse[0], "#0072B2", nil),
            ("linear autoregression", chosen.linearARPredictions, chosen.linearAR, "#D55E00", "9 4"),
            ("seasonal growth baseline", test.map(f.seasonalGrowth), summary.first { $0.0 == "test_rmse_seasonal_growth" }?.1 ?? .nan, "#009E73", "2 3"),
        ]
        func styled(_ s: LineChart.Series, _ colour: String, _ dash: String?, width: Double = 2) -> LineChart.Series {
            var s = s
            (s.colour, s.dash, s.lineWidth) = (colour, dash, width)
            return s
        }
        var bestChart = LineChart(title: "Passengers: the truth and three forecasts", xLabel: "", yLabel: "thousands")
        bestChart.series = [styled(.init("truth", x: months, y: truth), "#000000", nil, width: 2.6)]
            + forecasts.map { styled(.init($0.name, x: months, y: $0.values), $0.colour, $0.dash) }
        var errorChart = LineChart(title: "Error of each forecast (prediction − truth), and its RMSE over the test months",
                                   xLabel: "month (0 = January 1949)", yLabel: "thousands")
        errorChart.series = [styled(.init("no error", x: [months.first!, months.last!], y: [0, 0]), "#000000", nil, width: 1)]
            + forecasts.map { f in
                styled(.init("\(f.name): RMSE \(Format.fixed(f.rmse, decimals: 1))", x: months, y: zip(f.values, truth).map { $0 - $1 }), f.colour, f.dash)
            }
        (errorChart.series[0].markers, errorChart.series[0].inLegend) = (false, false)
        bestChart.height = 380
        errorChart.height = 360
        out.add("best_predictions.svg", Panels(title: "Test months: the chosen \(Self.cellName(c.cell)) (seed \(config.seed)) against the baselines",
                                               panels: [bestChart, errorChart]).svg)

        var table = CSVTable(["metric", "value"])
        table.append(["best_series", ruleKind.rawValue])
        /// The rows of one refitted configuration: `\(name)_cell` …, `test_rmse_\(name)` ….
        func rows(_ final: Final, name: String, linearAR: String) {
            let (mean, std) = Self.meanAndStd(final.rmse)
            table.append(["\(name)_cell", Self.cellName(final.candidate.cell)])
            table.append(["\(name)_window", "\(final.candidate.window)"])
            table.append(["\(name)_hidden", "\(final.candidate.hidden)"])
            table.append(["\(name)_epochs", "\(final.epochs)"])
            table.append(["\(name)_validation_rmse", Format.number(final.validation, digits: 4)])
            table.append(["test_rmse_\(name)", Format.number(mean, digits: 4)])
            table.append(["test_rmse_\(name)_std", Format.number(std, digits: 3)])
            table.append([linearAR, Format.number(final.linearAR, digits: 4)])
            table.append(["test_rmse_\(name)_min_seed", Format.number(final.rmse.min()!, digits: 4)])
            table.append(["test_rmse_\(name)_max_seed", Format.number(final.rmse.max()!, digits: 4)])
        }
        rows(chosen, name: "best", linearAR: "test_rmse_linear_ar")
        table.append(["test_rmse_best_seed_average", Format.number(chosen.ensemble, digits: 4)])
        table.append(["training_windows_best", "\(chosen.trainingWindows)"])
        // The best configuration on seasonal log-differences alone.
        rows(finals[.seasonalLogDifference]!, name: "seasonal_only", linearAR: "test_rmse_seasonal_only_linear_ar")
        for (k, v) in differencing.summary { table.append([k, Format.number(v, digits: 3)]) }
        table.append(["mean_growth_test", Format.number(Differencing.mean(test.map { Representation.seasonalLogDifference(y, $0) }), digits: 3)])
        table.append(["test_max_on_training_scale", Format.number(test.map { honest.target($0) }.max()!, digits: 3)])
        table.append(["seeds", "\(config.seeds)"])
        // six digits, so that a number the chapter rounds again (to one decimal) is rounded once
        for (k, v) in summary { table.append([k, Format.number(v, digits: 6)]) }
        out.add("summary.csv", table)
        return out
    }
}
