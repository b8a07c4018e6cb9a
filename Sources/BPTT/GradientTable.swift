import Checks
import Unrolled

/// The gradient-check table: every layer of the library, every parameter and input, against
/// five-point central differences in Double.
enum GradientTable {
    struct Row {
        let layer: String
        let result: GradientCheck.Result
    }

    /// A network's parameters, `x`, `h0` and `c0` (`NetworkGradientCheck`).
    static func network(_ label: String, _ configuration: RecurrentNetwork.Configuration, seed: UInt64) -> [Row] {
        NetworkGradientCheck.run(configuration, seed: seed).map { Row(layer: label, result: $0) }
    }

    /// The two small models of `NetworkGradientCheck.models`.
    static func models(seed: UInt64) -> [Row] {
        NetworkGradientCheck.models(seed: seed).flatMap { model in model.results.map { Row(layer: model.label, result: $0) } }
    }

    static func run(seed: UInt64) -> [Row] {
        var rows: [Row] = []
        let cells: [(RecurrentNetwork.Cell, String)] = [(.rnnTanh, "Elman (tanh)"), (.rnnRelu, "Elman (relu)"), (.lstm, "LSTM"), (.gru, "GRU")]
        for (k, (cell, name)) in cells.enumerated() {
            rows += network(name, .init(cell: cell, inputSize: 3, hiddenSize: 4), seed: seed &+ UInt64(k))
        }
        for (k, (cell, name)) in cells.enumerated() {
            rows += network("\(name), 2 layers, bidirectional, batch-first, no bias",
                            .init(cell: cell, inputSize: 3, hiddenSize: 3, layers: 2, bidirectional: true, bias: false, batchFirst: true),
                            seed: seed &+ 10 &+ UInt64(k))
        }
        return rows + models(seed: seed &+ 20)
    }

    static func table(_ rows: [Row]) -> CSVTable {
        var t = CSVTable(["layer", "tensor", "entries", "max_abs_gradient", "max_abs_difference", "relative_error"])
        for r in rows {
            t.append([r.layer, r.result.name, "\(r.result.entriesChecked)", Format.number(r.result.maxAbsGradient, digits: 3),
                      Format.number(r.result.maxAbsDifference, digits: 2), Format.number(r.result.relativeError, digits: 2)])
        }
        return t
    }
}
