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

command.main { options in
    let log = Log(quiet: options.quiet)
    var config = TimeSeriesConfig()
    config.learningRate = try options.double("--learning-rate")
    config.epochs = try options.int("--epochs")
    config.seeds = try options.int("--seeds")
    config.seed = try options.seed()
    guard config.learningRate > 0 else { throw ChapterCommand.UsageError("--learning-rate must be positive") }
    guard config.epochs > 0 else { throw ChapterCommand.UsageError("--epochs must be positive") }
    guard config.seeds >= 2 else { throw ChapterCommand.UsageError("--seeds must be at least 2 (the spread needs two runs)") }
    if options.quick { config.makeQuick() }
    let data = try AirlineData(dataDirectory: options.dataDirectory)
    if options.has("--bench") {
        try benchmark(data, config)
        return
    }
    let outputs = try TimeSeriesChapter(config: config, data: data, log: log).run()
    try outputs.write(to: options.outputDirectory)
    log("Wrote \(outputs.files.count) files to \(options.outputDirectory.path).")
}

/// `make bench`: the notebook's LSTM, 1,000 full-batch epochs on its 93 windows, timed
/// (`Tools/compare_pytorch.py` runs PyTorch's beside it).
func benchmark(_ data: AirlineData, _ config: TimeSeriesConfig) throws {
    let rep = Representation(.raw, window: 4, y: data.passengers, scaleMonths: Array(0..<144))
    let months = Array(4...Forecasting.lastTrainingMonth)
    let seconds = try Bench.median(3) {
        var rng = SeededRandom(seed: 1)
        let model = WindowRegressor(cell: .lstm, hidden: 2, rng: &rng)
        _ = try model.train(months.map(rep.input), months.map(rep.target), epochs: 1000, learningRate: 0.01)
    }
    Bench.row("airline-lstm", steps: 1000, seconds: seconds)
    Bench.note("airline-lstm: PyTorch on one core takes 1.72 ms per epoch (timings.md)")
}
