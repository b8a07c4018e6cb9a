import Foundation
import Unrolled

/// Andrej Karpathy's min-char-rnn, step for step: raw characters, an Elman cell with one bias,
///
///     h_t = tanh(W_xh x_t + W_hh h_{t-1} + b_h),   y_t = W_hy h_t + b_y,   p_t = softmax(y_t),
///
/// the loss summed (not averaged) over 25 steps, each gradient clipped to [-5, 5] entry by entry
/// (in the training loop), Adagrad at 0.1 with the epsilon inside the root, and the hidden state carried from one chunk
/// of 25 characters to the next (reset to zeros at the start of each pass over the text).
/// Shapes: `W_xh [H, V]`, `W_hh [H, H]`, `W_hy [V, H]`; a chunk's states `[T + 1, H]`.
final class MinCharRNN {
    /// min-char-rnn computes in `Double`, as the original's numpy arrays (float64) do, unlike the
    /// chapter's other models.
    typealias Parameter = Unrolled.Parameter<Double>
    let H: Int, V: Int
    let wxh: Parameter, whh: Parameter, why: Parameter, bh: Parameter, by: Parameter
    var parameters: [Parameter] { [wxh, whh, why, bh, by] }

    init(vocabulary V: Int, hidden H: Int, rng: inout SeededRandom) {
        self.H = H; self.V = V
        func small(_ name: String, _ shape: [Int]) -> Parameter {
            Parameter(name, shape: shape, value: (0..<shape.reduce(1, *)).map { _ in rng.normal() * 0.01 })
        }
        wxh = small("Wxh", [H, V]); whh = small("Whh", [H, H]); why = small("Why", [V, H])
        bh = Parameter("bh", shape: [H], value: [Double](repeating: 0, count: H))
        by = Parameter("by", shape: [V], value: [Double](repeating: 0, count: V))
    }

    /// The loss of one chunk, `Σ_t -log p_t[targets[t]]`; accumulates every gradient and returns
    /// the last hidden state, which the next chunk starts from.
    func lossAndGradients(inputs: [Int], targets: [Int], hprev: [Double]) -> (loss: Double, hLast: [Double]) {
        let T = inputs.count
        var hs = [Double](repeating: 0, count: (T + 1) * H)            // [h_0 = hprev, h_1, ..., h_T]
        for j in 0..<H { hs[j] = hprev[j] }
        let (Wxh, bH, bY) = (wxh.value, bh.value, by.value)
        // forward, one step at a time: h_t = tanh(W_xh x_t + W_hh h_{t-1} + b_h), built in place
        whh.value.withUnsafeBufferPointer { w in hs.withUnsafeMutableBufferPointer { hs in
            for t in 0..<T {
                let hPrev = hs.baseAddress! + t * H, h = hPrev + H
                for j in 0..<H { h[j] = Wxh[j * V + inputs[t]] + bH[j] }  // W_xh x_t: a column, x_t is one-hot
                MatrixProduct.addProductTransposedB(m: 1, n: H, k: H, a: hPrev, lda: H, b: w.baseAddress!, ldb: H,
                                                    c: h, ldc: H)               // + W_hh h_{t-1}
                VectorMath.tanh(h, count: H)
            }
        } }
        // every step's scores at once: y = h W_hyᵀ + b_y, [T, V]; then p = softmax(y)
        var y = [Double](repeating: 0, count: T * V)
        for t in 0..<T { for v in 0..<V { y[t * V + v] = bY[v] } }
        hs.withUnsafeBufferPointer { h in why.value.withUnsafeBufferPointer { w in
            MatrixProduct.addProductTransposedB(m: T, n: V, k: H, a: h.baseAddress! + H, lda: H, b: w.baseAddress!, ldb: H,
                                                c: &y, ldc: V)
        } }
        let logp = SoftmaxCrossEntropy.logSoftmax(y, classes: V)
        var loss = 0.0
        for t in 0..<T { loss -= logp[t * V + targets[t]] }

        // backward
        var dy = logp.map(exp)                                          // through softmax and -log p: p - onehot
        for t in 0..<T { dy[t * V + targets[t]] -= 1 }
        dy.withUnsafeBufferPointer { d in hs.withUnsafeBufferPointer { h in why.grad.withUnsafeMutableBufferPointer { g in
            // through y = W_hy h + b_y, to W_hy: Σ_t dy_t h_tᵀ
            MatrixProduct.addProductTransposedA(m: V, n: H, k: T, a: d.baseAddress!, lda: V, b: h.baseAddress! + H, ldb: H,
                                                c: g.baseAddress!, ldc: H)
        } } }
        var dby = [Double](repeating: 0, count: V)
        for t in 0..<T { for v in 0..<V { dby[v] += dy[t * V + v] } }       // ... to b_y: Σ_t dy_t
        by.add(gradient: dby)
        var dhFromY = [Double](repeating: 0, count: T * H)             // ... to h_t: W_hyᵀ dy_t, every t at once
        dy.withUnsafeBufferPointer { d in why.value.withUnsafeBufferPointer { w in
            MatrixProduct.addProduct(m: T, n: H, k: V, a: d.baseAddress!, lda: V, b: w.baseAddress!, ldb: H, c: &dhFromY, ldc: H)
        } }
        var dhraw = [Double](repeating: 0, count: T * H)               // ∂L/∂a_t, kept for W_hh below
        var dhnext = [Double](repeating: 0, count: H)                  // ∂L/∂h_t through h_{t+1}
        dhraw.withUnsafeMutableBufferPointer { dhraw in dhnext.withUnsafeMutableBufferPointer { dhnext in
            whh.value.withUnsafeBufferPointer { w in
                for t in stride(from: T - 1, through: 0, by: -1) {
                    for j in 0..<H {
                        let h = hs[(t + 1) * H + j]
                        let dh = dhFromY[t * H + j] + dhnext[j]        // both paths into h_t: y_t and h_{t+1}
                        dhraw[t * H + j] = (1 - h * h) * dh            // through tanh: 1 - h_t²
                    }
                    for j in 0..<H { dhnext[j] = 0 }                   // through W_hh h_{t-1}, to h_{t-1}: W_hhᵀ da_t
                    MatrixProduct.addProduct(m: 1, n: H, k: H, a: dhraw.baseAddress! + t * H, lda: H, b: w.baseAddress!,
                                             ldb: H, c: dhnext.baseAddress!, ldc: H)
                }
            }
        } }
        var dbh = [Double](repeating: 0, count: H), dwxh = [Double](repeating: 0, count: H * V)
        dbh.withUnsafeMutableBufferPointer { dbh in dwxh.withUnsafeMutableBufferPointer { dwxh in
            for t in stride(from: T - 1, through: 0, by: -1) {         // in the same order, t = T-1 down to 0:
                for j in 0..<H {
                    dbh[j] += dhraw[t * H + j]                         // through + b_h
                    dwxh[j * V + inputs[t]] += dhraw[t * H + j]        // through W_xh x_t: one column
                }
            }
        } }
        bh.add(gradient: dbh)
        wxh.add(gradient: dwxh)
        dhraw.withUnsafeBufferPointer { d in hs.withUnsafeBufferPointer { h in whh.grad.withUnsafeMutableBufferPointer { g in
            // ... and to W_hh: Σ_t da_t h_{t-1}ᵀ
            MatrixProduct.addProductTransposedA(m: H, n: H, k: T, a: d.baseAddress!, lda: H, b: h.baseAddress!, ldb: H,
                                                c: g.baseAddress!, ldc: H)
        } } }
        return (loss, Array(hs[(T * H)...]))
    }

    /// `count` characters drawn one at a time from `softmax(y / temperature)`, starting from
    /// state `h` and the symbol `seed`.
    func sample(seed: Int, h start: [Double], count: Int, temperature: Double, rng: inout SeededRandom) -> [Int] {
        var h = start, x = seed, out: [Int] = []
        for _ in 0..<count {
            var a = [Double](repeating: 0, count: H)
            for j in 0..<H {
                var s = wxh.value[j * V + x] + bh.value[j]
                for k in 0..<H { s += whh.value[j * H + k] * h[k] }
                a[j] = s
            }
            a.withUnsafeMutableBufferPointer { VectorMath.tanh($0.baseAddress!, count: H) }
            h = a
            var y = [Double](repeating: 0, count: V)
            for v in 0..<V {
                var s = by.value[v]
                for k in 0..<H { s += why.value[v * H + k] * h[k] }
                y[v] = s / temperature
            }
            let p = SoftmaxCrossEntropy.logSoftmax(y, classes: V).map(exp)
            var u = rng.uniform()
            x = V - 1
            for (i, q) in p.enumerated() { u -= q; if u < 0 { x = i; break } }
            out.append(x)
        }
        return out
    }
}
