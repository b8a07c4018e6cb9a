import Unrolled

/// An Elman recurrent layer, `torch.nn.RNN`, written to be read:
///
///     h_t = act(x_t W_ihᵀ + b_ih + h_{t-1} W_hhᵀ + b_hh),   act = tanh or relu
///
/// Shapes: `x_t [B, I]`, `h_t [B, H]`, `W_ih [H, I]`, `W_hh [H, H]`, `b_ih, b_hh [1, H]`.
/// The same parameters, names and initialization as the fast `Unrolled.ElmanLayer`, which is
/// tested against this one.
public final class ElmanLayer: SequenceLayer {
    public typealias Activation = Unrolled.ElmanActivation

    public let inputSize: Int, hiddenSize: Int
    public let activation: Activation
    /// `W_ih [H, I]`, `W_hh [H, H]`.
    public let weightIH: Parameter, weightHH: Parameter
    /// `b_ih`, `b_hh` `[H]`, or `nil` without bias.
    public let biasIH: Parameter?, biasHH: Parameter?
    public var parameters: [Parameter] { [weightIH, weightHH] + [biasIH, biasHH].compactMap { $0 } }

    /// Every weight and bias uniform in `[-1/√H, 1/√H]`, as `torch.nn.RNN`.
    public init(_ name: String, inputSize: Int, hiddenSize: Int, activation: Activation = .tanh,
                bias: Bool = true, suffix: String = "", rng: inout SeededRandom) {
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.activation = activation
        let p = RecurrentParameters(name, gates: 1, inputSize: inputSize, hiddenSize: hiddenSize, bias: bias, suffix: suffix, rng: &rng)
        (weightIH, weightHH, biasIH, biasHH) = (p.weightIH, p.weightHH, p.biasIH, p.biasHH)
    }

    // snippet.elman-step
    /// One step forward: `h = act(x W_ihᵀ + b_ih + hPrev W_hhᵀ + b_hh)`, `[B, H]`.
    func stepForward(_ x: Matrix, _ hPrev: Matrix, _ w: CellWeights) -> Matrix {
        let a = x * w.Wih.transposed + w.bih + hPrev * w.Whh.transposed + w.bhh
        return activation == .tanh ? tanh(a) : relu(a)
    }

    /// One step backward: given `dh = ∂L/∂h` and what the step read (`x`, `hPrev`) and wrote
    /// (`h`), returns `∂L/∂x`, `∂L/∂hPrev` and this step's share of the parameter gradients.
    func stepBackward(_ dh: Matrix, _ x: Matrix, _ hPrev: Matrix, _ h: Matrix, _ w: CellWeights)
        -> (dx: Matrix, dhPrev: Matrix, dw: CellWeights) {
        // through the activation: tanh' = 1 - h², relu' = [h > 0]
        let da = activation == .tanh ? dh .* (1 - h .* h) : dh .* h.map { $0 > 0 ? 1 : 0 }
        var dw = w.zeros
        dw.Wih = da.transposed * x          // through x W_ihᵀ, for W_ih
        dw.Whh = da.transposed * hPrev      // through hPrev W_hhᵀ, for W_hh
        dw.bih = da.columnSums              // through + b_ih, added to every row
        dw.bhh = da.columnSums              // through + b_hh, likewise
        let dx = da * w.Wih                 // through x W_ihᵀ, for x
        let dhPrev = da * w.Whh             // through hPrev W_hhᵀ, for hPrev
        return (dx, dhPrev, dw)
    }
    // snippet.end

    // snippet.elman-sequence
    /// Runs the layer over `x_1 ... x_T` from `h0` (zeros when `nil`): `T` steps with one set of
    /// weights. The trace keeps `h0 ... h_T` for the backward pass.
    public func forward(
        _ x: SequenceInput, steps T: Int, batch B: Int, h0: [Double]?, c0: [Double]?
    ) -> SequenceTrace {
        checkShapes(x, steps: T, batch: B, h0: h0, c0: c0)
        let w = CellWeights(weightIH, weightHH, biasIH, biasHH)
        var h = Matrix(h0, rows: B, columns: hiddenSize), states = [h]
        for xt in x.steps(T, batch: B, inputSize: inputSize) {
            h = stepForward(xt, h, w)
            states.append(h)
        }
        return SequenceTrace(steps: T, batch: B, inputs: x, states: flatten(states), cache: [])
    }

    /// Backpropagation through time: the steps in reverse, each adding the gradient that
    /// reaches its `h_t` from above (`dOutputs [T, B, H]`, or `dLast` at `t = T`) to the one that
    /// comes back from step `t + 1` through `W_hh` (`dhNext`).
    public func backward(
        _ trace: SequenceTrace, dOutputs: [Double]?, dLast: [Double]?, dLastCell: [Double]?,
        inputGradient: Bool
    ) -> SequenceGradient {
        checkGradientShapes(trace, dOutputs: dOutputs, dLast: dLast, dLastCell: dLastCell)
        let H = hiddenSize, w = CellWeights(weightIH, weightHH, biasIH, biasHH)
        let xs = trace.inputSteps(inputSize), hs = trace.stateSteps(H)   // x_1..x_T, h_0..h_T
        let dOut = trace.gradientSteps(dOutputs, H)                  // ∂L/∂h_t from above
        var dhNext = Matrix(dLast, rows: trace.batch, columns: H), dw = w.zeros, dxs: [Matrix] = []
        for t in stride(from: trace.steps - 1, through: 0, by: -1) {
            let dh = dhNext + dOut[t]                                    // both paths into h_t
            let step = stepBackward(dh, xs[t], hs[t], hs[t + 1], w)
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
