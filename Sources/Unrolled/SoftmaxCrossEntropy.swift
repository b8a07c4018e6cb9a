import Foundation

/// Log-softmax and the negative log-likelihood loss, on rows of logits `z [B, C]`.
public enum SoftmaxCrossEntropy {
    /// `log softmax(z)_c = z_c - log Σ_j exp(z_j)`, computed as `z_c - m - log Σ_j exp(z_j - m)`
    /// with `m = max_j z_j` so that no exponential overflows. Shapes: `z [B, C]` → `[B, C]`.
    @_specialize(where S == Double)
    @_specialize(where S == Float)
    public static func logSoftmax<S: Real>(_ z: [S], classes: Int) -> [S] {
        var out = z
        for row in stride(from: 0, to: z.count, by: classes) {
            var m = -S.infinity
            for c in 0..<classes { m = max(m, z[row + c]) }
            var s: S = 0
            for c in 0..<classes { s += S.exp(z[row + c] - m) }
            let logSum = m + S.log(s)
            for c in 0..<classes { out[row + c] = z[row + c] - logSum }
        }
        return out
    }

    /// The mean negative log-likelihood `L = (1/Σ w) Σ_b w_b · (-logp[b, y_b])` and its gradient
    /// with respect to the logits, `∂L/∂z[b, c] = w_b (softmax(z_b)_c - [c = y_b]) / Σ w`.
    ///
    /// `weights` gives each row's weight `w_b` (1 for every row when `nil`): with
    /// `w_b = classWeight[y_b]` this is PyTorch's `CrossEntropyLoss(weight:)`.
    @_specialize(where S == Double)
    @_specialize(where S == Float)
    public static func loss<S: Real>(
        logProbabilities logp: [S], targets: [Int], classes: Int, weights: [S]? = nil
    ) -> (loss: S, dLogits: [S]) {
        var total: S = 0, weightSum: S = 0
        for (b, y) in targets.enumerated() {
            let w = weights?[b] ?? 1
            total += w * -logp[b * classes + y]
            weightSum += w
        }
        var dz = [S](repeating: 0, count: logp.count)
        for (b, y) in targets.enumerated() {
            let w = (weights?[b] ?? 1) / weightSum
            // through log-softmax and the pick of the target: softmax minus the one-hot target
            for c in 0..<classes { dz[b * classes + c] = w * S.exp(logp[b * classes + c]) }
            dz[b * classes + y] -= w
        }
        return (total / weightSum, dz)
    }

    /// The mean cross-entropy over the listed rows of `logits [N, C]` only, each with its target
    /// (steps that have an answer, say); the other rows get no gradient. Returns the loss and
    /// `∂L/∂logits [N, C]`.
    @_specialize(where S == Double)
    @_specialize(where S == Float)
    public static func loss<S: Real>(logits: [S], rows: [Int], targets: [Int], classes C: Int) -> (loss: S, dLogits: [S]) {
        var picked = [S](repeating: 0, count: rows.count * C)
        for (n, r) in rows.enumerated() { for c in 0..<C { picked[n * C + c] = logits[r * C + c] } }
        let (loss, dPicked) = loss(logProbabilities: logSoftmax(picked, classes: C), targets: targets, classes: C)
        var dLogits = [S](repeating: 0, count: logits.count)
        for (n, r) in rows.enumerated() { for c in 0..<C { dLogits[r * C + c] = dPicked[n * C + c] } }
        return (loss, dLogits)
    }
}

extension SoftmaxCrossEntropy {
    /// The mean cross-entropy of rows of logits `z [N, C]` against `targets`, computed in place:
    /// on return `z` holds `∂L/∂z = (softmax(z_n) - onehot(y_n)) / N`. One pass of vector
    /// exponentials (`VectorMath.exp`) per row instead of two passes of library calls, which
    /// matters when `C` is a vocabulary of thousands of words. Sums over a row run in `L` lanes
    /// (`c mod L`) added neighbours first (`Real.pairwiseSum`), then the tail: a fixed order.
    @_specialize(where S == Double)
    @_specialize(where S == Float)
    public static func meanLoss<S: Real>(_ z: inout [S], targets: [Int], classes C: Int) -> S {
        let N = targets.count, L = S.lanes, CL = C - C % L
        var total: S = 0
        z.withUnsafeMutableBufferPointer { z in
            for n in 0..<N {
                let row = z.baseAddress! + n * C
                var mv = S.Vector(repeating: -.infinity)
                var c = 0
                while c < CL { mv = pointwiseMax(mv, S.load(row + c)); c += L }
                var m = mv.max()
                while c < C { m = max(m, row[c]); c += 1 }
                let y = targets[n], zy = row[y] - m
                let m8 = SIMD8<S>(repeating: m)
                var sv = S.Vector()
                c = 0
                // exponentials eight at a time, summed a vector at a time in class order
                while c + 8 <= CL {
                    let e = S.exp(UnsafeRawPointer(row + c).loadUnaligned(as: SIMD8<S>.self) - m8)
                    UnsafeMutableRawPointer(row + c).storeBytes(of: e, as: SIMD8<S>.self)
                    var j = 0
                    while j < 8 { sv += S.load(row + c + j); j += L }
                    c += 8
                }
                if c < CL {                                 // one vector of four Doubles left
                    var x = SIMD8<S>(repeating: 0)
                    for l in 0..<L { x[l] = row[c + l] }
                    let e = S.exp(x - m8)
                    for l in 0..<L { row[c + l] = e[l] }
                    sv += S.load(row + c)
                    c += L
                }
                var s = S.pairwiseSum(sv)
                while c < C {                               // the last C mod L, eight at a time
                    let k = min(8, C - c)
                    var x = SIMD8<S>(repeating: 0)
                    for l in 0..<k { x[l] = row[c + l] - m }
                    let e = S.exp(x)
                    for l in 0..<k { row[c + l] = e[l]; s += e[l] }
                    c += k
                }
                total += S.log(s) - zy                      // -log p_y = log Σ exp(z - m) - (z_y - m)
                let scale = 1 / (s * S(N))
                c = 0
                while c < CL { S.store(S.load(row + c) * scale, row + c); c += L }
                while c < C { row[c] *= scale; c += 1 }    // through log-softmax: softmax / N ...
                row[y] -= 1 / S(N)                         // ... minus the one-hot target / N
            }
        }
        return total / S(N)
    }

    /// As `loss(logits:rows:targets:classes:)`, the listed rows only, through `meanLoss`: one
    /// pass of vector exponentials per row in place of library calls, which matters when the
    /// rest of a step is small. Returns the loss and `∂L/∂logits [N, C]` (zero off the rows).
    @_specialize(where S == Double)
    @_specialize(where S == Float)
    public static func meanLoss<S: Real>(logits: [S], rows: [Int], targets: [Int], classes C: Int) -> (loss: S, dLogits: [S]) {
        var picked = [S](repeating: 0, count: rows.count * C)
        for (n, r) in rows.enumerated() { for c in 0..<C { picked[n * C + c] = logits[r * C + c] } }
        let loss = meanLoss(&picked, targets: targets, classes: C)   // picked ← ∂L/∂picked
        var dLogits = [S](repeating: 0, count: logits.count)
        for (n, r) in rows.enumerated() { for c in 0..<C { dLogits[r * C + c] = picked[n * C + c] } }
        return (loss, dLogits)
    }
}
