import Foundation
import Plot
import Unrolled

/// Experiment (d): truncated BPTT. Each sequence is a stream of random bits `x_t`; the answer at
/// step `t` is `x_{t-d}`, the bit read `d` steps earlier. A GRU reads the bits and a Linear head
/// predicts the answer at every step `t ≥ d`. Training cuts the gradient every `k` steps.
struct Truncation {
    var hidden = 24, length = 24, batch = 32, iterations = 600, learningRate = 0.01
    var windows = [2, 4, 8, 24]
    var delays = [1, 2, 3, 4, 6, 8, 12]
    var testSequences = 256

    /// A batch of bit sequences, time-major `[T, B]`.
    func bits(_ count: Int, rng: inout SeededRandom) -> [Int] {
        (0..<(length * count)).map { _ in rng.int(below: 2) }
    }

    /// Mean cross-entropy over the steps `t` in `range` with `t ≥ d`, for outputs of those steps;
    /// returns the loss and `∂L/∂output` of the chunk.
    func chunkLoss(_ head: Linear, output: [Double], bits: [Int], range: Range<Int>, delay d: Int, batch B: Int)
        -> (loss: Double, dOutput: [Double], count: Int) {
        var rows: [Int] = [], targets: [Int] = []
        for (i, t) in range.enumerated() where t >= d {
            for b in 0..<B { rows.append(i * B + b); targets.append(bits[(t - d) * B + b]) }
        }
        guard !rows.isEmpty else { return (0, [], 0) }
        let logits = head.forward(output, batch: range.count * B)
        let (loss, dLogits) = SoftmaxCrossEntropy.loss(logits: logits, rows: rows, targets: targets, classes: 2)
        return (loss, head.backward(dLogits, input: output, batch: range.count * B), rows.count)
    }

    /// Trains with the gradient cut every `k` steps and returns the held-out accuracy at `t ≥ d`.
    func run(window k: Int, delay d: Int, seed: UInt64) -> Double {
        var rng = SeededRandom(seed: seed)
        let gru = GRULayer("rnn", inputSize: 2, hiddenSize: hidden, rng: &rng)
        let head = Linear("fc", inputSize: hidden, outputSize: 2, rng: &rng)
        let parameters = gru.parameters + head.parameters
        var adam = Adam(learningRate: learningRate)
        let T = length, B = batch
        for _ in 0..<iterations {
            let x = bits(B, rng: &rng)
            // snippet.truncated-bptt
            // Truncated BPTT: unfold k steps, backpropagate through them, update; carry the state
            // into the next k steps as a plain value, so no gradient crosses the cut.
            var h: [Double]? = nil
            for start in stride(from: 0, to: T, by: k) {
                let range = start..<min(start + k, T)
                let chunk = Array(x[(range.lowerBound * B)..<(range.upperBound * B)])
                parameters.zeroGrad()
                let trace = gru.forward(.symbols(chunk), steps: range.count, batch: B, h0: h)
                let (_, dOutput, count) = chunkLoss(head, output: trace.outputs, bits: x, range: range,
                                                    delay: d, batch: B)
                if count > 0 {
                    // ∂L/∂h0 dropped: the cut
                    _ = gru.backward(trace, dOutputs: dOutput, dLast: nil, inputGradient: false)
                    adam.step(parameters)
                }
                h = trace.last
            }
            // snippet.end
        }
        // Held-out sequences, read whole (no truncation at test time).
        var test = SeededRandom(seed: seed &+ 7777)
        let x = bits(testSequences, rng: &test)
        let trace = gru.forward(.symbols(x), steps: T, batch: testSequences, h0: nil)
        let logits = head.forward(trace.outputs, batch: T * testSequences)
        var right = 0, total = 0
        for t in d..<T {
            for b in 0..<testSequences {
                let r = t * testSequences + b
                let guess = logits[r * 2 + 1] > logits[r * 2] ? 1 : 0
                if guess == x[(t - d) * testSequences + b] { right += 1 }
                total += 1
            }
        }

        return Double(right) / Double(total)
    }
}
