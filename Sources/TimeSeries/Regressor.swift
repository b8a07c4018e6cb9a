import Unrolled

/// A recurrent layer reading a window of `L` values, and a Linear head on its last state:
/// `ŷ = W_y h_L + b_y`. Trained full-batch by Adam on the mean squared error, in precision `S`
/// (the chapter's `Precision`; its tests also run it in `Double`).
final class WindowRegressor<S: Real> {
    let net: Unrolled.RecurrentNetwork<S>
    let head: Unrolled.Linear<S>
    var parameters: [Unrolled.Parameter<S>] { net.parameters + head.parameters }

    init(cell: RecurrentCell, hidden: Int, rng: inout SeededRandom) {
        net = .init("rnn", .init(cell: cell, inputSize: 1, hiddenSize: hidden, batchFirst: true), rng: &rng)
        head = .init("fc", inputSize: hidden, outputSize: 1, rng: &rng)
    }

    /// The last state of every window, `[N, H]`, and the trace for the backward pass.
    private func lastStates(_ x: [[S]]) -> (Unrolled.RecurrentNetwork<S>.Trace, [S]) {
        let trace = net.forward(.dense(x.flatMap { $0 }), steps: x[0].count, batch: x.count)
        return (trace, net.lastStep(of: trace))
    }

    /// Predictions for windows `x` (in `Double`, computed in the model's precision).
    func predict(_ x: [[Double]]) -> [Double] {
        head.forward(lastStates(x.map { $0.map(S.init) }).1, batch: x.count).map(Double.init)
    }

    // snippet.regressor-epoch
    /// One full-batch epoch: forward over every window, MSE, backward, one Adam step. Returns
    /// the loss before the step.
    func epoch(_ x: [[S]], _ y: [S], optimizer: inout Unrolled.Adam<S>) -> Double {
        let N = x.count
        parameters.zeroGrad()
        let (trace, last) = lastStates(x)
        let (loss, dPrediction) = MeanSquaredError.loss(
            prediction: head.forward(last, batch: N), target: y)
        let dLast = head.backward(dPrediction, input: last, batch: N)  // through the head
        let dOutput = net.outputGradient(lastStep: dLast, of: trace)   // only the last step is read
        _ = net.backward(trace, dOutput: dOutput)                      // through time
        optimizer.step(parameters)
        return Double(loss)
    }
    // snippet.end

    /// Trains for `epochs` epochs; returns the loss of each, and calls `after(e)` after epoch
    /// `e` (1-based). Throws if the loss stops being finite.
    func train(_ x: [[Double]], _ y: [Double], epochs: Int, learningRate: Double,
               after: (Int) -> Void = { _ in }) throws -> [Double] {
        var adam = Unrolled.Adam<S>(learningRate: learningRate)
        var losses: [Double] = []
        let (x, y) = (x.map { $0.map(S.init) }, y.map(S.init))   // the data, in the model's precision
        for e in 0..<epochs {
            let loss = epoch(x, y, optimizer: &adam)
            guard loss.isFinite else { throw Self.diverged(loss: loss, epoch: e + 1) }
            losses.append(loss)
            after(e + 1)
        }
        return losses
    }

    /// The error of a run whose loss stopped being finite.
    static func diverged(loss: Double, epoch: Int) -> UnrolledError {
        UnrolledError("training diverged (loss \(loss) at epoch \(epoch)); lower --learning-rate")
    }
}
