import Unrolled

/// The cell of PyTorch's tutorial "Classifying Names with a Character-Level RNN", written to be
/// read. For the letters `x_1 ... x_T` of a name (one-hot rows), from `h_0`:
///
///     combined_t = [x_t, h_{t-1}]                    [1, I + H]
///     h_t        = i2h(combined_t)                   [1, H]   (no nonlinearity)
///     output_t   = logSoftmax(i2o(combined_t))       [1, C]
///
/// `i2h` is `Linear(I + H → H)` and `i2o` is `Linear(I + H → C)`. The output at step `t` reads
/// the state from *before* the step; the prediction for a name is `output_T`, and the loss is
/// `L = -output_T[target]`. The same parameters, names, initialization and trace as the fast
/// `Unrolled.TutorialCell`, which is tested against this one.
public final class TutorialCell: Module {
    /// `hiddens[t]` is `h_t` (`hiddens[0]` is `h_0`); `logProbabilities` is `output_T`, and
    /// `allLogProbabilities[t - 1]` is `output_t` when asked for.
    public typealias Trace = Unrolled.TutorialCell<Double>.Trace

    public let inputSize: Int, hiddenSize: Int, outputSize: Int
    public let i2h: Linear
    public let i2o: Linear
    public var parameters: [Parameter] { i2h.parameters + i2o.parameters }

    public init(inputSize: Int, hiddenSize: Int, outputSize: Int, rng: inout SeededRandom) {
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.outputSize = outputSize
        i2h = Linear("i2h", inputSize: inputSize + hiddenSize, outputSize: hiddenSize, rng: &rng)
        i2o = Linear("i2o", inputSize: inputSize + hiddenSize, outputSize: outputSize, rng: &rng)
    }

    /// `combined_t = [x_t, h_{t-1}]`, `[1, I + H]`: the one-hot letter beside the previous state.
    func combined(_ letter: Int, _ hPrev: Matrix) -> Matrix {
        Matrix.concatenate([Matrix.oneHot([letter], count: inputSize), hPrev])
    }

    // snippet.tutorial-forward
    /// Reads the letters of one name from `h0` (zeros when `nil`); keeps every `h_t`, the last
    /// output, and every output if asked.
    public func forward(_ letters: [Int], h0: [Double]? = nil, keepAllOutputs: Bool = false)
        -> Trace {
        var h = Matrix(rows: 1, columns: hiddenSize,
                       values: h0 ?? [Double](repeating: 0, count: hiddenSize))
        var trace = Trace(letters: letters, hiddens: [h.values], logProbabilities: [],
                          allLogProbabilities: [])
        for letter in letters {
            let c = combined(letter, h)                     // [x_t, h_{t-1}]
            let output = Losses.logSoftmax(i2o.forward(c))  // output_t
            h = i2h.forward(c)                              // h_t
            trace.hiddens.append(h.values)
            trace.logProbabilities = output.values
            if keepAllOutputs { trace.allLogProbabilities.append(output.values) }
        }
        return trace
    }
    // snippet.end

    /// The loss `L = -output_T[target]` of a finished forward pass.
    public func loss(_ trace: Trace, target: Int) -> Double { -trace.logProbabilities[target] }

    // snippet.tutorial-backward
    /// Backpropagates `L = -output_T[target]` through the whole name, adding to the gradients of
    /// `i2h` and `i2o`. Returns `∂L/∂h_0 [H]` and, if asked, `∂L/∂x_t [I]` for every step.
    @discardableResult
    public func backward(_ trace: Trace, target: Int, inputGradient: Bool = false)
        -> (dh0: [Double], dx: [[Double]]) {
        let T = trace.letters.count, I = inputSize, H = hiddenSize
        let hs = trace.hiddens.map { Matrix(rows: 1, columns: H, values: $0) }     // h_0 ... h_T
        // through the NLL and the log-softmax of output_T: dz = softmax(z) - onehot(target)
        let logp = Matrix(rows: 1, columns: outputSize, values: trace.logProbabilities)
        let dLogp = Losses.negativeLogLikelihood(logp, targets: [target]).dLogProbabilities
        let dz = Losses.logSoftmaxBackward(dLogp, logProbabilities: logp)
        // through i2o at step T, which read combined_T = [x_T, h_{T-1}]
        var dCombined = i2o.backward(dz, input: combined(trace.letters[T - 1], hs[T - 1]))
        var dx = [dCombined.columns(0..<I)]                  // ∂L/∂x_T
        var dh = dCombined.columns(I..<(I + H))              // ∂L/∂h_{T-1}
        // h_T feeds no output, so i2h at step T gets no gradient: walk back from step T-1
        for t in stride(from: T - 1, through: 1, by: -1) {
            // through h_t = i2h([x_t, h_{t-1}]): linear, so dh reaches W, b and combined_t as is
            dCombined = i2h.backward(dh, input: combined(trace.letters[t - 1], hs[t - 1]))
            dx.insert(dCombined.columns(0..<I), at: 0)       // ∂L/∂x_t
            dh = dCombined.columns(I..<(I + H))              // ∂L/∂h_{t-1}
        }
        return (dh.values, inputGradient ? dx.map(\.values) : [])
    }
    // snippet.end
}
