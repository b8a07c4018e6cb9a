import Reference
import Unrolled

/// Finite differences on whole networks of the reference implementation (the fast one is held
/// to the reference by the agreement tests). The gradient check of a whole recurrent network: every parameter and the inputs `x`, `h0`
/// (and `c0` for an LSTM), under `L = Σ output · R + Σ h_n · R_h (+ Σ c_n · R_c)` with random
/// `R`, so that every output and final state reaches the loss.
public enum NetworkGradientCheck {
    public static func run(_ configuration: Unrolled.RecurrentNetwork<Double>.Configuration, steps T: Int = 5, batch B: Int = 2,
                           seed: UInt64) -> [GradientCheck.Result] {
        var rng = SeededRandom(seed: seed)
        let net = Reference.RecurrentNetwork("rnn", configuration, rng: &rng)
        let c = configuration, S = c.layers * c.directions * B * c.hiddenSize
        let lstm = net.hasCellState
        func random(_ n: Int) -> [Double] { (0..<n).map { _ in rng.uniform(-1, 1) } }
        var x = random(T * B * c.inputSize), h0 = random(S), c0 = random(S)
        let rOut = random(T * B * c.directions * c.hiddenSize), rH = random(S), rC = random(S)
        func loss() -> Double {
            let tr = net.forward(.dense(x), steps: T, batch: B, h0: h0, c0: lstm ? c0 : nil)
            return CaseModel.dot(tr.output, rOut) + CaseModel.dot(tr.hN, rH) + (lstm ? CaseModel.dot(tr.cN, rC) : 0)
        }
        net.zeroGrad()
        let g = net.backward(net.forward(.dense(x), steps: T, batch: B, h0: h0, c0: lstm ? c0 : nil),
                             dOutput: rOut, dhN: rH, dcN: lstm ? rC : nil, inputGradient: true)
        var results = GradientCheck.run(net.parameters, loss: loss)
        results.append(GradientCheck.check(name: "x", analytic: g.dx, get: { x[$0] }, set: { x[$0] = $1 }, loss: loss))
        results.append(GradientCheck.check(name: "h0", analytic: g.dh0, get: { h0[$0] }, set: { h0[$0] = $1 }, loss: loss))
        if lstm {
            results.append(GradientCheck.check(name: "c0", analytic: g.dc0, get: { c0[$0] }, set: { c0[$0] = $1 }, loss: loss))
        }
        return results
    }

    /// Embedding → GRU → Linear under mean cross-entropy at every step, and an LSTM → Linear on
    /// the last step under mean squared error: every parameter of each model.
    public static func models(seed: UInt64) -> [(label: String, results: [GradientCheck.Result])] {
        var rng = SeededRandom(seed: seed)
        let V = 6, E = 3, H = 4, T = 5, B = 2
        let embedding = Reference.Embedding("embedding", count: V, dimension: E, rng: &rng)
        let gru = Reference.RecurrentNetwork("rnn", .init(cell: .gru, inputSize: E, hiddenSize: H), rng: &rng)
        let fc = Reference.Linear("fc", inputSize: H, outputSize: V, rng: &rng)
        let ids = (0..<(T * B)).map { _ in rng.int(below: V) }, targets = (0..<(T * B)).map { _ in rng.int(below: V) }
        func crossEntropy(backward: Bool) -> Double {
            let trace = gru.forward(.dense(embedding.forward(ids)), steps: T, batch: B)
            let logits = fc.forward(trace.output, batch: T * B)
            let (loss, dLogits) = Losses.loss(logProbabilities: Losses.logSoftmax(logits, classes: V), targets: targets, classes: V)
            if backward {
                let dOutput = fc.backward(dLogits, input: trace.output, batch: T * B)
                embedding.backward(gru.backward(trace, dOutput: dOutput, inputGradient: true).dx, ids: ids)
            }
            return loss
        }
        let first = embedding.parameters + gru.parameters + fc.parameters
        first.zeroGrad()
        _ = crossEntropy(backward: true)
        let firstResults = GradientCheck.run(first) { crossEntropy(backward: false) }

        let lstm = Reference.RecurrentNetwork("rnn", .init(cell: .lstm, inputSize: 1, hiddenSize: 3, batchFirst: true), rng: &rng)
        let head = Reference.Linear("fc", inputSize: 3, outputSize: 1, rng: &rng)
        let x = (0..<(B * T)).map { _ in rng.uniform(0, 1) }, y = (0..<B).map { _ in rng.uniform(0, 1) }
        func squaredError(backward: Bool) -> Double {
            let trace = lstm.forward(.dense(x), steps: T, batch: B)
            let last = lstm.lastStep(of: trace)
            let (loss, dPrediction) = Losses.loss(prediction: head.forward(last, batch: B), target: y)
            if backward {
                let dLast = head.backward(dPrediction, input: last, batch: B)
                _ = lstm.backward(trace, dOutput: lstm.outputGradient(lastStep: dLast, of: trace))
            }
            return loss
        }
        let second = lstm.parameters + head.parameters
        second.zeroGrad()
        _ = squaredError(backward: true)
        return [("Embedding → GRU → Linear, cross-entropy", firstResults),
                ("LSTM → Linear on the last step, MSE", GradientCheck.run(second) { squaredError(backward: false) })]
    }
}
