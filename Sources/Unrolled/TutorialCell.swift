import Foundation

/// The cell of PyTorch's tutorial "Classifying Names with a Character-Level RNN", exactly:
///
///     combined_t = [x_t, h_{t-1}]                      [1, I + H]
///     h_t        = i2h(combined_t)                     [1, H]   (no nonlinearity)
///     output_t   = LogSoftmax(i2o(combined_t))         [1, C]
///
/// `i2h` is `Linear(I + H → H)` and `i2o` is `Linear(I + H → C)`. The output at step `t` uses the
/// state from *before* the step, and the prediction for a name is the output after its last
/// letter. Because `x_t` is one-hot, `W · combined_t` is a column of `W` picked by the letter plus
/// `W[:, I...] · h_{t-1}`; the code uses that instead of multiplying by zeros.
public final class TutorialCell<S: Real>: Module {
    public let inputSize: Int, hiddenSize: Int, outputSize: Int
    public let i2h: Linear<S>
    public let i2o: Linear<S>
    public var parameters: [Parameter<S>] { i2h.parameters + i2o.parameters }

    public init(inputSize: Int, hiddenSize: Int, outputSize: Int, rng: inout SeededRandom) {
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.outputSize = outputSize
        i2h = Linear<S>("i2h", inputSize: inputSize + hiddenSize, outputSize: hiddenSize, rng: &rng)
        i2o = Linear<S>("i2o", inputSize: inputSize + hiddenSize, outputSize: outputSize, rng: &rng)
    }

    /// What the forward pass keeps for the backward pass.
    public struct Trace {
        /// The letters, `T` indices in `0 ..< I`.
        public let letters: [Int]
        /// `hiddens[t + 1]` is `h_t`, `[H]`; `hiddens[0]` is `h0`.
        public var hiddens: [[S]]
        /// The log-probabilities after the last letter, `[C]`.
        public var logProbabilities: [S]
        /// Every step's log-probabilities `[T][C]`, when asked for.
        public var allLogProbabilities: [[S]]

        public init(letters: [Int], hiddens: [[S]], logProbabilities: [S], allLogProbabilities: [[S]]) {
            self.letters = letters
            self.hiddens = hiddens
            self.logProbabilities = logProbabilities
            self.allLogProbabilities = allLogProbabilities
        }
    }

    /// `W[:, letter] + b + W[:, I...] · h`: one `Linear<S>` of the concatenation `[onehot, h]`.
    @inline(__always)
    private func combine(_ layer: Linear<S>, letter: Int, hidden h: [S]) -> [S] {
        let n = layer.outputSize, width = inputSize + hiddenSize
        var out = [S](repeating: 0, count: n)
        let w = layer.weight.value, b = layer.bias!.value
        for j in 0..<n { out[j] = b[j] + w[j * width + letter] }
        h.withUnsafeBufferPointer { hp in
            w.withUnsafeBufferPointer { wp in
                out.withUnsafeMutableBufferPointer { op in
                    MatrixProduct.addProductTransposedB(
                        m: 1, n: n, k: hiddenSize, a: hp.baseAddress!, lda: hiddenSize,
                        b: wp.baseAddress! + inputSize, ldb: width, c: op.baseAddress!, ldc: n)
                }
            }
        }
        return out
    }

    /// Reads the letters of one name from `h0` (zeros when `nil`).
    @_specialize(where S == Double)
    @_specialize(where S == Float)
    public func forward(_ letters: [Int], h0: [S]? = nil, keepAllOutputs: Bool = false) -> Trace {
        var h = h0 ?? [S](repeating: 0, count: hiddenSize)
        var trace = Trace(letters: letters, hiddens: [h], logProbabilities: [], allLogProbabilities: [])
        for (t, letter) in letters.enumerated() {
            if keepAllOutputs || t == letters.count - 1 {
                let logits = combine(i2o, letter: letter, hidden: h)          // i2o(combined)
                let logp = SoftmaxCrossEntropy.logSoftmax(logits, classes: outputSize)
                if keepAllOutputs { trace.allLogProbabilities.append(logp) }
                trace.logProbabilities = logp
            }
            h = combine(i2h, letter: letter, hidden: h)                         // i2h(combined)
            trace.hiddens.append(h)
        }
        return trace
    }

    /// The loss `-log p(target)` of a finished forward pass.
    @_specialize(where S == Double)
    @_specialize(where S == Float)
    public func loss(_ trace: Trace, target: Int) -> S { -trace.logProbabilities[target] }

    /// Backpropagates `L = -output_{T-1}[target]` through the whole name, accumulating into the
    /// gradients of `i2h` and `i2o`. Returns `∂L/∂h0 [H]` and, if asked, `∂L/∂x [T, I]`.
    @discardableResult
    @_specialize(where S == Double)
    @_specialize(where S == Float)
    public func backward(_ trace: Trace, target: Int, inputGradient: Bool = false) -> (dh0: [S], dx: [[S]]) {
        let T = trace.letters.count
        var dx = inputGradient ? [[S]](repeating: [S](repeating: 0, count: inputSize), count: T) : []
        // through NLL and log-softmax: dz = softmax(z) - onehot(target)             [C]
        var dz = trace.logProbabilities.map { S.exp($0) }
        dz[target] -= 1
        // through i2o at the last step, whose input was [x_{T-1}, h_{T-2}]
        addLetterAndBias(i2o, dOut: dz, letter: trace.letters[T - 1])
        addOuterProducts(i2o, dOut: dz, hiddens: trace.hiddens[T - 1], steps: 1)
        var dh = hiddenGradient(i2o, dOut: dz)
        if inputGradient { dx[T - 1] = inputColumnsGradient(i2o, dOut: dz) }
        // h_{T-1} feeds no output, so the last i2h gets no gradient: walk back from step T-2.
        // Row k of dHiddens is ∂L/∂h_t and row k of previous is h_{t-1}, for t = T-2, T-3, ..., 0.
        var dHiddens: [S] = [], previous: [S] = []
        for t in stride(from: T - 2, through: 0, by: -1) {
            // through h_t = i2h([x_t, h_{t-1}]): linear, so dh_t reaches W, b and h_{t-1} as is
            addLetterAndBias(i2h, dOut: dh, letter: trace.letters[t])
            if inputGradient { dx[t] = inputColumnsGradient(i2h, dOut: dh) }
            dHiddens += dh
            previous += trace.hiddens[t]
            dh = hiddenGradient(i2h, dOut: dh)
        }
        // through i2h's recurrent columns, all steps at once: dW[:, I...] += Σ_t dh_t ⊗ h_{t-1}
        if T > 1 { addOuterProducts(i2h, dOut: dHiddens, hiddens: previous, steps: T - 1) }
        return (dh, dx)
    }

    /// Through the bias and the one-hot letter's column: `∂b += dOut`, `∂W[:, letter] += dOut`.
    private func addLetterAndBias(_ layer: Linear<S>, dOut: [S], letter: Int) {
        let width = inputSize + hiddenSize
        layer.bias!.grad.withUnsafeMutableBufferPointer { b in
            layer.weight.grad.withUnsafeMutableBufferPointer { w in
                for j in 0..<layer.outputSize {
                    b[j] += dOut[j]
                    w[j * width + letter] += dOut[j]
                }
            }
        }
    }

    /// Through `W[:, I...] · h`, for `W`: `∂W[:, I...] += Σ_s dOut_s ⊗ h_s` over `steps` rows of
    /// `dOut [steps, n]` and `hiddens [steps, H]`, as one matrix product.
    private func addOuterProducts(_ layer: Linear<S>, dOut: [S], hiddens: [S], steps: Int) {
        let n = layer.outputSize, width = inputSize + hiddenSize
        dOut.withUnsafeBufferPointer { dp in
            hiddens.withUnsafeBufferPointer { hp in
                layer.weight.grad.withUnsafeMutableBufferPointer { gp in
                    MatrixProduct.addProductTransposedA(
                        m: n, n: hiddenSize, k: steps, a: dp.baseAddress!, lda: n,
                        b: hp.baseAddress!, ldb: hiddenSize, c: gp.baseAddress! + inputSize, ldc: width)
                }
            }
        }
    }

    /// Through `W[:, I...] · h`, for `h`: `∂h = W[:, I...]ᵀ · dOut` `[H]`.
    private func hiddenGradient(_ layer: Linear<S>, dOut: [S]) -> [S] {
        let n = layer.outputSize, width = inputSize + hiddenSize
        var dh = [S](repeating: 0, count: hiddenSize)
        dOut.withUnsafeBufferPointer { dp in
            layer.weight.value.withUnsafeBufferPointer { wp in
                dh.withUnsafeMutableBufferPointer { hp in
                    MatrixProduct.addProduct(
                        m: 1, n: hiddenSize, k: n, a: dp.baseAddress!, lda: n,
                        b: wp.baseAddress! + inputSize, ldb: width, c: hp.baseAddress!, ldc: hiddenSize)
                }
            }
        }
        return dh
    }

    /// `∂out/∂x` for the one-hot part of the input: `W[:, 0..<I]ᵀ · dOut` `[I]`.
    private func inputColumnsGradient(_ layer: Linear<S>, dOut: [S]) -> [S] {
        let width = inputSize + hiddenSize
        var dx = [S](repeating: 0, count: inputSize)
        for j in 0..<layer.outputSize {
            for i in 0..<inputSize { dx[i] += dOut[j] * layer.weight.value[j * width + i] }
        }
        return dx
    }
}
