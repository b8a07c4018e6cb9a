import Unrolled

/// The chapter's sequence classifier: a recurrent network (Elman or GRU, one or two directions)
/// reads one-hot letters, and a Linear head maps its final states to class scores.
///
///     h_T = network(x_1 ... x_T)                                   [B, D·H]  (both directions' final states)
///     z   = h_T W_outᵀ + b_out                                     [B, C]
///     L   = Σ_b w_b (-log softmax(z_b)[y_b]) / Σ_b w_b
///
/// With two directions, the head sees `[h_T(forward) | h_1(backward)]`: the state of the second
/// direction after it has read the name from its last letter back to its first.
/// `S` is the precision it trains in: the chapter's `Precision`, or `Double` for the gradient
/// checks of the tests.
final class RecurrentClassifier<S: Real>: Module {
    /// The recurrent cell.
    typealias Cell = ClassifierCell

    let symbols: Int, hiddenSize: Int, classes: Int
    /// Inverted dropout on the head's input during training: each feature is zeroed with this
    /// probability and the others scaled by `1 / (1 - dropout)`. Evaluation uses no dropout.
    var dropout = 0.0
    /// The source of dropout masks, seeded at construction.
    var maskRandom: SeededRandom
    let network: Unrolled.RecurrentNetwork<S>
    let head: Unrolled.Linear<S>
    var parameters: [Unrolled.Parameter<S>] { network.parameters + head.parameters }

    init(symbols: Int, hiddenSize: Int, classes: Int, cell: Cell = .elman, bidirectional: Bool = false,
         rng: inout SeededRandom) {
        self.symbols = symbols
        self.hiddenSize = hiddenSize
        self.classes = classes
        maskRandom = SeededRandom(seed: rng.next())
        network = Unrolled.RecurrentNetwork<S>("rnn", .init(cell: cell == .elman ? .rnnTanh : .gru, inputSize: symbols, hiddenSize: hiddenSize,
                                                bidirectional: bidirectional), rng: &rng)
        head = Unrolled.Linear<S>("fc", inputSize: hiddenSize * network.configuration.directions, outputSize: classes, rng: &rng)
    }

    /// The forward pass for a batch of equally long names.
    struct Trace {
        let network: Unrolled.RecurrentNetwork<S>.Trace
        /// The head's input `[B, D·H]`, after dropout.
        let features: [S]
        /// `[B, C]` log-probabilities.
        let logProbabilities: [S]
    }

    /// Evaluation: reads a batch and returns its trace, with no dropout.
    func forward(_ sequences: [[Int]]) -> Trace { forward(sequences, dropoutMask: nil) }

    /// Reads the batch, multiplies the head's input by `dropoutMask` when given, and classifies.
    func forward(_ sequences: [[Int]], dropoutMask: [S]?) -> Trace {
        let T = sequences[0].count, B = sequences.count, H = hiddenSize, D = network.configuration.directions
        precondition(sequences.allSatisfy { $0.count == T }, "the names of a batch must have the same length")
        // the letters, time-major [T, B]
        let letters = (0..<(T * B)).map { sequences[$0 % B][$0 / B] }
        let trace = network.forward(.symbols(letters), steps: T, batch: B)
        // features [B, D·H]: the final state of each direction, side by side (h_n is [D, B, H])
        var features = [S](repeating: 0, count: B * D * H)
        for d in 0..<D { for b in 0..<B { for j in 0..<H { features[b * D * H + d * H + j] = trace.hN[(d * B + b) * H + j] } } }
        // features ⊙ mask (inverted dropout)
        if let dropoutMask { for i in features.indices { features[i] *= dropoutMask[i] } }
        let logits = head.forward(features, batch: B)
        return Trace(network: trace, features: features, logProbabilities: SoftmaxCrossEntropy.logSoftmax(logits, classes: classes))
    }

    /// Forward and backward for one batch (training mode: dropout on); accumulates gradients and
    /// returns the loss and the `[B, C]` log-probabilities. With `backward: false`, the same loss
    /// without touching the gradients.
    @discardableResult
    func lossAndGradient(_ sequences: [[Int]], targets: [Int], weights: [S]? = nil,
                         backward: Bool = true) -> (loss: Double, logProbabilities: [S]) {
        let B = sequences.count, H = hiddenSize, D = network.configuration.directions
        var mask: [S]? = nil
        if dropout > 0 {
            // mask_i = [u_i ≥ p] / (1 - p), one per feature of the head's input
            let keep = 1 - dropout, width = head.inputSize * B
            mask = (0..<width).map { _ in maskRandom.uniform() >= dropout ? S(1 / keep) : 0 }
        }
        let trace = forward(sequences, dropoutMask: mask)
        let (loss, dz) = SoftmaxCrossEntropy.loss(
            logProbabilities: trace.logProbabilities, targets: targets, classes: classes, weights: weights)
        guard backward else { return (Double(loss), trace.logProbabilities) }
        // through the head: dfeatures = dz · W_out
        var dFeatures = head.backward(dz, input: trace.features, batch: B)
        // through the dropout mask
        if let mask { for i in dFeatures.indices { dFeatures[i] *= mask[i] } }
        // through the side-by-side final states: ∂L/∂h_n [D, B, H]
        var dhN = [S](repeating: 0, count: D * B * H)
        for d in 0..<D { for b in 0..<B { for j in 0..<H { dhN[(d * B + b) * H + j] = dFeatures[b * D * H + d * H + j] } } }
        _ = network.backward(trace.network, dOutput: nil, dhN: dhN)
        return (Double(loss), trace.logProbabilities)
    }
}

/// The cell of a `RecurrentClassifier`.
enum ClassifierCell: String, Sendable { case elman, gru }
