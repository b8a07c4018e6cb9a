import Foundation

/// A gated recurrent unit layer with `torch.nn.GRU`'s equations, gate order `r, z, n` and
/// parameter layout:
///
///     gi = x_t · W_ihᵀ + b_ih,   gh = h_{t-1} · W_hhᵀ + b_hh          [B, 3H], split [r | z | n]
///     r  = σ(gi_r + gh_r)                                              reset gate
///     z  = σ(gi_z + gh_z)                                              update gate
///     n  = tanh(gi_n + r ⊙ gh_n)                                       candidate state
///     h_t = (1 - z) ⊙ n + z ⊙ h_{t-1}
///
/// PyTorch applies the reset gate to `W_hn h + b_hn`, bias included; Cho et al. (2014) and d2l
/// apply it to `h` before the product, `tanh(W_in x + W_hn (r ⊙ h) + b)`. The two are different
/// functions, and weights move between this layer and PyTorch's unchanged only with this form.
///
/// Shapes: `W_ih [3H, I]`, `W_hh [3H, H]`, `b_ih, b_hh [3H]`, `x [T, B, I]`, `h0 [B, H]`.
public final class GRULayer<S: Real>: SequenceLayer {
    public let inputSize: Int, hiddenSize: Int
    /// `W_ih = [W_ir; W_iz; W_in]`, `[3H, I]`.
    public let weightIH: Parameter<S>
    /// `W_hh = [W_hr; W_hz; W_hn]`, `[3H, H]`.
    public let weightHH: Parameter<S>
    public let biasIH: Parameter<S>?, biasHH: Parameter<S>?

    public var parameters: [Parameter<S>] { [weightIH, weightHH] + [biasIH, biasHH].compactMap { $0 } }

    /// Every weight and bias uniform in `[-1/√H, 1/√H]`, as `torch.nn.GRU`.
    public init(_ name: String, inputSize: Int, hiddenSize: Int, bias: Bool = true, suffix: String = "", rng: inout SeededRandom) {
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        let p = RecurrentParameters<S>(name, gates: 3, inputSize: inputSize, hiddenSize: hiddenSize, bias: bias, suffix: suffix, rng: &rng)
        (weightIH, weightHH, biasIH, biasHH) = (p.weightIH, p.weightHH, p.biasIH, p.biasHH)
    }

    /// Runs the layer over `x [T, B, I]` from `h0` (zeros when `nil`; `c0` is ignored: no cell
    /// state). The cache keeps, per step,
    /// `[r | z | n | gh_n]` `[B, 4H]` for the backward pass.
    @_specialize(where S == Double)
    @_specialize(where S == Float)
    public func forward(_ x: SequenceInput<S>, steps T: Int, batch B: Int, h0: [S]?, c0: [S]?) -> SequenceTrace<S> {
        checkShapes(x, steps: T, batch: B, h0: h0, c0: c0)
        let H = hiddenSize, G = 3 * H, I = inputSize, BH = B * H
        var states = [S](repeating: 0, count: (T + 1) * BH)
        if let h0 { for i in 0..<BH { states[i] = h0[i] } }
        var cache = [S](repeating: 0, count: T * B * 4 * H)
        // gi = x · W_ihᵀ + b_ih for every step at once                                [T·B, 3H]
        var gi = broadcastRows(biasIH?.value, rows: T * B, n: G)
        x.addProjection(weight: weightIH, inputSize: I, rows: T * B, into: &gi)
        let ghBias = broadcastRows(biasHH?.value, rows: B, n: G)
        let rz = UnsafeMutableBufferPointer<S>.allocate(capacity: B * 2 * H), n = UnsafeMutableBufferPointer<S>.allocate(capacity: BH)
        defer { rz.deallocate(); n.deallocate() }
        weightHH.value.withUnsafeBufferPointer { w in
            let wHH = MatrixProduct.RepeatedTransposedB(m: B, n: G, k: H, b: w.baseAddress!, ldb: H)
            for t in 0..<T {
                // gh = h_{t-1} · W_hhᵀ + b_hh                                                  [B, 3H]
                var gh = ghBias
                states.withUnsafeBufferPointer { sp in
                    gh.withUnsafeMutableBufferPointer { g in wHH.addProduct(a: sp.baseAddress! + t * BH, lda: H, c: g.baseAddress!, ldc: G) }
                }
                gi.withUnsafeBufferPointer { gi in
                    gh.withUnsafeBufferPointer { gh in
                        states.withUnsafeMutableBufferPointer { st in
                            cache.withUnsafeMutableBufferPointer { cache in
                                let rz = rz.baseAddress!, n = n.baseAddress!, st = st.baseAddress!
                                // [r | z] = σ(gi_rz + gh_rz) for the whole batch, a vector at a time [B, 2H]
                                for b in 0..<B {
                                    let giRow = gi.baseAddress! + (t * B + b) * G, ghRow = gh.baseAddress! + b * G
                                    let rzRow = rz + b * 2 * H
                                    S.vectors(2 * H) { j, c in
                                        S.store(S.load(giRow + j, count: c) + S.load(ghRow + j, count: c), rzRow + j, count: c)
                                    }
                                }
                                S.sigmoid(rz, count: B * 2 * H)
                                // n = tanh(gi_n + r ⊙ gh_n)                                               [B, H]
                                for b in 0..<B {
                                    let giN = gi.baseAddress! + (t * B + b) * G + 2 * H, ghN = gh.baseAddress! + b * G + 2 * H
                                    let r = rz + b * 2 * H, nRow = n + b * H
                                    S.vectors(H) { j, c in
                                        let v = S.load(giN + j, count: c) + S.load(r + j, count: c) * S.load(ghN + j, count: c)
                                        S.store(v, nRow + j, count: c)
                                    }
                                }
                                S.tanh(n, count: BH)
                                // h_t = (1 − z) ⊙ n + z ⊙ h_{t-1}; the cache keeps r, z, n and gh_n [B, H]
                                for b in 0..<B {
                                    let r = rz + b * 2 * H, z = r + H, nRow = n + b * H
                                    let hPrev = st + t * BH + b * H, h = st + (t + 1) * BH + b * H
                                    S.vectors(H) { j, c in
                                        let zj = S.load(z + j, count: c)
                                        S.store((1 - zj) * S.load(nRow + j, count: c) + zj * S.load(hPrev + j, count: c), h + j, count: c)
                                    }
                                    let row = cache.baseAddress! + (t * B + b) * 4 * H
                                    row.update(from: r, count: 2 * H)
                                    (row + 2 * H).update(from: nRow, count: H)
                                    (row + 3 * H).update(from: gh.baseAddress! + b * G + 2 * H, count: H)
                                }
                            }
                        }
                    }
                }
            }
        }
        return SequenceTrace<S>(steps: T, batch: B, inputs: x, states: states, cache: cache)
    }

    @_specialize(where S == Double)
    @_specialize(where S == Float)
    public func backward(
        _ trace: SequenceTrace<S>, dOutputs: [S]?, dLast: [S]?, dLastCell: [S]?, inputGradient: Bool
    ) -> SequenceGradient<S> {
        checkGradientShapes(trace, dOutputs: dOutputs, dLast: dLast, dLastCell: dLastCell)
        let H = hiddenSize, G = 3 * H, I = inputSize, B = trace.batch, T = trace.steps, BH = B * H
        var dGi = [S](repeating: 0, count: T * B * G)      // ∂L/∂gi, [T·B, 3H]
        var dGh = [S](repeating: 0, count: T * B * G)      // ∂L/∂gh, [T·B, 3H]
        var dh = dLast ?? [S](repeating: 0, count: BH)     // ∂L/∂h_t, [B, H]
        let states = trace.states
        for t in stride(from: T - 1, through: 0, by: -1) {
            if let dOutputs { for i in 0..<BH { dh[i] += dOutputs[t * BH + i] } }   // the loss reads h_t too
            var dhPrev = [S](repeating: 0, count: BH)
            Self.gatesBackward(step: t, batch: B, hidden: H, cache: trace.cache, states: states,
                               dh: dh, dhPrev: &dhPrev, dGi: &dGi, dGh: &dGh)
            // through gh = h_{t-1} · W_hhᵀ, for h_{t-1}: dh_{t-1} += dgh_t · W_hh             [B, H]
            dGh.withUnsafeBufferPointer { g in
                weightHH.value.withUnsafeBufferPointer { w in
                    dhPrev.withUnsafeMutableBufferPointer { o in
                        MatrixProduct.addProduct(
                            m: B, n: H, k: G, a: g.baseAddress! + t * B * G, lda: G, b: w.baseAddress!, ldb: H, c: o.baseAddress!, ldc: H)
                    }
                }
            }
            dh = dhPrev
        }
        // through gh, for W_hh, all steps: dW_hh += Σ_t dgh_tᵀ · h_{t-1}
        dGh.withUnsafeBufferPointer { g in
            states.withUnsafeBufferPointer { sp in
                weightHH.grad.withUnsafeMutableBufferPointer { o in
                    MatrixProduct.addProductTransposedA(
                        m: G, n: H, k: T * B, a: g.baseAddress!, lda: G, b: sp.baseAddress!, ldb: H, c: o.baseAddress!, ldc: H)
                }
            }
        }
        // through gi, for W_ih, all steps: dW_ih += Σ_t dgi_tᵀ · x_t
        trace.inputs.addWeightGradient(dGi, weight: weightIH, inputSize: I, rows: T * B)
        // through the biases: db_ih += Σ dgi, db_hh += Σ dgh
        addRowSums(dGi, rows: T * B, to: [biasIH])
        addRowSums(dGh, rows: T * B, to: [biasHH])
        guard inputGradient else { return SequenceGradient<S>(dh0: dh, dc0: [], dx: []) }
        // through gi, for x: dx = dgi · W_ih                                               [T, B, I]
        return SequenceGradient<S>(dh0: dh, dc0: [], dx: trace.inputs.inputGradient(dGi, weight: weightIH, inputSize: I, rows: T * B))
    }

    /// The element-wise part of one backward step: from `dh = ∂L/∂h_t` to `∂L/∂gi_t`,
    /// `∂L/∂gh_t` (both `[B, 3H]`, written into row block `t`) and the direct part of
    /// `∂L/∂h_{t-1} = dh ⊙ z`.
    static func gatesBackward(step t: Int, batch B: Int, hidden H: Int, cache: [S], states: [S],
                              dh: [S], dhPrev: inout [S], dGi: inout [S], dGh: inout [S]) {
        let G = 3 * H, BH = B * H
        cache.withUnsafeBufferPointer { cache in
            states.withUnsafeBufferPointer { states in
                dh.withUnsafeBufferPointer { dh in
                    dhPrev.withUnsafeMutableBufferPointer { dhPrev in
                        dGi.withUnsafeMutableBufferPointer { dGi in
                            dGh.withUnsafeMutableBufferPointer { dGh in
                                for b in 0..<B {
                                    let c = cache.baseAddress! + (t * B + b) * 4 * H, row = (t * B + b) * G
                                    let hPrevRow = states.baseAddress! + t * BH + b * H
                                    let dhRow = dh.baseAddress! + b * H, dhPrevRow = dhPrev.baseAddress! + b * H
                                    let dGiRow = dGi.baseAddress! + row, dGhRow = dGh.baseAddress! + row
                                    S.vectors(H) { j, k in      // a vector of units at a time
                                        let r = S.load(c + j, count: k), z = S.load(c + H + j, count: k)
                                        let n = S.load(c + 2 * H + j, count: k), ghn = S.load(c + 3 * H + j, count: k)
                                        let hPrev = S.load(hPrevRow + j, count: k), d = S.load(dhRow + j, count: k)
                                        // through h_t = (1 - z) n + z h_{t-1}
                                        let dn = d * (1 - z), dz = d * (hPrev - n)
                                        S.store(d * z, dhPrevRow + j, count: k)
                                        // through n = tanh(gi_n + r ⊙ gh_n): to its argument, then to r and gh_n
                                        let dpn = dn * (1 - n * n)
                                        let dr = dpn * ghn
                                        // through the sigmoids of z and r
                                        let dpz = dz * z * (1 - z), dpr = dr * r * (1 - r)
                                        S.store(dpr, dGiRow + j, count: k); S.store(dpz, dGiRow + H + j, count: k)
                                        S.store(dpn, dGiRow + 2 * H + j, count: k)
                                        S.store(dpr, dGhRow + j, count: k); S.store(dpz, dGhRow + H + j, count: k)
                                        S.store(dpn * r, dGhRow + 2 * H + j, count: k)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
