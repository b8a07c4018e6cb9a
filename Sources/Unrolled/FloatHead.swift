import Foundation

/// The output layer `logits = h Wᵀ + b` (`W [V, H]`) of a model that trains in `Float`, fused
/// with its softmax cross-entropy: 98 % of a word model's arithmetic is here. The products run
/// on the layer's own `Float` parameters and accumulate into their gradients; the loss is summed
/// in `Double` (`meanLoss`). The same layer in `Double` is `Linear` with
/// `SoftmaxCrossEntropy`, whose backward passes are checked against finite differences;
/// `FloatHeadTests` checks that this one agrees with them to `Float` precision.
public final class FloatHead {
    public let linear: Linear<Float>

    public init(_ linear: Linear<Float>) { self.linear = linear }

    public var vocabulary: Int { linear.outputSize }

    // snippet.float-head
    /// The mean cross-entropy of the logits of `h [N, H]` against `targets`; accumulates
    /// `∂L/∂W`, `∂L/∂b` and returns the loss and `∂L/∂h [N, H]`.
    public func lossAndBackward(_ h: [Float], targets: [Int]) -> (loss: Double, dh: [Float]) {
        let N = targets.count, H = linear.inputSize, V = vocabulary
        let w = linear.weight.value
        // logits [N, V] = b + h Wᵀ
        var z = broadcastRows(linear.bias?.value, rows: N, n: V)
        MatrixProduct.addProductTransposedB(m: N, n: V, k: H, a: h, lda: H, b: w, ldb: H,
                                            c: &z, ldc: V)
        let loss = Self.meanLoss(&z, targets: targets, classes: V)  // z ← ∂L/∂logits
        // through h Wᵀ, for W: dW += dzᵀ h
        MatrixProduct.addProductTransposedA(m: V, n: H, k: N, a: z, lda: V, b: h, ldb: H,
                                            c: &linear.weight.grad, ldc: H)
        addRowSums(z, rows: N, to: [linear.bias])                   // through + b: Σ_n dz
        var dh = [Float](repeating: 0, count: N * H)                // ... for h: dz W
        MatrixProduct.addProduct(m: N, n: H, k: V, a: z, lda: V, b: w, ldb: H, c: &dh, ldc: H)
        return (loss, dh)
    }
    // snippet.end

    /// `SoftmaxCrossEntropy.meanLoss` on `Float` logits: the exponentials in `Float`
    /// (`VectorMath.exp`, eight classes at a time), their sum and the loss in `Double`. For each
    /// row: the largest logit `m`; `e = exp(z − m)` stored in place, eight classes at a time, the
    /// low and high four lanes added (as `Double`) to two vectors of partial sums combined as
    /// `((l0 + l1) + (l2 + l3)) + ((h0 + h1) + (h2 + h3))`; the remaining classes one by one;
    /// then `e / (s N)`, and `1 / N` off the target.
    public static func meanLoss(_ z: inout [Float], targets: [Int], classes C: Int) -> Double {
        let N = targets.count, C8 = C & ~7
        var total = 0.0
        z.withUnsafeMutableBufferPointer { z in
            for n in 0..<N {
                let row = z.baseAddress! + n * C
                // the largest logit: eight lanes at a time (a maximum does not depend on order)
                var lanes = SIMD8<Float>(repeating: -.infinity)
                var c = 0
                while c < C8 { let x = Float.load(row + c); lanes.replace(with: x, where: x .> lanes); c += 8 }
                var m = lanes.max()
                while c < C { m = max(m, row[c]); c += 1 }
                let y = targets[n], zy = Double(row[y] - m)
                let mv = SIMD8<Float>(repeating: m)
                Self.exponentials(row, count: C8, minus: mv)
                var low = SIMD4<Double>(), high = SIMD4<Double>()
                c = 0
                while c < C8 {                                  // the row is still in cache
                    low += SIMD4<Double>(UnsafeRawPointer(row + c).loadUnaligned(as: SIMD4<Float>.self))
                    high += SIMD4<Double>(UnsafeRawPointer(row + c + 4).loadUnaligned(as: SIMD4<Float>.self))
                    c += 8
                }
                var s = ((low[0] + low[1]) + (low[2] + low[3])) + ((high[0] + high[1]) + (high[2] + high[3]))
                while c < C {
                    let e = VectorMath.exp(SIMD8<Float>(repeating: row[c] - m))[0]
                    row[c] = e; s += Double(e); c += 1
                }
                total += log(s) - zy                            // -log p_y = log Σ exp(z - m) - (z_y - m)
                let scale = Float(1 / (s * Double(N)))
                let sv = SIMD8<Float>(repeating: scale)
                c = 0
                while c < C8 { Float.store(Float.load(row + c) * sv, row + c); c += 8 }
                while c < C { row[c] *= scale; c += 1 }         // through log-softmax: softmax / N ...
                row[y] -= Float(1 / Double(N))                  // ... minus the one-hot target / N
            }
        }
        return total / Double(N)
    }

    /// `p[c] ← exp(p[c] − m)` for `c < count` (a multiple of 8), eight at a time. A loop of its
    /// own, so that the compiler keeps the eight lanes in one vector register throughout.
    @inline(never)
    static func exponentials(_ p: UnsafeMutablePointer<Float>, count: Int, minus m: SIMD8<Float>) {
        var c = 0
        while c < count { Float.store(VectorMath.exp(Float.load(p + c) - m), p + c); c += 8 }
    }
}
