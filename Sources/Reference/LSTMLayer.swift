import Unrolled

/// A long short-term memory layer, `torch.nn.LSTM`, written to be read:
///
///     a   = x_t W_ihᵀ + b_ih + h_{t-1} W_hhᵀ + b_hh                [B, 4H], split [a_i | a_f | a_g | a_o]
///     i = σ(a_i),  f = σ(a_f),  g = tanh(a_g),  o = σ(a_o)         input, forget, cell, output gates
///     c_t = f ⊙ c_{t-1} + i ⊙ g
///     h_t = o ⊙ tanh(c_t)
///
/// Shapes: `x_t [B, I]`, `h_t, c_t [B, H]`, `W_ih [4H, I]`, `W_hh [4H, H]`, `b_ih, b_hh [1, 4H]`
/// (the four gates' rows stacked in the order `i, f, g, o`). The same parameters, names and
/// initialization as the fast `Unrolled.LSTMLayer`, which is tested against this one.
public final class LSTMLayer: SequenceLayer {
    public let inputSize: Int, hiddenSize: Int
    /// `W_ih = [W_ii; W_if; W_ig; W_io]` `[4H, I]`, `W_hh = [W_hi; W_hf; W_hg; W_ho]` `[4H, H]`.
    public let weightIH: Parameter, weightHH: Parameter
    /// `b_ih`, `b_hh` `[4H]`, or `nil` without bias.
    public let biasIH: Parameter?, biasHH: Parameter?
    public var parameters: [Parameter] { [weightIH, weightHH] + [biasIH, biasHH].compactMap { $0 } }
    public var hasCellState: Bool { true }

    /// Every weight and bias uniform in `[-1/√H, 1/√H]`, as `torch.nn.LSTM`.
    public init(_ name: String, inputSize: Int, hiddenSize: Int, bias: Bool = true, suffix: String = "",
                rng: inout SeededRandom) {
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        let p = RecurrentParameters(name, gates: 4, inputSize: inputSize, hiddenSize: hiddenSize, bias: bias, suffix: suffix, rng: &rng)
        (weightIH, weightHH, biasIH, biasHH) = (p.weightIH, p.weightHH, p.biasIH, p.biasHH)
    }

    /// What a step's backward pass needs from its forward pass: the gates and `tanh(c_t)`, each `[B, H]`.
    struct StepCache {
        let i: Matrix, f: Matrix, g: Matrix, o: Matrix, tanhC: Matrix

        init(i: Matrix, f: Matrix, g: Matrix, o: Matrix, tanhC: Matrix) {
            (self.i, self.f, self.g, self.o, self.tanhC) = (i, f, g, o, tanhC)
        }

        /// `[i | f | g | o | tanh c]` `[B, 5H]`, the layout of the fast layer's cache, and back.
        var stacked: Matrix { .concatenate([i, f, g, o, tanhC]) }
        init(stacked m: Matrix) {
            let H = m.columns / 5
            self.init(i: m.columns(0..<H), f: m.columns(H..<2 * H), g: m.columns(2 * H..<3 * H),
                      o: m.columns(3 * H..<4 * H), tanhC: m.columns(4 * H..<5 * H))
        }
    }

    // snippet.lstm-step
    /// One step forward: the new `h`, `c` `[B, H]`, and what the backward pass will need.
    func stepForward(_ x: Matrix, _ hPrev: Matrix, _ cPrev: Matrix, _ w: CellWeights)
        -> (h: Matrix, c: Matrix, cache: StepCache) {
        let H = hiddenSize
        let a = x * w.Wih.transposed + w.bih + hPrev * w.Whh.transposed + w.bhh      // [B, 4H]
        let i = sigmoid(a.columns(0..<H)), f = sigmoid(a.columns(H..<2 * H))
        let g = tanh(a.columns(2 * H..<3 * H)), o = sigmoid(a.columns(3 * H..<4 * H))
        let c = f .* cPrev + i .* g
        let tanhC = tanh(c)
        return (o .* tanhC, c, StepCache(i: i, f: f, g: g, o: o, tanhC: tanhC))
    }

    /// One step backward: given `dh = ∂L/∂h_t`, `dc = ∂L/∂c_t` and what the step read (`x`,
    /// `hPrev`, `cPrev`) and kept (`s`), returns `∂L/∂x`, `∂L/∂hPrev`, `∂L/∂cPrev` and this
    /// step's share of the parameter gradients.
    func stepBackward(_ dh: Matrix, _ dc: Matrix, _ x: Matrix, _ hPrev: Matrix, _ cPrev: Matrix,
                      _ s: StepCache, _ w: CellWeights)
        -> (dx: Matrix, dhPrev: Matrix, dcPrev: Matrix, dw: CellWeights) {
        let dO = dh .* s.tanhC              // through h = o ⊙ tanh(c), for o
        // through h = o ⊙ tanh(c), for c, beside dc
        let dC = dc + dh .* s.o .* (1 - s.tanhC .* s.tanhC)
        let dI = dC .* s.g                  // through c = f ⊙ cPrev + i ⊙ g, for i
        let dF = dC .* cPrev                // through c = f ⊙ cPrev + i ⊙ g, for f
        let dG = dC .* s.i                  // through c = f ⊙ cPrev + i ⊙ g, for g
        // through c = f ⊙ cPrev + i ⊙ g, for cPrev: the additive path
        let dcPrev = dC .* s.f
        let da = Matrix.concatenate([
            dI .* s.i .* (1 - s.i),         // through i = σ(a_i): σ' = i (1 - i)
            dF .* s.f .* (1 - s.f),         // through f = σ(a_f)
            dG .* (1 - s.g .* s.g),         // through g = tanh(a_g): tanh' = 1 - g²
            dO .* s.o .* (1 - s.o)])        // through o = σ(a_o)
        var dw = w.zeros
        dw.Wih = da.transposed * x          // through x W_ihᵀ, for W_ih
        dw.Whh = da.transposed * hPrev      // through hPrev W_hhᵀ, for W_hh
        dw.bih = da.columnSums              // through + b_ih, added to every row
        dw.bhh = da.columnSums              // through + b_hh, likewise
        let dx = da * w.Wih                 // through x W_ihᵀ, for x
        let dhPrev = da * w.Whh             // through hPrev W_hhᵀ, for hPrev
        return (dx, dhPrev, dcPrev, dw)
    }
    // snippet.end

    // snippet.lstm-sequence
    /// Runs the layer over `x_1 ... x_T` from `h0`, `c0` (zeros when `nil`). The trace keeps
    /// `h0 ... h_T`, `c0 ... c_T` and every step's cache, `[B, 5H]` each.
    public func forward(
        _ x: SequenceInput, steps T: Int, batch B: Int, h0: [Double]?, c0: [Double]?
    ) -> SequenceTrace {
        checkShapes(x, steps: T, batch: B, h0: h0, c0: c0)
        let w = CellWeights(weightIH, weightHH, biasIH, biasHH)
        let H = hiddenSize
        var h = Matrix(h0, rows: B, columns: H), c = Matrix(c0, rows: B, columns: H)
        var states = [h], cells = [c], caches: [Matrix] = []
        for xt in x.steps(T, batch: B, inputSize: inputSize) {
            let step = stepForward(xt, h, c, w)
            (h, c) = (step.h, step.c)
            states.append(h); cells.append(c); caches.append(step.cache.stacked)
        }
        return SequenceTrace(steps: T, batch: B, inputs: x, states: flatten(states),
                             cells: flatten(cells), cache: flatten(caches))
    }

    /// Backpropagation through time: the steps in reverse, `h_t` receiving the gradient from above
    /// (`dOutputs`, or `dLast` at `t = T`) and from step `t + 1`, `c_t` only from step `t + 1`
    /// (or `dLastCell` at `t = T`).
    public func backward(
        _ trace: SequenceTrace, dOutputs: [Double]?, dLast: [Double]?, dLastCell: [Double]?,
        inputGradient: Bool
    ) -> SequenceGradient {
        checkGradientShapes(trace, dOutputs: dOutputs, dLast: dLast, dLastCell: dLastCell)
        let B = trace.batch, H = hiddenSize, w = CellWeights(weightIH, weightHH, biasIH, biasHH)
        let xs = trace.inputSteps(inputSize), hs = trace.stateSteps(H), cs = trace.cellSteps(H)
        let caches = trace.cacheSteps(5 * H).map(StepCache.init(stacked:))
        let dOut = trace.gradientSteps(dOutputs, H)                  // ∂L/∂h_t from above
        var dhNext = Matrix(dLast, rows: B, columns: H)
        var dcNext = Matrix(dLastCell, rows: B, columns: H)
        var dw = w.zeros, dxs: [Matrix] = []
        for t in stride(from: trace.steps - 1, through: 0, by: -1) {
            let dh = dhNext + dOut[t]                                    // both paths into h_t
            let step = stepBackward(dh, dcNext, xs[t], hs[t], cs[t], caches[t], w)
            dw += step.dw                                                // same weights every step
            (dhNext, dcNext) = (step.dhPrev, step.dcPrev)
            dxs.insert(step.dx, at: 0)
        }
        dw.accumulate(into: weightIH, weightHH, biasIH, biasHH)
        return SequenceGradient(dh0: dhNext.values, dc0: dcNext.values,
                                dx: inputGradient ? flatten(dxs) : [])
    }
    // snippet.end
}
