import Foundation
import Reference
import Testing
import Unrolled

// Finite-difference checks of the reference layers' backward passes, in Double. The loss
//
//     L = Σ_t Σ h_t ⊙ R_t + Σ h_T ⊙ R_h (+ Σ c_T ⊙ R_c with a cell state)
//
// with fixed random `R [T, B, H]`, `R_h, R_c [B, H]` has exactly the gradients a layer's backward
// pass takes from above: `dOutputs = R`, `dLast = R_h`, `dLastCell = R_c`. Every entry `v` of every
// parameter, of `h0`, `c0` and of `x` is moved by ±ε (ε = 10⁻⁶), and the central difference
// `(L(v + ε) - L(v - ε)) / 2ε` compared with what the backward pass returned for it.

/// The largest relative error allowed (see `gradientError`).
private let finiteDifferenceTolerance = 1e-6

/// The error of a gradient `a` against its central differences `b`:
/// `max_k |a_k - b_k| / max(max_k |a_k| + max_k |b_k|, 1e-8)`, the largest difference relative to
/// the size of the gradient as a whole (at most 2e-9 on these layers). Entry by entry,
/// `|a_k - b_k| / (|a_k| + |b_k|)` would also hold the rounding of the differences themselves,
/// about `u·Σ|terms of L| / ε ≈ 1e-9` absolute (`u = 1.1e-16`), against entries that happen to be
/// near zero, and reaches 2e-4 on one of them here. A wrong line of a backward pass is off by the
/// size of the gradient: a sign planted in one line gives errors from 0.06 to 1.
private func gradientError(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count, "\(a.count) values against \(b.count)")
    let largest = zip(a, b).map { abs($0 - $1) }.max() ?? 0
    let scale = (a.map(abs).max() ?? 0) + (b.map(abs).max() ?? 0)
    return largest / max(scale, 1e-8)
}

/// One draw of everything the loss reads besides the parameters; a class, so that the
/// differences can move one entry in place.
private final class GradientProblem {
    let steps: Int, batch: Int
    var x: [Double], h0: [Double], c0: [Double]
    let R: [Double], Rh: [Double], Rc: [Double]

    init(_ layer: any SequenceLayer<Double>, steps T: Int, batch B: Int, rng: inout SeededRandom) {
        let I = layer.inputSize, H = layer.hiddenSize
        (steps, batch) = (T, B)
        x = randomValues(T * B * I, &rng)
        h0 = randomValues(B * H, &rng)
        c0 = randomValues(B * H, &rng)
        R = randomValues(T * B * H, &rng)
        Rh = randomValues(B * H, &rng)
        Rc = randomValues(B * H, &rng)
    }

    func trace(_ layer: any SequenceLayer<Double>) -> SequenceTrace {
        layer.forward(.dense(x), steps: steps, batch: batch, h0: h0, c0: c0)
    }

    /// `L = Σ outputs ⊙ R + Σ h_T ⊙ R_h (+ Σ c_T ⊙ R_c)`.
    func loss(_ layer: any SequenceLayer<Double>) -> Double {
        let trace = trace(layer)
        func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
        return dot(trace.outputs, R) + dot(trace.last, Rh) + (layer.hasCellState ? dot(trace.lastCell, Rc) : 0)
    }

    /// The backward pass's gradients: every parameter's (in `grad`), `∂L/∂h0`, `∂L/∂c0`, `∂L/∂x`.
    func gradient(_ layer: any SequenceLayer<Double>) -> SequenceGradient {
        layer.zeroGrad()
        return layer.backward(trace(layer), dOutputs: R, dLast: Rh, dLastCell: layer.hasCellState ? Rc : nil, inputGradient: true)
    }
}

/// Checks every gradient the backward pass of `layer` returns or accumulates against central
/// differences of the loss on `problem`; returns the largest error, after an expectation per buffer.
@discardableResult
private func checkGradients(_ layer: any SequenceLayer<Double>, _ p: GradientProblem, _ what: String,
                    sourceLocation: SourceLocation = #_sourceLocation) -> Double {
    let g = p.gradient(layer)
    var checks: [(String, [Double], [Double])] = layer.parameters.map { w in
        (w.name, w.grad, centralDifferences(count: w.count, get: { w.value[$0] }, set: { w.value[$0] = $1 }, loss: { p.loss(layer) }))
    }
    checks.append(("h0", g.dh0, centralDifferences(count: p.h0.count, get: { p.h0[$0] }, set: { p.h0[$0] = $1 }, loss: { p.loss(layer) })))
    if layer.hasCellState {
        checks.append(("c0", g.dc0, centralDifferences(count: p.c0.count, get: { p.c0[$0] }, set: { p.c0[$0] = $1 }, loss: { p.loss(layer) })))
    }
    checks.append(("x", g.dx, centralDifferences(count: p.x.count, get: { p.x[$0] }, set: { p.x[$0] = $1 }, loss: { p.loss(layer) })))
    var worst = 0.0
    for (name, analytic, numeric) in checks {
        let e = gradientError(analytic, numeric)
        worst = max(worst, e)
        #expect(e < finiteDifferenceTolerance, "\(what): ∂L/∂\(name) is off by \(e)", sourceLocation: sourceLocation)
    }
    return worst
}

/// The smallest `|a|` over every pre-activation `a = x_t W_ihᵀ + b_ih + h_{t-1} W_hhᵀ + b_hh` of
/// an Elman layer's forward pass on `p`: how far the pass is from a kink of relu.
private func smallestPreactivation(_ layer: Reference.ElmanLayer, _ p: GradientProblem) -> Double {
    let B = p.batch, H = layer.hiddenSize, states = p.trace(layer).states
    let Wih = Matrix(layer.weightIH), Whh = Matrix(layer.weightHH)
    let bih = Matrix(bias: layer.biasIH, count: H), bhh = Matrix(bias: layer.biasHH, count: H)
    var smallest = Double.infinity
    for (t, xt) in SequenceInput.dense(p.x).steps(p.steps, batch: B, inputSize: layer.inputSize).enumerated() {
        let hPrev = Matrix(rows: B, columns: H, values: Array(states[(t * B * H)..<((t + 1) * B * H)]))
        let a = xt * Wih.transposed + bih + hPrev * Whh.transposed + bhh
        smallest = min(smallest, a.values.map(abs).min() ?? .infinity)
    }
    return smallest
}

/// `T = 1` and `T = 4`, `B = 1` and `B = 3`, with input and hidden sizes that are not multiples of 4.
private let finiteDifferenceShapes: [(T: Int, B: Int, I: Int, H: Int)] = [(1, 1, 3, 5), (1, 3, 5, 7), (4, 1, 7, 3), (4, 3, 5, 6)]

@Suite struct FiniteDifference {
    @Test(arguments: [Reference.ElmanLayer.Activation.tanh, .relu], [true, false])
    func elman(activation: Reference.ElmanLayer.Activation, bias: Bool) throws {
        var rng = SeededRandom(seed: 21)
        for (T, B, I, H) in finiteDifferenceShapes {
            let layer = Reference.ElmanLayer("rnn", inputSize: I, hiddenSize: H, activation: activation, bias: bias, rng: &rng)
            var p = GradientProblem(layer, steps: T, batch: B, rng: &rng)
            // relu has a kink at 0, where no difference quotient converges: draw the inputs again
            // until every pre-activation is at least 1e-4 from it, a hundred times what the moves
            // of ±ε can shift a pre-activation by
            if activation == .relu {
                for _ in 0..<20 where smallestPreactivation(layer, p) < 1e-4 { p = GradientProblem(layer, steps: T, batch: B, rng: &rng) }
                try #require(smallestPreactivation(layer, p) >= 1e-4, "no draw of the inputs away from relu's kink")
            }
            checkGradients(layer, p, "Elman \(activation) bias \(bias) T \(T) B \(B) I \(I) H \(H)")
        }
    }

    @Test(arguments: [true, false])
    func lstm(bias: Bool) {
        var rng = SeededRandom(seed: 22)
        for (T, B, I, H) in finiteDifferenceShapes {
            let layer = Reference.LSTMLayer("lstm", inputSize: I, hiddenSize: H, bias: bias, rng: &rng)
            checkGradients(layer, GradientProblem(layer, steps: T, batch: B, rng: &rng), "LSTM bias \(bias) T \(T) B \(B) I \(I) H \(H)")
        }
    }

    @Test(arguments: [true, false])
    func gru(bias: Bool) {
        var rng = SeededRandom(seed: 23)
        for (T, B, I, H) in finiteDifferenceShapes {
            let layer = Reference.GRULayer("gru", inputSize: I, hiddenSize: H, bias: bias, rng: &rng)
            checkGradients(layer, GradientProblem(layer, steps: T, batch: B, rng: &rng), "GRU bias \(bias) T \(T) B \(B) I \(I) H \(H)")
        }
    }
}
