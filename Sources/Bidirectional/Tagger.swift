import Foundation
import Unrolled

/// A recurrent network over symbols with a Linear head at every step, `[T, B]` symbols →
/// `[T, B, C]` logits: unidirectional (the state at `t` has read `x_0 … x_t`) or bidirectional
/// (also `x_t … x_{T-1}`).
final class Tagger {
    let net: RecurrentNetwork
    let head: Linear
    var parameters: [Parameter] { net.parameters + head.parameters }

    init(cell: RecurrentNetwork.Cell, symbols: Int, hidden: Int, classes: Int, bidirectional: Bool, rng: inout SeededRandom) {
        net = RecurrentNetwork("rnn", .init(cell: cell, inputSize: symbols, hiddenSize: hidden, bidirectional: bidirectional), rng: &rng)
        head = Linear("fc", inputSize: hidden * (bidirectional ? 2 : 1), outputSize: classes, rng: &rng)
    }

    /// Logits `[T·B, C]` for time-major symbols `[T, B]`.
    func logits(_ symbols: [Int], steps T: Int, batch B: Int) -> [Precision] {
        head.forward(net.forward(.symbols(symbols), steps: T, batch: B).output, batch: T * B)
    }

    // snippet.tagger-step
    /// One training step on the rows `t·B + b` listed in `rows`, each with its target: mean
    /// cross-entropy over those rows, backward through the head and both directions, one Adam
    /// step. Returns the loss.
    func step(_ symbols: [Int], steps T: Int, batch B: Int, rows: [Int], targets: [Int],
              optimizer: inout Adam) -> Precision {
        let C = head.outputSize
        parameters.zeroGrad()
        let trace = net.forward(.symbols(symbols), steps: T, batch: B)
        let logits = head.forward(trace.output, batch: T * B)
        // rows without a target get no gradient
        let (loss, dLogits) = SoftmaxCrossEntropy.meanLoss(
            logits: logits, rows: rows, targets: targets, classes: C)
        let dOutput = head.backward(dLogits, input: trace.output, batch: T * B)
        _ = net.backward(trace, dOutput: dOutput)
        optimizer.step(parameters)
        return loss
    }
    // snippet.end

    /// The most likely class of each listed row.
    func predict(_ symbols: [Int], steps T: Int, batch B: Int, rows: [Int]) -> [Int] {
        let C = head.outputSize, z = logits(symbols, steps: T, batch: B)
        return rows.map { r in (0..<C).max { z[r * C + $0] < z[r * C + $1] }! }
    }
}
