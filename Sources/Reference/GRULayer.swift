import Unrolled

/// A gated recurrent unit layer, `torch.nn.GRU`, written to be read:
///
///     gi = x_t W_ihᵀ + b_ih,   gh = h_{t-1} W_hhᵀ + b_hh                [B, 3H], split [r | z | n]
///     r = σ(gi_r + gh_r),  z = σ(gi_z + gh_z)                          reset and update gates
///     n = tanh(gi_n + r ⊙ gh_n)                                        candidate state
///     h_t = (1 - z) ⊙ n + z ⊙ h_{t-1}
///
/// As in PyTorch, the reset gate multiplies `gh_n = h_{t-1} W_hnᵀ + b_hn`, bias included (Cho et
/// al. put it on `h_{t-1}` before the product, a different function).
///
/// Shapes: `x_t [B, I]`, `h_t [B, H]`, `W_ih [3H, I]`, `W_hh [3H, H]`, `b_ih, b_hh [1, 3H]` (the
/// three gates' rows stacked in the order `r, z, n`). The same parameters, names and
/// initialization as the fast `Unrolled.GRULayer`, which is tested against this one.
public final class GRULayer: SequenceLayer {
    public let inputSize: Int, hiddenSize: Int
    /// `W_ih = [W_ir; W_iz; W_in]` `[3H, I]`, `W_hh = [W_hr; W_hz; W_hn]` `[3H, H]`.
    public let weightIH: Parameter, weightHH: Parameter
    /// `b_ih`, `b_hh` `[3H]`, or `nil` without bias.
    public let biasIH: Parameter?, biasHH: Parameter?
    public var parameters: [Parameter] { [weightIH, weightHH] + [biasIH, biasHH].compactMap { $0 } }

    /// Every weight and bias uniform in `[-1/√H, 1/√H]`, as `torch.nn.GRU`.
    public init(_ name: String, inputSize: Int, hiddenSize: Int, bias: Bool = true, suffix: String = "", rng: inout SeededRandom) {
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        let p = RecurrentParameters(name, gates: 3, inputSize: inputSize, hiddenSize: hiddenSize, bias: bias, suffix: suffix, rng: &rng)
        (weightIH, weightHH, biasIH, biasHH) = (p.weightIH, p.weightHH, p.biasIH, p.biasHH)
    }

    /// What a step's backward pass needs from its forward pass: the gates `r`, `z`, the candidate
    /// `n` and `gh_n`, each `[B, H]`.
    struct StepCache {
        let r: Matrix, z: Matrix, n: Matrix, ghn: Matrix

        init(r: Matrix, z: Matrix, n: Matrix, ghn: Matrix) {
            (self.r, self.z, self.n, self.ghn) = (r, z, n, ghn)
        }

        /// `[r | z | n | gh_n]` `[B, 4H]`, the layout of the fast layer's cache, and back.
        var stacked: Matrix { .concatenate([r, z, n, ghn]) }
        init(stacked m: Matrix) {
            let H = m.columns / 4
            self.init(r: m.columns(0..<H), z: m.columns(H..<2 * H), n: m.columns(2 * H..<3 * H), ghn: m.columns(3 * H..<4 * H))
        }
    }

    // snippet.gru-step
    /// One step forward: the new `h` `[B, H]`, and what the backward pass will need.
    func stepForward(_ x: Matrix, _ hPrev: Matrix, _ w: CellWeights)
        -> (h: Matrix, cache: StepCache) {
        let H = hiddenSize, R = 0..<H, Z = H..<2 * H, N = 2 * H..<3 * H
        // [B, 3H] each
        let gi = x * w.Wih.transposed + w.bih, gh = hPrev * w.Whh.transposed + w.bhh
        let r = sigmoid(gi.columns(R) + gh.columns(R)), z = sigmoid(gi.columns(Z) + gh.columns(Z))
        let n = tanh(gi.columns(N) + r .* gh.columns(N))
        let h = (1 - z) .* n + z .* hPrev
        return (h, StepCache(r: r, z: z, n: n, ghn: gh.columns(N)))
    }

    /// One step backward: given `dh = ∂L/∂h_t` and what the step read (`x`, `hPrev`) and kept
    /// (`s`), returns `∂L/∂x`, `∂L/∂hPrev` and this step's share of the parameter gradients;
    /// `a_r`, `a_z`, `a_n` name the arguments of `r = σ(a_r)`, `z = σ(a_z)`, `n = tanh(a_n)`.
    func stepBackward(_ dh: Matrix, _ x: Matrix, _ hPrev: Matrix, _ s: StepCache, _ w: CellWeights)
        -> (dx: Matrix, dhPrev: Matrix, dw: CellWeights) {
        let dn = dh .* (1 - s.z)                  // through h = (1 - z) ⊙ n + z ⊙ hPrev, for n
        let dz = dh .* (hPrev - s.n)              // through h = (1 - z) ⊙ n + z ⊙ hPrev, for z
        let daN = dn .* (1 - s.n .* s.n)          // through n = tanh(a_n): tanh' = 1 - n²
        let dr = daN .* s.ghn                     // through a_n = gi_n + r ⊙ gh_n, for r
        let daR = dr .* s.r .* (1 - s.r)          // through r = σ(a_r): σ' = r (1 - r)
        let daZ = dz .* s.z .* (1 - s.z)          // through z = σ(a_z)
        // through a_r = gi_r + ..., a_z = gi_z + ..., a_n = gi_n + ..., for gi
        let dgi = Matrix.concatenate([daR, daZ, daN])
        // through a_r = ... + gh_r, a_z = ... + gh_z, a_n = ... + r ⊙ gh_n, for gh
        let dgh = Matrix.concatenate([daR, daZ, daN .* s.r])
        var dw = w.zeros
        dw.Wih = dgi.transposed * x               // through gi = x W_ihᵀ + b_ih, for W_ih
        dw.Whh = dgh.transposed * hPrev           // through gh = hPrev W_hhᵀ + b_hh, for W_hh
        dw.bih = dgi.columnSums                   // through + b_ih, added to every row
        dw.bhh = dgh.columnSums                   // through + b_hh, likewise
        let dx = dgi * w.Wih                      // through gi = x W_ihᵀ + b_ih, for x
        let dhPrev = dh .* s.z + dgh * w.Whh      // through z ⊙ hPrev, and through gh, for hPrev
        return (dx, dhPrev, dw)
    }
    // snippet.end

    // snippet.gru-sequence
    /// Runs the layer over `x_1 ... x_T` from `h0` (zeros when `nil`; `c0` is ignored: no cell
    /// state). The trace keeps `h0 ... h_T` and every step's cache, `[B, 4H]` each.
    public func forward(
        _ x: SequenceInput, steps T: Int, batch B: Int, h0: [Double]?, c0: [Double]?
    ) -> SequenceTrace {
        checkShapes(x, steps: T, batch: B, h0: h0, c0: c0)
        let w = CellWeights(weightIH, weightHH, biasIH, biasHH)
        var h = Matrix(h0, rows: B, columns: hiddenSize), states = [h], caches: [Matrix] = []
        for xt in x.steps(T, batch: B, inputSize: inputSize) {
            let step = stepForward(xt, h, w)
            h = step.h
            states.append(h); caches.append(step.cache.stacked)
        }
        return SequenceTrace(
            steps: T, batch: B, inputs: x, states: flatten(states), cache: flatten(caches))
    }

    /// Backpropagation through time: the steps in reverse, each adding the gradient that
    /// reaches its `h_t` from above (`dOutputs [T, B, H]`, or `dLast` at `t = T`) to the one that
    /// comes back from step `t + 1` (`dhNext`).
    public func backward(
        _ trace: SequenceTrace, dOutputs: [Double]?, dLast: [Double]?, dLastCell: [Double]?,
        inputGradient: Bool
    ) -> SequenceGradient {
        checkGradientShapes(trace, dOutputs: dOutputs, dLast: dLast, dLastCell: dLastCell)
        let H = hiddenSize, w = CellWeights(weightIH, weightHH, biasIH, biasHH)
        let xs = trace.inputSteps(inputSize), hs = trace.stateSteps(H)   // x_1..x_T, h_0..h_T
        let caches = trace.cacheSteps(4 * H).map(StepCache.init(stacked:))
        let dOut = trace.gradientSteps(dOutputs, H)                  // ∂L/∂h_t from above
        var dhNext = Matrix(dLast, rows: trace.batch, columns: H), dw = w.zeros, dxs: [Matrix] = []
        for t in stride(from: trace.steps - 1, through: 0, by: -1) {
            let dh = dhNext + dOut[t]                                    // both paths into h_t
            let step = stepBackward(dh, xs[t], hs[t], caches[t], w)
            dw += step.dw                                                // same weights every step
            dhNext = step.dhPrev
            dxs.insert(step.dx, at: 0)
        }
        dw.accumulate(into: weightIH, weightHH, biasIH, biasHH)
        return SequenceGradient(dh0: dhNext.values, dc0: [],
                                dx: inputGradient ? flatten(dxs) : [])
    }
    // snippet.end
}
