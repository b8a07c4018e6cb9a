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
    /// Inverted dropout on the head's input during training: each feature is zeroed with this
    /// probability and the others scaled by `1 / (1 - dropout)`. Evaluation uses no dropout.
    public var dropout = 0.0
    /// The source of dropout masks, seeded at construction.
    var maskRandom: SeededRandom
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
        maskRandom = SeededRandom(seed: rng.next())
        forwardLayer = layer("rnn")
        backwardLayer = bidirectional ? layer("rnn_reverse") : nil
        head = Linear("fc", inputSize: hiddenSize * (bidirectional ? 2 : 1), outputSize: classes, rng: &rng)
    }

    /// The symbols of a batch of equally long sequences, time-major `[T, B]`, optionally read
    /// from the last symbol to the first.
    public func symbolInput(_ sequences: [[Int]], reversed: Bool = false) -> SequenceInput {
        let T = sequences[0].count, B = sequences.count
        var s = [Int](repeating: 0, count: T * B)
        for t in 0..<T {
            for (b, seq) in sequences.enumerated() {
                precondition(seq.count == T, "sequences of a batch must have the same length")
                s[t * B + b] = seq[reversed ? T - 1 - t : t]
            }
        }
        return .symbols(s)
    }

    /// The forward pass for a batch of equally long sequences.
    public struct Trace {
        let forward: SequenceTrace
        let backward: SequenceTrace?
        let features: [Double]
        /// `[B, C]` log-probabilities.
        public let logProbabilities: [Double]
    }

    /// Evaluation: reads a batch and returns its trace, with no dropout.
    public func forward(_ sequences: [[Int]]) -> Trace { forward(sequences, dropoutMask: nil) }

    /// Reads the batch with both layers, multiplies the head's input by `dropoutMask` when given,
    /// and classifies.
    func forward(_ sequences: [[Int]], dropoutMask: [Double]?) -> Trace {
        let B = sequences.count, H = hiddenSize
        let f = forwardLayer.forward(symbolInput(sequences), steps: sequences[0].count, batch: B, h0: nil)
        var features = f.last
        var r: SequenceTrace? = nil
        if let backwardLayer {
            let trace = backwardLayer.forward(symbolInput(sequences, reversed: true), steps: sequences[0].count, batch: B, h0: nil)
            let forwardLast = f.last, backwardLast = trace.last
            var both = [Double](repeating: 0, count: B * 2 * H)
            for b in 0..<B {
                for j in 0..<H {
                    both[b * 2 * H + j] = forwardLast[b * H + j]
                    both[b * 2 * H + H + j] = backwardLast[b * H + j]
                }
            }
            features = both
            r = trace
        }
        // features ⊙ mask (inverted dropout)
        if let dropoutMask { for i in features.indices { features[i] *= dropoutMask[i] } }
        let logits = head.forward(features, batch: B)
        return Trace(forward: f, backward: r, features: features,
                     logProbabilities: SoftmaxCrossEntropy.logSoftmax(logits, classes: classes))
    }

    /// Forward and backward for one batch (training mode: dropout on); accumulates gradients and
    /// returns the loss and the `[B, C]` log-probabilities. With `backward: false`, the same loss
    /// without touching the gradients.
    @discardableResult
    public func lossAndGradient(_ sequences: [[Int]], targets: [Int], weights: [Double]? = nil,
                                backward: Bool = true) -> (loss: Double, logProbabilities: [Double]) {
        let B = sequences.count, H = hiddenSize
        var mask: [Double]? = nil
        if dropout > 0 {
            // mask_i = [u_i ≥ p] / (1 - p), one per feature of the head's input
            let keep = 1 - dropout, width = head.inputSize * B
            mask = (0..<width).map { _ in maskRandom.uniform() >= dropout ? 1 / keep : 0 }
        }
        let trace = forward(sequences, dropoutMask: mask)
        let (loss, dz) = SoftmaxCrossEntropy.loss(
            logProbabilities: trace.logProbabilities, targets: targets, classes: classes, weights: weights)
        guard backward else { return (loss, trace.logProbabilities) }
        // through the head: dfeatures = dz · W_out
        var dFeatures = head.backward(dz, input: trace.features, batch: B)
        // through the dropout mask
        if let mask { for i in dFeatures.indices { dFeatures[i] *= mask[i] } }
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
