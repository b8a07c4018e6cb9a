import Foundation
import Plot
import Unrolled

/// Experiment (c): an Elman network started in the exploding regime (recurrent matrix ρ·Q with
/// ρ > 1), trained by SGD on a task that needs memory across the whole sequence, with and
/// without clipping the gradient's norm.
///
/// The task: read `T` numbers, then output their mean (mean squared error).
struct ClippingRun {
    var hidden = 32, steps = 40, batch = 32, iterations = 400
    var radius = 1.6, learningRate = 0.2, threshold = 1.0

    struct Record { let loss: Double, gradientNorm: Double }

    /// One training run; stops early, and says so, if the loss stops being finite.
    func train(clip: Bool, seed: UInt64) -> [Record] {
        var rng = SeededRandom(seed: seed)
        let net = RecurrentNetwork("rnn", .init(cell: .rnnTanh, inputSize: 1, hiddenSize: hidden), rng: &rng)
        let head = Linear("fc", inputSize: hidden, outputSize: 1, rng: &rng)
        let layer = net.layers[0][0] as! ElmanLayer
        layer.weightHH.value = GradientDecay.orthogonal(hidden, rng: &rng).map { radius * $0 }
        let parameters = net.parameters + head.parameters
        var sgd = SGD(learningRate: learningRate)
        var records: [Record] = []
        var data = SeededRandom(seed: seed &+ 1000)
        for _ in 0..<iterations {
            let x = (0..<(steps * batch)).map { _ in data.normal() }
            var y = [Double](repeating: 0, count: batch)
            for t in 0..<steps { for b in 0..<batch { y[b] += x[t * batch + b] / Double(steps) } }
            parameters.zeroGrad()
            let trace = net.forward(.dense(x), steps: steps, batch: batch)
            let last = net.lastStep(of: trace)
            let (loss, dPrediction) = MeanSquaredError.loss(prediction: head.forward(last, batch: batch), target: y)
            guard loss.isFinite else { records.append(Record(loss: loss, gradientNorm: .nan)); break }
            let dLast = head.backward(dPrediction, input: last, batch: batch)
            _ = net.backward(trace, dOutput: net.outputGradient(lastStep: dLast, of: trace))
            // snippet.clip-step
            let outcome = GradientClipping.clipGlobalNorm(parameters, maxNorm: clip ? threshold : .infinity)
            sgd.step(parameters)
            // snippet.end
            records.append(Record(loss: loss, gradientNorm: outcome.totalNorm))
        }
        return records
    }
}
