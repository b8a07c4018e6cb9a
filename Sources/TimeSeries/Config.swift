import Unrolled

/// Every setting of the chapter, in one place.
struct TimeSeriesConfig {
    /// Adam's learning rate for every network.
    var learningRate = 0.01
    /// Full-batch epochs of every network.
    var epochs = 1_000
    /// Seeds per configuration (at least 2), and the first of them.
    var seeds = 5
    var seed: UInt64 = 1
    /// The candidates of the honest search: series × cell × window × hidden size.
    var representations: [Representation.Kind] = [.seasonalLogDifference, .airline]
    var cells: [RecurrentNetwork.Cell] = [.rnnTanh, .gru, .lstm]
    var windows = [4, 12, 24]
    var hiddenSizes = [2, 4, 8]
    /// Training lengths compared on the validation tail (early stopping chosen in advance).
    var epochChoices = [50, 100, 200, 400, 1000]

    mutating func makeQuick() {
        epochs = min(epochs, 30)
        seeds = 2
        windows = [4, 12]
        hiddenSizes = [4]
        epochChoices = [10, 30]
        cells = [.gru, .lstm]
    }

    var seedList: [UInt64] { (0..<seeds).map { seed &+ UInt64($0) } }
}
