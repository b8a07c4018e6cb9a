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

    /// Embedding → GRU → Linear under mean cross-entropy, and an LSTM → Linear on the last step
    /// under mean squared error.
    static func models(seed: UInt64) -> [Row] {
        var rng = SeededRandom(seed: seed)
        let V = 6, E = 3, H = 4, T = 5, B = 2
        let embedding = Embedding("embedding", count: V, dimension: E, rng: &rng)
        let gru = RecurrentNetwork("rnn", .init(cell: .gru, inputSize: E, hiddenSize: H), rng: &rng)
        let fc = Linear("fc", inputSize: H, outputSize: V, rng: &rng)
        let ids = (0..<(T * B)).map { _ in rng.int(below: V) }, targets = (0..<(T * B)).map { _ in rng.int(below: V) }
        func crossEntropy(backward: Bool) -> Double {
            let trace = gru.forward(.dense(embedding.forward(ids)), steps: T, batch: B)
            let logits = fc.forward(trace.output, batch: T * B)
            let (loss, dLogits) = SoftmaxCrossEntropy.loss(
                logProbabilities: SoftmaxCrossEntropy.logSoftmax(logits, classes: V), targets: targets, classes: V)
            if backward {
                let dOutput = fc.backward(dLogits, input: trace.output, batch: T * B)
                embedding.backward(gru.backward(trace, dOutput: dOutput, inputGradient: true).dx, ids: ids)
            }
            return loss
        }
        let first = embedding.parameters + gru.parameters + fc.parameters
        first.forEach { $0.zeroGrad() }
        _ = crossEntropy(backward: true)
        var rows = GradientCheck.run(first) { crossEntropy(backward: false) }
            .map { Row(layer: "Embedding → GRU → Linear, cross-entropy", result: $0) }

        let lstm = RecurrentNetwork("rnn", .init(cell: .lstm, inputSize: 1, hiddenSize: 3, batchFirst: true), rng: &rng)
        let head = Linear("fc", inputSize: 3, outputSize: 1, rng: &rng)
        let x = (0..<(B * T)).map { _ in rng.uniform(0, 1) }, y = (0..<B).map { _ in rng.uniform(0, 1) }
        func squaredError(backward: Bool) -> Double {
            let trace = lstm.forward(.dense(x), steps: T, batch: B)
            var last = [Double](repeating: 0, count: B * 3)
            for b in 0..<B { for j in 0..<3 { last[b * 3 + j] = trace.output[(b * T + T - 1) * 3 + j] } }
            let (loss, dPrediction) = MeanSquaredError.loss(prediction: head.forward(last, batch: B), target: y)
            if backward {
                let dLast = head.backward(dPrediction, input: last, batch: B)
                var dOutput = [Double](repeating: 0, count: trace.output.count)
                for b in 0..<B { for j in 0..<3 { dOutput[(b * T + T - 1) * 3 + j] = dLast[b * 3 + j] } }
                _ = lstm.backward(trace, dOutput: dOutput)
            }
            return loss
        }
        let second = lstm.parameters + head.parameters
        second.forEach { $0.zeroGrad() }
        _ = squaredError(backward: true)
        rows += GradientCheck.run(second) { squaredError(backward: false) }
            .map { Row(layer: "LSTM → Linear on the last step, MSE", result: $0) }
        return rows
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
