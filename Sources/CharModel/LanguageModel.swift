import Foundation
import Unrolled

/// A next-symbol model: a recurrent stack over one-hot symbols and a Linear head at every step,
/// `[T, B]` symbols → `[T·B, V]` logits (shape legend: T time, B batch, H hidden, V vocabulary).
final class LanguageModel {
    let net: RecurrentNetwork
    let head: Linear
    /// Dropout between stacked layers, in training only.
    let dropout: Double
    var parameters: [Parameter] { net.parameters + head.parameters }
    var vocabulary: Int { head.outputSize }

    init(cell: RecurrentNetwork.Cell, vocabulary V: Int, hidden H: Int, layers: Int = 1, dropout: Double = 0,
         rng: inout SeededRandom) {
        net = RecurrentNetwork("rnn", .init(cell: cell, inputSize: V, hiddenSize: H, layers: layers), rng: &rng)
        head = Linear("fc", inputSize: H, outputSize: V, rng: &rng)
        self.dropout = dropout
    }

    // snippet.lm-step
    /// One training step on `x`, `y` (`[T, B]`, `y` one symbol ahead of `x`): the mean
    /// cross-entropy over all `T·B` predictions, backward through the head and the stack,
    /// gradients clipped to global norm `clip`, one optimizer step. Returns the loss.
    func step<O: Optimizer<Precision>>(_ x: [Int], _ y: [Int], steps T: Int, batch B: Int,
                                       clip: Double, optimizer: inout O,
                                       rng: inout SeededRandom) -> Double {
        parameters.zeroGrad()
        let masks = net.dropoutMasks(probability: dropout, steps: T, batch: B, rng: &rng)
        let trace = net.forward(.symbols(x), steps: T, batch: B, dropoutMasks: masks)
        let logits = head.forward(trace.output, batch: T * B)  // [T·B, V]
        let (loss, dLogits) = SoftmaxCrossEntropy.loss(
            logProbabilities: SoftmaxCrossEntropy.logSoftmax(logits, classes: vocabulary),
            targets: y, classes: vocabulary)
        _ = net.backward(trace, dOutput: head.backward(dLogits, input: trace.output, batch: T * B))
        _ = GradientClipping.clipGlobalNorm(parameters, maxNorm: clip)
        optimizer.step(parameters)
        return Double(loss)
    }
    // snippet.end

    /// `-log p(y | x)` of every prediction of `x`, `y` `[T, B]`, each window read from a zero
    /// state and without dropout: `[T·B]`, time-major.
    func negativeLogLikelihoods(_ x: [Int], _ y: [Int], steps T: Int, batch B: Int) -> [Double] {
        let logits = head.forward(net.forward(.symbols(x), steps: T, batch: B).output, batch: T * B)
        let logp = SoftmaxCrossEntropy.logSoftmax(logits, classes: vocabulary)
        return y.enumerated().map { r, target in -Double(logp[r * vocabulary + target]) }
    }

    // snippet.lm-sample
    /// Reads `prompt`, then draws `count` symbols one at a time, each from
    /// `softmax(logits / temperature)` (the most likely symbol when `temperature` is 0), carrying
    /// the state from step to step.
    func sample(prompt: [Int], count: Int, temperature: Double, rng: inout SeededRandom) -> [Int] {
        var trace = net.forward(.symbols(prompt), steps: prompt.count, batch: 1)
        var out = prompt
        for _ in 0..<count {
            let H = net.configuration.hiddenSize
            // logits after the last symbol read
            let z = head.forward(Array(trace.output.suffix(H)), batch: 1)
            let next: Int
            if temperature == 0 {
                next = (0..<vocabulary).max { z[$0] < z[$1] }!
            } else {
                let p = SoftmaxCrossEntropy.logSoftmax(z.map { Double($0) / temperature },
                                                       classes: vocabulary).map(exp)
                var u = rng.uniform(), pick = vocabulary - 1
                for (i, q) in p.enumerated() { u -= q; if u < 0 { pick = i; break } }
                next = pick
            }
            out.append(next)
            trace = net.forward(.symbols([next]), steps: 1, batch: 1,
                                h0: trace.hN, c0: net.hasCellState ? trace.cN : nil)
        }
        return out
    }
    // snippet.end
}

/// Windows of a symbol sequence as training pairs: `x` = `window[0 ..< T]`, `y` = `window[1 ... T]`.
struct Windows {
    let text: [Int]
    let starts: [Int]
    let steps: Int

    /// The windows with the listed indices, time-major `[T, B]`.
    func batch(_ picks: ArraySlice<Int>) -> (x: [Int], y: [Int]) {
        let B = picks.count, T = steps
        var x = [Int](repeating: 0, count: T * B), y = x
        for (b, w) in picks.enumerated() {
            let s = starts[w]
            for t in 0..<T { x[t * B + b] = text[s + t]; y[t * B + b] = text[s + t + 1] }
        }
        return (x, y)
    }

    // snippet.perplexity
    /// Per-token perplexity of `model` on every window, `exp(mean over every predicted token of
    /// -log p)`, each window read from a zero state in batches of `batch`; and d2l's plotted
    /// figure, the mean over batches of `exp(mean batch loss)`. Since `exp` is convex, the mean of
    /// the exponentials is at least the exponential of the mean (Jensen), and the batches also
    /// weigh unequally (the last one is short), so d2l's figure reads higher.
    func perplexity(of model: LanguageModel, batch: Int)
        -> (perplexity: Double, d2lFigure: Double) {
        var nll = 0.0, count = 0, figure = 0.0, batches = 0
        for start in stride(from: 0, to: starts.count, by: batch) {
            let picks = Array(start..<min(start + batch, starts.count))
            let (x, y) = self.batch(picks[...])
            let losses = model.negativeLogLikelihoods(x, y, steps: steps, batch: picks.count)
            let sum = losses.reduce(0, +)
            nll += sum; count += losses.count
            figure += exp(sum / Double(losses.count)); batches += 1
        }
        return (exp(nll / Double(count)), figure / Double(batches))
    }
    // snippet.end

    // snippet.ngram-score
    /// A smoothed n-gram model's perplexity on the same predictions a network makes: each window's
    /// targets, each from the context inside its window only (the networks start each window
    /// from zero too).
    func perplexity(of model: NGramModel) -> Double {
        var nll = 0.0, count = 0
        for s in starts {
            for t in 0..<steps {
                nll -= model.logProbability(text[s + t + 1], context: text[s...(s + t)])
                count += 1
            }
        }
        return exp(nll / Double(count))
    }
    // snippet.end
}
