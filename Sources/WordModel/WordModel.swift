import Foundation
import Unrolled

/// The lab's network: `Embedding(V, E) → recurrent layer (E → H) → Linear(H, V)` at every step
/// (shape legend: T time, B batch, E embedding, H hidden, V vocabulary).
final class WordModel {
    let embedding: Embedding
    let net: RecurrentNetwork
    let head: Linear
    /// The head and its loss as training computes them, fused (`Float`).
    let floatHead: FloatHead
    var parameters: [Parameter] { embedding.parameters + net.parameters + head.parameters }
    var vocabulary: Int { head.outputSize }

    init(cell: RecurrentNetwork.Cell, vocabulary V: Int, embedding E: Int, hidden H: Int, rng: inout SeededRandom) {
        embedding = Embedding("embedding", count: V, dimension: E, rng: &rng)
        net = RecurrentNetwork("rnn", .init(cell: cell, inputSize: E, hiddenSize: H), rng: &rng)
        head = Linear("fc", inputSize: H, outputSize: V, rng: &rng)
        floatHead = FloatHead(head)
    }

    /// The state a batch leaves behind, which the next batch of the same rows starts from.
    struct State { var h: [Precision]?, c: [Precision]? }

    // snippet.word-step
    /// One training step on `x`, `y` `[T, B]` from `state`: the mean cross-entropy of all `T·B`
    /// next-word predictions, backward through the head, the recurrent layer and the lookup,
    /// the gradients clipped to global norm `clip`, one optimizer step. The state carries over to
    /// the next batch, but the gradient stops at the batch's first step (truncated BPTT).
    func step<O: Optimizer<Precision>>(_ x: [Int], _ y: [Int], steps T: Int, batch B: Int,
                                       state: inout State, clip: Double,
                                       optimizer: inout O) -> Double {
        parameters.zeroGrad()
        let embedded = embedding.forward(x)                                   // [T·B, E]
        let trace = net.forward(.dense(embedded), steps: T, batch: B, h0: state.h, c0: state.c)
        // the head and its loss
        let (loss, dOutput) = floatHead.lossAndBackward(trace.output, targets: y)
        let g = net.backward(trace, dOutput: dOutput, inputGradient: true)    // through time
        embedding.backward(g.dx, ids: x)                                      // through the lookup
        _ = GradientClipping.clipGlobalNorm(parameters, maxNorm: clip)
        optimizer.step(parameters)
        state = State(h: trace.hN, c: net.hasCellState ? trace.cN : nil)
        return loss
    }
    // snippet.end

    /// The summed `-log p` of every prediction of `x`, `y` `[T, B]` from `state` (which it
    /// advances), and how many there were.
    func negativeLogLikelihood(_ x: [Int], _ y: [Int], steps T: Int, batch B: Int, state: inout State) -> Double {
        let trace = net.forward(.dense(embedding.forward(x)), steps: T, batch: B, h0: state.h, c0: state.c)
        var logits = head.forward(trace.output, batch: T * B)
        state = State(h: trace.hN, c: net.hasCellState ? trace.cN : nil)
        return FloatHead.meanLoss(&logits, targets: y, classes: vocabulary) * Double(T * B)
    }

    // snippet.top-k
    /// Reads `prompt`, then adds `count` words, each drawn from the `k` likeliest next words with
    /// probabilities renormalized among them.
    func sample(prompt: [Int], count: Int, topK k: Int, rng: inout SeededRandom) -> [Int] {
        var out = prompt
        var trace = net.forward(.dense(embedding.forward(prompt)), steps: prompt.count, batch: 1)
        for _ in 0..<count {
            let z = head.forward(Array(trace.output.suffix(net.configuration.hiddenSize)), batch: 1)
            let top = Self.largest(k, of: z)   // the k largest logits, largest first
            let m = z[top[0]]
            let weights = top.map { exp(Double(z[$0] - m)) }
            var u = rng.uniform() * weights.reduce(0, +), next = top[k - 1]
            for (i, w) in zip(top, weights) { u -= w; if u < 0 { next = i; break } }
            out.append(next)
            trace = net.forward(.dense(embedding.forward([next])), steps: 1, batch: 1,
                                h0: trace.hN, c0: net.hasCellState ? trace.cN : nil)
        }
        return out
    }

    /// The ids of the `k` largest of `z`, largest first, ties to the smaller id: the first `k`
    /// of all ids sorted that way, in one pass that keeps the best `k` seen so far, in order.
    static func largest(_ k: Int, of z: [Precision]) -> [Int] {
        func before(_ a: Int, _ b: Int) -> Bool { z[a] != z[b] ? z[a] > z[b] : a < b }
        var top: [Int] = []
        for i in z.indices where top.count < k || before(i, top[k - 1]) {
            top.insert(i, at: top.firstIndex { before(i, $0) } ?? top.count)
            if top.count > k { top.removeLast() }
        }
        return top
    }
    // snippet.end

    // snippet.top-k-lab
    /// The lab's `sampleFromRNN`: reads `prompt`, then adds `count` words, each one of the `k`
    /// likeliest next words, all `k` with the same chance whatever their probabilities.
    func sampleUniform(prompt: [Int], count: Int, topK k: Int, rng: inout SeededRandom) -> [Int] {
        var out = prompt
        var trace = net.forward(.dense(embedding.forward(prompt)), steps: prompt.count, batch: 1)
        for _ in 0..<count {
            let z = head.forward(Array(trace.output.suffix(net.configuration.hiddenSize)), batch: 1)
            let top = Self.largest(k, of: z)   // the k largest logits, as in `sample`
            // np.random.choice(top): each of the k with probability 1/k
            let next = top[rng.int(below: k)]
            out.append(next)
            trace = net.forward(.dense(embedding.forward([next])), steps: 1, batch: 1,
                                h0: trace.hN, c0: net.hasCellState ? trace.cN : nil)
        }
        return out
    }
    // snippet.end
}
