import Foundation

/// The output layer `logits = h Wᵀ + b` (`W [V, H]`) and its softmax cross-entropy, computed in
/// `Float`: 98 % of a training step's arithmetic is here, and `Float` halves its cost. The
/// parameters stay in `Double` (the optimizer updates them there); each step reads a `Float` copy,
/// and the gradients come back as `Double`. The same layer in `Double` is `Linear`, whose backward
/// pass is checked against finite differences; `FloatHeadTests` checks that this one agrees with
/// it to `Float` precision.
public final class FloatHead {
    public let linear: Linear<Double>
    private var w32: [Float] = [], b32: [Float] = []

    public init(_ linear: Linear<Double>) { self.linear = linear }

    public var vocabulary: Int { linear.outputSize }

    /// Copies the parameters to `Float`; call after every optimizer step.
    public func refresh() {
        Self.round(linear.weight.value, into: &w32)
        Self.round(linear.bias?.value ?? [], into: &b32)
    }

    /// `y ← Float(x)`, entry by entry, into `y`'s own storage once it has the right size.
    static func round(_ x: [Double], into y: inout [Float]) {
        if y.count != x.count { y = [Float](repeating: 0, count: x.count) }
        x.withUnsafeBufferPointer { x in y.withUnsafeMutableBufferPointer { y in for i in x.indices { y[i] = Float(x[i]) } } }
    }

    // snippet.float-head
    /// The mean cross-entropy of the logits of `h [N, H]` against `targets`; accumulates
    /// `∂L/∂W`, `∂L/∂b` into the `Double` gradients and returns the loss and `∂L/∂h [N, H]`.
    public func lossAndBackward(_ h: [Double], targets: [Int]) -> (loss: Double, dh: [Double]) {
        if w32.count != linear.weight.count { refresh() }
        let N = targets.count, H = linear.inputSize, V = vocabulary
        let h32 = h.map(Float.init)
        let bias = b32.count == V ? b32 : [Float](repeating: 0, count: V)
        // logits [N, V] = b + h Wᵀ
        var z = [Float](unsafeUninitializedCapacity: N * V) { z, count in
            for n in 0..<N { for v in 0..<V { z[n * V + v] = bias[v] } }
            count = N * V
        }
        MatrixProduct.addProductTransposedB(m: N, n: V, k: H, a: h32, lda: H, b: w32, ldb: H,
                                            c: &z, ldc: V)
        let loss = Self.meanLoss(&z, targets: targets, classes: V)  // z ← ∂L/∂logits
        var dW = [Float](repeating: 0, count: V * H)                // through h Wᵀ, for W: dzᵀ h
        MatrixProduct.addProductTransposedA(m: V, n: H, k: N, a: z, lda: V, b: h32, ldb: H,
                                            c: &dW, ldc: H)
        linear.weight.grad.withUnsafeMutableBufferPointer { g in
            for i in 0..<(V * H) { g[i] += Double(dW[i]) }
        }
        if let bias = linear.bias {                                 // through + b: Σ_n dz
            z.withUnsafeBufferPointer { z in bias.grad.withUnsafeMutableBufferPointer { g in
                let g = g.baseAddress!, V4 = V & ~3
                var n0 = 0
                while n0 < N {                                      // ascending n for every v,
                    let rows = n0..<min(n0 + 8, N)                  // eight rows per load of g
                    var v = 0
                    while v < V4 {
                        var sum = UnsafeRawPointer(g + v).loadUnaligned(as: SIMD4<Double>.self)
                        for n in rows {
                            sum += SIMD4<Double>(UnsafeRawPointer(z.baseAddress! + n * V + v)
                                .loadUnaligned(as: SIMD4<Float>.self))
                        }
                        UnsafeMutableRawPointer(g + v).storeBytes(of: sum, as: SIMD4<Double>.self)
                        v += 4
                    }
                    while v < V { for n in rows { g[v] += Double(z[n * V + v]) }; v += 1 }
                    n0 = rows.upperBound
                }
            } }
        }
        var dh32 = [Float](repeating: 0, count: N * H)              // ... for h: dz W
        MatrixProduct.addProduct(m: N, n: H, k: V, a: z, lda: V, b: w32, ldb: H, c: &dh32, ldc: H)
        return (loss, dh32.map(Double.init))
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
