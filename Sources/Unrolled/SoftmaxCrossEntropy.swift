import Foundation

/// Log-softmax and the negative log-likelihood loss, on rows of logits `z [B, C]`.
public enum SoftmaxCrossEntropy {
    /// `log softmax(z)_c = z_c - log Σ_j exp(z_j)`, computed as `z_c - m - log Σ_j exp(z_j - m)`
    /// with `m = max_j z_j` so that no exponential overflows. Shapes: `z [B, C]` → `[B, C]`.
    public static func logSoftmax(_ z: [Double], classes: Int) -> [Double] {
        var out = z
        for row in stride(from: 0, to: z.count, by: classes) {
            var m = -Double.infinity
            for c in 0..<classes { m = max(m, z[row + c]) }
            var s = 0.0
            for c in 0..<classes { s += exp(z[row + c] - m) }
            let logSum = m + log(s)
            for c in 0..<classes { out[row + c] = z[row + c] - logSum }
        }
        return out
    }

    /// The mean negative log-likelihood `L = (1/Σ w) Σ_b w_b · (-logp[b, y_b])` and its gradient
    /// with respect to the logits, `∂L/∂z[b, c] = w_b (softmax(z_b)_c - [c = y_b]) / Σ w`.
    ///
    /// `weights` gives each row's weight `w_b` (1 for every row when `nil`): with
    /// `w_b = classWeight[y_b]` this is PyTorch's `CrossEntropyLoss(weight:)`.
    public static func loss(
        logProbabilities logp: [Double], targets: [Int], classes: Int, weights: [Double]? = nil
    ) -> (loss: Double, dLogits: [Double]) {
        var total = 0.0, weightSum = 0.0
        for (b, y) in targets.enumerated() {
            let w = weights?[b] ?? 1
            total += w * -logp[b * classes + y]
            weightSum += w
        }
        var dz = [Double](repeating: 0, count: logp.count)
        for (b, y) in targets.enumerated() {
            let w = (weights?[b] ?? 1) / weightSum
            // through log-softmax and the pick of the target: softmax minus the one-hot target
            for c in 0..<classes { dz[b * classes + c] = w * exp(logp[b * classes + c]) }
            dz[b * classes + y] -= w
        }
        return (total / weightSum, dz)
    }

    /// The mean cross-entropy over the listed rows of `logits [N, C]` only, each with its target
    /// (steps that have an answer, say); the other rows get no gradient. Returns the loss and
    /// `∂L/∂logits [N, C]`.
    public static func loss(logits: [Double], rows: [Int], targets: [Int], classes C: Int) -> (loss: Double, dLogits: [Double]) {
        var picked = [Double](repeating: 0, count: rows.count * C)
        for (n, r) in rows.enumerated() { for c in 0..<C { picked[n * C + c] = logits[r * C + c] } }
        let (loss, dPicked) = loss(logProbabilities: logSoftmax(picked, classes: C), targets: targets, classes: C)
        var dLogits = [Double](repeating: 0, count: logits.count)
        for (n, r) in rows.enumerated() { for c in 0..<C { dLogits[r * C + c] = dPicked[n * C + c] } }
        return (loss, dLogits)
    }
}

extension SoftmaxCrossEntropy {
    /// The mean cross-entropy of rows of logits `z [N, C]` against `targets`, computed in place:
    /// on return `z` holds `∂L/∂z = (softmax(z_n) - onehot(y_n)) / N`. One pass of vector
    /// exponentials (`VectorMath.exp`) per row instead of two passes of library calls, which
    /// matters when `C` is a vocabulary of thousands of words. Sums over a row run in four lanes
    /// (`c mod 4`) combined as `(s0 + s1) + (s2 + s3)`, then the tail: a fixed order.
    public static func meanLoss(_ z: inout [Double], targets: [Int], classes C: Int) -> Double {
        let N = targets.count, C4 = C & ~3
        var total = 0.0
        z.withUnsafeMutableBufferPointer { z in
            for n in 0..<N {
                let row = z.baseAddress! + n * C
                var mv = SIMD4<Double>(repeating: -.infinity)
                var c = 0
                while c < C4 { mv = pointwiseMax(mv, MatrixProduct.load4(UnsafePointer(row + c))); c += 4 }
                var m = mv.max()
                while c < C { m = max(m, row[c]); c += 1 }
                let y = targets[n], zy = row[y] - m
                let m8 = SIMD8<Double>(repeating: m)
                var sv = SIMD4<Double>()
                c = 0
                // exponentials eight at a time, summed four at a time in class order
                while c + 8 <= C4 {
                    let e = VectorMath.exp(MatrixProduct.load8(UnsafePointer(row + c)) - m8)
                    MatrixProduct.store8(e, row + c)
                    sv += e.lowHalf
                    sv += e.highHalf
                    c += 8
                }
                if c < C4 {
                    let e = VectorMath.exp(SIMD8(lowHalf: MatrixProduct.load4(UnsafePointer(row + c)), highHalf: .zero) - m8).lowHalf
                    MatrixProduct.store4(e, row + c)
                    sv += e
                    c += 4
                }
                var s = (sv[0] + sv[1]) + (sv[2] + sv[3])
                while c < C {
                    let e = VectorMath.exp(SIMD8<Double>(repeating: row[c] - m))[0]
                    row[c] = e; s += e; c += 1
                }
                total += log(s) - zy                       // -log p_y = log Σ exp(z - m) - (z_y - m)
                let scale = 1 / (s * Double(N))
                c = 0
                while c < C4 { MatrixProduct.store4(MatrixProduct.load4(UnsafePointer(row + c)) * scale, row + c); c += 4 }
                while c < C { row[c] *= scale; c += 1 }    // through log-softmax: softmax / N ...
                row[y] -= 1 / Double(N)                    // ... minus the one-hot target / N
            }
        }
        return total / Double(N)
    }
}
