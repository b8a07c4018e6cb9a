import Foundation

/// An Elman recurrent layer over whole sequences, with `torch.nn.RNN`'s equations, parameter
/// names and initialization:
///
///     h_t = act(x_t · W_ihᵀ + b_ih + h_{t-1} · W_hhᵀ + b_hh),   act = tanh or relu
///
/// Shapes: `x [T, B, I]`, `h0 [B, H]`, `W_ih [H, I]`, `W_hh [H, H]`, `b_ih, b_hh [H]`,
/// output `[T, B, H]` (the states `h_1 ... h_T`). Every sequence buffer is one contiguous array.
///
/// Only `h_{t-1} · W_hhᵀ` is inherently sequential. The input projection of all `T` steps is one
/// matrix product before the loop, and the weight gradients of all steps are one product each
/// after the backward loop, which keeps the gradient buffers out of the per-step memory traffic.
public final class ElmanLayer<S: Real>: SequenceLayer {
    public typealias Activation = ElmanActivation

    public let inputSize: Int, hiddenSize: Int
    public let activation: Activation
    /// `W_ih`, `[H, I]`.
    public let weightIH: Parameter<S>
    /// `W_hh`, `[H, H]`.
    public let weightHH: Parameter<S>
    /// `b_ih`, `b_hh`, `[H]` each, or `nil` without bias.
    public let biasIH: Parameter<S>?, biasHH: Parameter<S>?

    public var parameters: [Parameter<S>] {
        [weightIH, weightHH] + [biasIH, biasHH].compactMap { $0 }
    }

    /// Every weight and bias uniform in `[-1/√H, 1/√H]`, as `torch.nn.RNN`.
    public init(_ name: String, inputSize: Int, hiddenSize: Int, activation: Activation = .tanh,
                bias: Bool = true, suffix: String = "", rng: inout SeededRandom) {
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.activation = activation
        let p = RecurrentParameters<S>(name, gates: 1, inputSize: inputSize, hiddenSize: hiddenSize, bias: bias, suffix: suffix, rng: &rng)
        (weightIH, weightHH, biasIH, biasHH) = (p.weightIH, p.weightHH, p.biasIH, p.biasHH)
    }

    /// `b_ih + b_hh` (zeros without bias), `[H]`.
    func combinedBias() -> [S] {
        var bias = [S](repeating: 0, count: hiddenSize)
        if let biasIH, let biasHH { for j in 0..<hiddenSize { bias[j] = biasIH.value[j] + biasHH.value[j] } }
        return bias
    }

    // snippet.elman-forward
    /// Runs the layer over `x [T, B, I]` from `h0 [B, H]` (zeros when `nil`); it has no cell state,
    /// so `c0` is ignored.
    @_specialize(where S == Double)
    @_specialize(where S == Float)
    public func forward(
        _ x: SequenceInput<S>, steps T: Int, batch B: Int, h0: [S]?, c0: [S]?
    ) -> SequenceTrace<S> {
        checkShapes(x, steps: T, batch: B, h0: h0, c0: c0)
        let H = hiddenSize, I = inputSize, BH = B * H
        // pre_t = b_ih + b_hh + x_t · W_ihᵀ for every t at once                          [T·B, H]
        var pre = broadcastRows(combinedBias(), rows: T * B, n: H)
        x.addProjection(weight: weightIH, inputSize: I, rows: T * B, into: &pre)
        var states = h0 ?? [S](repeating: 0, count: BH)  // [h0, h_1, ..., h_T], [T + 1, B, H]
        states += pre
        states.withUnsafeMutableBufferPointer { sp in
            let s = sp.baseAddress!
            weightHH.value.withUnsafeBufferPointer { w in
                // W_hh for every step: transposed once where the product reads it transposed
                let wHH = MatrixProduct.RepeatedTransposedB(
                    m: B, n: H, k: H, b: w.baseAddress!, ldb: H)
                for t in 0..<T {
                    let hPrev = s + t * BH, h = s + (t + 1) * BH
                    // pre_t += h_{t-1} · W_hhᵀ                                            [B, H]
                    wHH.addProduct(a: hPrev, lda: H, c: h, ldc: H)
                    // h_t = act(pre_t)
                    switch activation {
                    case .tanh: S.tanh(h, count: BH)
                    case .relu: for i in 0..<BH { h[i] = max(0, h[i]) }
                    }
                }
            }
        }
        return SequenceTrace<S>(steps: T, batch: B, inputs: x, states: states, cache: [])
    }
    // snippet.end

    /// Backpropagation through time. `dOutputs [T, B, H]` is `∂L/∂h_t` from above (`nil` when the
    /// loss reads no output but the last), `dLast [B, H]` an extra `∂L/∂h_T`. Accumulates the
    /// parameter gradients; returns `∂L/∂h0 [B, H]` and, if asked, `∂L/∂x [T, B, I]`.
    @_specialize(where S == Double)
    @_specialize(where S == Float)
    public func backward(
        _ trace: SequenceTrace<S>, dOutputs: [S]?, dLast: [S]?, dLastCell: [S]?, inputGradient: Bool
    ) -> SequenceGradient<S> {
        checkGradientShapes(trace, dOutputs: dOutputs, dLast: dLast, dLastCell: dLastCell)
        let H = hiddenSize, B = trace.batch, T = trace.steps, BH = B * H
        var dpre = dOutputs ?? [S](repeating: 0, count: T * BH)   // becomes ∂L/∂pre_t, [T, B, H]
        var dh = dLast ?? [S](repeating: 0, count: BH)            // ∂L/∂h_t from later steps
        dpre.withUnsafeMutableBufferPointer { dp in
            trace.states.withUnsafeBufferPointer { sp in
                weightHH.value.withUnsafeBufferPointer { w in
                    for t in stride(from: T - 1, through: 0, by: -1) {
                        let d = dp.baseAddress! + t * BH, h = sp.baseAddress! + (t + 1) * BH
                        switch activation {
                        // through tanh: dpre = (dOutput_t + dh) · (1 - h_t²)
                        case .tanh: for i in 0..<BH { d[i] = (d[i] + dh[i]) * (1 - h[i] * h[i]) }
                        // through relu: dpre = (dOutput_t + dh) · [h_t > 0]
                        case .relu: for i in 0..<BH { d[i] = h[i] > 0 ? d[i] + dh[i] : 0 }
                        }
                        // through h_{t-1} · W_hhᵀ, for h_{t-1}: dh = dpre · W_hh        [B, H]
                        for i in 0..<BH { dh[i] = 0 }
                        dh.withUnsafeMutableBufferPointer { o in
                            MatrixProduct.addProduct(
                                m: B, n: H, k: H, a: d, lda: H, b: w.baseAddress!, ldb: H, c: o.baseAddress!, ldc: H)
                        }
                    }
                }
                let d = UnsafePointer(dp.baseAddress!)
                // through h_{t-1} · W_hhᵀ, for W_hh, all steps: dW_hh += Σ_t dpre_tᵀ · h_{t-1}
                weightHH.grad.withUnsafeMutableBufferPointer { g in
                    MatrixProduct.addProductTransposedA(
                        m: H, n: H, k: T * B, a: d, lda: H, b: sp.baseAddress!, ldb: H, c: g.baseAddress!, ldc: H)
                }
            }
        }
        // through x_t · W_ihᵀ, for W_ih, all steps: dW_ih += Σ_t dpre_tᵀ · x_t
        trace.inputs.addWeightGradient(dpre, weight: weightIH, inputSize: inputSize, rows: T * B)
        // through both biases: db_ih += Σ_{t,b} dpre, db_hh += Σ_{t,b} dpre
        addRowSums(dpre, rows: T * B, to: [biasIH, biasHH])
        guard inputGradient else { return SequenceGradient<S>(dh0: dh, dc0: [], dx: []) }
        // through x_t · W_ihᵀ, for x: dx = dpre · W_ih                                  [T, B, I]
        return SequenceGradient<S>(dh0: dh, dc0: [], dx: trace.inputs.inputGradient(dpre, weight: weightIH, inputSize: inputSize, rows: T * B))
    }
}

/// The activation of an Elman layer: `torch.nn.RNN`'s `nonlinearity`.
public enum ElmanActivation: String, Sendable { case tanh, relu }
