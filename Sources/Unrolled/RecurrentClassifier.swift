import Foundation

/// A sequence classifier: a recurrent layer (Elman or GRU) reads one-hot symbols and a Linear
/// head maps the last state to class scores.
///
///     h_t = cell(x_t, h_{t-1})                                        [B, H]
///     z   = h_T · W_outᵀ + b_out                                      [B, C]
///     L   = mean_b w_b · (-log softmax(z_b)[y_b])
///
/// With `bidirectional`, a second layer reads each sequence from its last symbol to its
/// first, and the head sees `[h_T(forward), h_1(backward)]`, `[B, 2H]`.
public final class RecurrentClassifier: Module {
    /// The recurrent cell.
    public enum Cell: String, Sendable { case elman, gru }

    public let symbols: Int, hiddenSize: Int, classes: Int
    public let forwardLayer: any SequenceLayer
    public let backwardLayer: (any SequenceLayer)?
    public let head: Linear
    public var parameters: [Parameter] {
        forwardLayer.parameters + (backwardLayer?.parameters ?? []) + head.parameters
    }

    public init(symbols: Int, hiddenSize: Int, classes: Int, cell: Cell = .elman, bidirectional: Bool = false,
                rng: inout SeededRandom) {
        self.symbols = symbols
        self.hiddenSize = hiddenSize
        self.classes = classes
        func layer(_ name: String) -> any SequenceLayer {
            switch cell {
            case .elman: return ElmanLayer(name, inputSize: symbols, hiddenSize: hiddenSize, rng: &rng)
            case .gru: return GRULayer(name, inputSize: symbols, hiddenSize: hiddenSize, rng: &rng)
            }
        }
        forwardLayer = layer("rnn")
        backwardLayer = bidirectional ? layer("rnn_reverse") : nil
        head = Linear("fc", inputSize: hiddenSize * (bidirectional ? 2 : 1), outputSize: classes, rng: &rng)
    }

    /// One-hot inputs `[T, B, I]` for a batch of equally long sequences.
    public func oneHot(_ sequences: [[Int]], reversed: Bool = false) -> [Double] {
        let T = sequences[0].count, B = sequences.count
        var x = [Double](repeating: 0, count: T * B * symbols)
        for t in 0..<T {
            for (b, s) in sequences.enumerated() { x[(t * B + b) * symbols + s[reversed ? T - 1 - t : t]] = 1 }
        }
        return x
    }

    /// The forward pass for a batch of equally long sequences.
    public struct Trace {
        let forward: SequenceTrace
        let backward: SequenceTrace?
        let features: [Double]
        /// `[B, C]` log-probabilities.
        public let logProbabilities: [Double]
    }

    public func forward(_ sequences: [[Int]]) -> Trace {
        let B = sequences.count, H = hiddenSize
        let f = forwardLayer.forward(oneHot(sequences), steps: sequences[0].count, batch: B, h0: nil)
        var features = f.last
        var r: SequenceTrace? = nil
        if let backwardLayer {
            let trace = backwardLayer.forward(oneHot(sequences, reversed: true), steps: sequences[0].count, batch: B, h0: nil)
            var both = [Double](repeating: 0, count: B * 2 * H)
            for b in 0..<B {
                for j in 0..<H {
                    both[b * 2 * H + j] = f.last[b * H + j]
                    both[b * 2 * H + H + j] = trace.last[b * H + j]
                }
            }
            features = both
            r = trace
        }
        let logits = head.forward(features, batch: B)
        return Trace(forward: f, backward: r, features: features,
                     logProbabilities: SoftmaxCrossEntropy.logSoftmax(logits, classes: classes))
    }

    /// Forward and backward for one batch; accumulates gradients and returns the loss and the
    /// `[B, C]` log-probabilities.
    @discardableResult
    public func lossAndGradient(_ sequences: [[Int]], targets: [Int], weights: [Double]? = nil) -> (loss: Double, logProbabilities: [Double]) {
        let B = sequences.count, H = hiddenSize
        let trace = forward(sequences)
        let (loss, dz) = SoftmaxCrossEntropy.loss(
            logProbabilities: trace.logProbabilities, targets: targets, classes: classes, weights: weights)
        // through the head: dfeatures = dz · W_out
        let dFeatures = head.backward(dz, input: trace.features, batch: B)
        if let backwardLayer, let r = trace.backward {
            // split [forward, backward] features back to the two layers' last states
            var df = [Double](repeating: 0, count: B * H), db = df
            for b in 0..<B {
                for j in 0..<H {
                    df[b * H + j] = dFeatures[b * 2 * H + j]
                    db[b * H + j] = dFeatures[b * 2 * H + H + j]
                }
            }
            _ = forwardLayer.backward(trace.forward, dOutputs: nil, dLast: df, inputGradient: false)
            _ = backwardLayer.backward(r, dOutputs: nil, dLast: db, inputGradient: false)
        } else {
            _ = forwardLayer.backward(trace.forward, dOutputs: nil, dLast: dFeatures, inputGradient: false)
        }
        return (loss, trace.logProbabilities)
    }
}
