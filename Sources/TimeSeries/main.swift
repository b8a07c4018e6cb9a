import Foundation
import Unrolled

let command = ChapterCommand(
    name: "time-series", slug: "time-series",
    summary: "Chapter 4: forecasting airline passengers with RNN, LSTM and GRU, against honest baselines.",
    options: [
        .init("--learning-rate", "lr", "Adam learning rate of every network", default: "\(TimeSeriesConfig().learningRate)"),
        .init("--epochs", "n", "full-batch epochs of every network", default: "\(TimeSeriesConfig().epochs)"),
        .init("--seeds", "n", "seeds per configuration (at least 2)", default: "\(TimeSeriesConfig().seeds)"),
        .init("--seed", "n", "first seed", default: "\(TimeSeriesConfig().seed)"),
    ],
    flags: [("--bench", "time the notebook's LSTM (1,000 full-batch epochs) and write nothing")])

/// The chapter's settings, as the command line asks for them.
func configuration(_ options: ChapterCommand.Parsed) throws -> TimeSeriesConfig {
    var config = TimeSeriesConfig()
    config.learningRate = try options.double("--learning-rate")
    config.epochs = try options.int("--epochs")
    config.seeds = try options.int("--seeds")
    config.seed = try options.seed()
    guard config.learningRate > 0 else { throw ChapterCommand.UsageError("--learning-rate must be positive") }
    guard config.epochs > 0 else { throw ChapterCommand.UsageError("--epochs must be positive") }
    guard config.seeds >= 2 else { throw ChapterCommand.UsageError("--seeds must be at least 2 (the spread needs two runs)") }
    if options.quick { config.makeQuick() }
    return config
}

command.main(bench: { options in
    try benchmark(try AirlineData(dataDirectory: options.dataDirectory), try configuration(options))
}, run: { options, log in
    let config = try configuration(options)
    return try TimeSeriesChapter(config: config, data: try AirlineData(dataDirectory: options.dataDirectory), log: log).run()
})

/// `make bench`: the notebook's LSTM, 1,000 full-batch epochs on its 93 windows, and a GRU of the
/// same width, timed
/// (`Tools/compare_pytorch.py` runs PyTorch's beside it); then as many of the LSTMs as one vector
/// holds, trained side by side as the chapter trains its seeds (a step there is one network's
/// epoch: the group's time over its networks).
func benchmark(_ data: AirlineData, _ config: TimeSeriesConfig) throws {
    let rep = Representation(.raw, window: 4, y: data.passengers, scaleMonths: Array(0..<144))
    let months = Array(4...Forecasting.lastTrainingMonth)
    // the notebook's LSTM, and a GRU of the same width beside it (chapter 4 tests the claim that
    // the GRU is the faster of the two)
    for (name, cell) in [("airline-lstm", RecurrentCell.lstm), ("airline-gru", .gru)] {
        let seconds = try Bench.median(3) {
            var rng = SeededRandom(seed: 1)
            let model = WindowRegressor<Precision>(cell: cell, hidden: 2, rng: &rng)
            _ = try model.train(months.map(rep.input), months.map(rep.target), epochs: 1000, learningRate: 0.01)
        }
        Bench.row(name, steps: 1000, seconds: seconds)
    }
    let capacity = LockstepRegressors<Precision>.capacity
    let x = months.flatMap(rep.input).map(Precision.init), y = months.map(rep.target).map(Precision.init)
    let seconds = Bench.median(3) {
        let models = LockstepRegressors<Precision>(cell: .lstm, hiddenSize: 2, networks: (0..<capacity).map { k in
            var rng = SeededRandom(seed: 1 + UInt64(k))
            return WindowRegressor<Precision>(cell: .lstm, hidden: 2, rng: &rng).parameters.map(\.value)
        })
        var adam = Adam(learningRate: 0.01)
        for _ in 0..<1000 { _ = models.epoch(x, y, windows: months.count, steps: 4, optimizer: &adam) }
    }
    Bench.row("airline-lstm-side-by-side-\(capacity)", steps: 1000 * capacity, seconds: seconds)
}
