import Foundation

/// A long short-term memory layer with `torch.nn.LSTM`'s equations, gate order `i, f, g, o` and
/// parameter layout:
///
///     a   = x_t · W_ihᵀ + b_ih + h_{t-1} · W_hhᵀ + b_hh                   [B, 4H], split [i | f | g | o]
///     i = σ(a_i),  f = σ(a_f),  g = tanh(a_g),  o = σ(a_o)                input, forget, cell, output gates
///     c_t = f ⊙ c_{t-1} + i ⊙ g
///     h_t = o ⊙ tanh(c_t)
///
/// The cell state `c` is the additive path: `∂c_t/∂c_{t-1} = diag(f)`, with no weight matrix
/// and no squashing in between, which is why gradients survive many more steps than in an
/// Elman layer when the forget gate stays near 1.
///
/// Shapes: `W_ih [4H, I]`, `W_hh [4H, H]`, `b_ih, b_hh [4H]`, `x [T, B, I]`, `h0, c0 [B, H]`.
public final class LSTMLayer<S: Real>: SequenceLayer {
    public let inputSize: Int, hiddenSize: Int
    /// `W_ih = [W_ii; W_if; W_ig; W_io]`, `[4H, I]`.
    public let weightIH: Parameter<S>
    /// `W_hh = [W_hi; W_hf; W_hg; W_ho]`, `[4H, H]`.
    public let weightHH: Parameter<S>
    public let biasIH: Parameter<S>?, biasHH: Parameter<S>?

    public var parameters: [Parameter<S>] { [weightIH, weightHH] + [biasIH, biasHH].compactMap { $0 } }
    public var hasCellState: Bool { true }

    /// Every weight and bias uniform in `[-1/√H, 1/√H]`, as `torch.nn.LSTM`.
    public init(_ name: String, inputSize: Int, hiddenSize: Int, bias: Bool = true, suffix: String = "",
                rng: inout SeededRandom) {
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        let p = RecurrentParameters<S>(name, gates: 4, inputSize: inputSize, hiddenSize: hiddenSize, bias: bias, suffix: suffix, rng: &rng)
        (weightIH, weightHH, biasIH, biasHH) = (p.weightIH, p.weightHH, p.biasIH, p.biasHH)
    }

    /// `b_ih + b_hh` (zeros without bias), `[4H]`.
    func combinedBias() -> [S] {
        var bias = [S](repeating: 0, count: 4 * hiddenSize)
        if let biasIH, let biasHH { for j in 0..<bias.count { bias[j] = biasIH.value[j] + biasHH.value[j] } }
        return bias
    }

    /// Runs the layer over `x [T, B, I]` from `h0`, `c0` (zeros when `nil`). The cache keeps, per
    /// step, `[i | f | g | o | tanh c_t]` `[B, 5H]` for the backward pass.
    @_specialize(where S == Double)
    @_specialize(where S == Float)
    public func forward(_ x: SequenceInput<S>, steps T: Int, batch B: Int, h0: [S]?, c0: [S]?) -> SequenceTrace<S> {
        checkShapes(x, steps: T, batch: B, h0: h0, c0: c0)
        let H = hiddenSize, G = 4 * H, BH = B * H
        var states = [S](repeating: 0, count: (T + 1) * BH)
        var cells = [S](repeating: 0, count: (T + 1) * BH)
        if let h0 { for i in 0..<BH { states[i] = h0[i] } }
        if let c0 { for i in 0..<BH { cells[i] = c0[i] } }
        var cache = [S](repeating: 0, count: T * B * 5 * H)
        // a = x · W_ihᵀ + b_ih + b_hh for every step at once                           [T·B, 4H]
        var a = broadcastRows(combinedBias(), rows: T * B, n: G)
        x.addProjection(weight: weightIH, inputSize: inputSize, rows: T * B, into: &a)
        let ifo = UnsafeMutableBufferPointer<S>.allocate(capacity: B * 3 * H)
        let tg = UnsafeMutableBufferPointer<S>.allocate(capacity: BH), tc = UnsafeMutableBufferPointer<S>.allocate(capacity: BH)
        defer { ifo.deallocate(); tg.deallocate(); tc.deallocate() }
        a.withUnsafeMutableBufferPointer { a in
            states.withUnsafeMutableBufferPointer { st in
                cells.withUnsafeMutableBufferPointer { cs in
                    cache.withUnsafeMutableBufferPointer { cache in
                        weightHH.value.withUnsafeBufferPointer { w in
                            let wHH = MatrixProduct.RepeatedTransposedB(m: B, n: G, k: H, b: w.baseAddress!, ldb: H)
                            for t in 0..<T {
                                let at = a.baseAddress! + t * B * G
                                // a_t += h_{t-1} · W_hhᵀ                                           [B, 4H]
                                wHH.addProduct(a: st.baseAddress! + t * BH, lda: H, c: at, ldc: G)
                                // i, f, o = σ(a_i, a_f, a_o) and g = tanh(a_g) for the whole batch, a
                                // vector at a time                                                 [B, 3H], [B, H]
                                let ifo = ifo.baseAddress!, tg = tg.baseAddress!, tc = tc.baseAddress!
                                let st = st.baseAddress!, cs = cs.baseAddress!
                                for b in 0..<B {
                                    let row = at + b * G
                                    (ifo + b * 3 * H).update(from: row, count: 2 * H)
                                    (ifo + b * 3 * H + 2 * H).update(from: row + 3 * H, count: H)
                                    (tg + b * H).update(from: row + 2 * H, count: H)
                                }
                                S.sigmoid(ifo, count: B * 3 * H)
                                S.tanh(tg, count: BH)
                                // c_t = f ⊙ c_{t-1} + i ⊙ g, kept in tc until its tanh                 [B, H]
                                for b in 0..<B {
                                    let i = ifo + b * 3 * H, f = i + H, g = tg + b * H
                                    let cPrev = cs + t * BH + b * H, cNew = cs + (t + 1) * BH + b * H
                                    S.vectors(H) { j, n in
                                        let v = S.load(f + j, count: n) * S.load(cPrev + j, count: n)
                                            + S.load(i + j, count: n) * S.load(g + j, count: n)
                                        S.store(v, cNew + j, count: n)
                                    }
                                    (tc + b * H).update(from: cNew, count: H)
                                }
                                S.tanh(tc, count: BH)
                                // h_t = o ⊙ tanh(c_t); the cache keeps i, f, g, o and tanh(c_t)
                                for b in 0..<B {
                                    let o = ifo + b * 3 * H + 2 * H, h = st + (t + 1) * BH + b * H
                                    S.vectors(H) { j, n in
                                        S.store(S.load(o + j, count: n) * S.load(tc + b * H + j, count: n), h + j, count: n)
                                    }
                                    let c = cache.baseAddress! + (t * B + b) * 5 * H
                                    c.update(from: ifo + b * 3 * H, count: 2 * H)
                                    (c + 2 * H).update(from: tg + b * H, count: H)
                                    (c + 3 * H).update(from: o, count: H)
                                    (c + 4 * H).update(from: tc + b * H, count: H)
                                }
                            }
                        }
                    }
                }
            }
        }
        return SequenceTrace<S>(steps: T, batch: B, inputs: x, states: states, cells: cells, cache: cache)
    }

    @_specialize(where S == Double)
    @_specialize(where S == Float)
    public func backward(
        _ trace: SequenceTrace<S>, dOutputs: [S]?, dLast: [S]?, dLastCell: [S]?, inputGradient: Bool
    ) -> SequenceGradient<S> {
        checkGradientShapes(trace, dOutputs: dOutputs, dLast: dLast, dLastCell: dLastCell)
        let H = hiddenSize, G = 4 * H, B = trace.batch, T = trace.steps, BH = B * H
        var dA = [S](repeating: 0, count: T * B * G)        // ∂L/∂a, [T·B, 4H]
        var dh = dLast ?? [S](repeating: 0, count: BH)      // ∂L/∂h_t, [B, H]
        var dc = dLastCell ?? [S](repeating: 0, count: BH)  // ∂L/∂c_t, [B, H]
        trace.cache.withUnsafeBufferPointer { cache in
            trace.cells.withUnsafeBufferPointer { cs in
                dA.withUnsafeMutableBufferPointer { dA in
                    weightHH.value.withUnsafeBufferPointer { w in
                        for t in stride(from: T - 1, through: 0, by: -1) {
                            if let dOutputs { for i in 0..<BH { dh[i] += dOutputs[t * BH + i] } }   // the loss reads h_t too
                            let da = dA.baseAddress! + t * B * G
                            dh.withUnsafeBufferPointer { dh in
                                dc.withUnsafeMutableBufferPointer { dc in
                                    for b in 0..<B {
                                        let c = cache.baseAddress! + (t * B + b) * 5 * H, row = da + b * G
                                        let dhRow = dh.baseAddress! + b * H, dcRow = dc.baseAddress! + b * H
                                        let cPrev = cs.baseAddress! + t * BH + b * H
                                        S.vectors(H) { j, n in              // a vector of units at a time
                                            let i = S.load(c + j, count: n), f = S.load(c + H + j, count: n)
                                            let g = S.load(c + 2 * H + j, count: n)
                                            let o = S.load(c + 3 * H + j, count: n), tc = S.load(c + 4 * H + j, count: n)
                                            let dhj = S.load(dhRow + j, count: n)
                                            // through h_t = o ⊙ tanh(c_t): to o, and on to c_t beside its own gradient
                                            let dO = dhj * tc
                                            let dC = S.load(dcRow + j, count: n) + dhj * o * (1 - tc * tc)
                                            // through c_t = f ⊙ c_{t-1} + i ⊙ g: to i, f, g and c_{t-1}
                                            let dI = dC * g, dF = dC * S.load(cPrev + j, count: n), dG = dC * i
                                            S.store(dC * f, dcRow + j, count: n)
                                            // through the sigmoids of i, f, o and the tanh of g
                                            S.store(dI * i * (1 - i), row + j, count: n)
                                            S.store(dF * f * (1 - f), row + H + j, count: n)
                                            S.store(dG * (1 - g * g), row + 2 * H + j, count: n)
                                            S.store(dO * o * (1 - o), row + 3 * H + j, count: n)
                                        }
                                    }
                                }
                            }
                            // through a_t ∋ h_{t-1} · W_hhᵀ, for h_{t-1}: dh_{t-1} = da_t · W_hh      [B, H]
                            for k in 0..<BH { dh[k] = 0 }
                            dh.withUnsafeMutableBufferPointer { o in
                                MatrixProduct.addProduct(
                                    m: B, n: H, k: G, a: da, lda: G, b: w.baseAddress!, ldb: H, c: o.baseAddress!, ldc: H)
                            }
                        }
                    }
                }
            }
        }
        // through h_{t-1} · W_hhᵀ, for W_hh, all steps: dW_hh += Σ_t da_tᵀ · h_{t-1}
        dA.withUnsafeBufferPointer { d in
            trace.states.withUnsafeBufferPointer { sp in
                weightHH.grad.withUnsafeMutableBufferPointer { g in
                    MatrixProduct.addProductTransposedA(
                        m: G, n: H, k: T * B, a: d.baseAddress!, lda: G, b: sp.baseAddress!, ldb: H, c: g.baseAddress!, ldc: H)
                }
            }
        }
        // through x_t · W_ihᵀ, for W_ih, all steps: dW_ih += Σ_t da_tᵀ · x_t
        trace.inputs.addWeightGradient(dA, weight: weightIH, inputSize: inputSize, rows: T * B)
        // through both biases: db_ih += Σ da, db_hh += Σ da
        addRowSums(dA, rows: T * B, to: [biasIH, biasHH])
        guard inputGradient else { return SequenceGradient<S>(dh0: dh, dc0: dc, dx: []) }
        // through x_t · W_ihᵀ, for x: dx = da · W_ih                                      [T, B, I]
        return SequenceGradient<S>(dh0: dh, dc0: dc, dx: trace.inputs.inputGradient(dA, weight: weightIH, inputSize: inputSize, rows: T * B))
    }
}
