import Foundation

/// The output layer `logits = h Wᵀ + b` (`W [V, H]`) and its softmax cross-entropy, computed in
/// `Float`: 98 % of a training step's arithmetic is here, and `Float` halves its cost. The
/// parameters stay in `Double` (the optimizer updates them there); each step reads a `Float` copy,
/// and the gradients come back as `Double`. The same layer in `Double` is `Linear`, whose backward
/// pass is checked against finite differences; `FloatHeadTests` checks that this one agrees with
/// it to `Float` precision.
public final class FloatHead {
    public let linear: Linear
    private var w32: [Float] = [], b32: [Float] = []

    public init(_ linear: Linear) { self.linear = linear }

    public var vocabulary: Int { linear.outputSize }

    /// Copies the parameters to `Float`; call after every optimizer step.
    public func refresh() {
        w32 = linear.weight.value.map(Float.init)
        b32 = (linear.bias?.value ?? []).map(Float.init)
    }

    // snippet.float-head
    /// The mean cross-entropy of the logits of `h [N, H]` against `targets`; accumulates
    /// `∂L/∂W`, `∂L/∂b` into the `Double` gradients and returns the loss and `∂L/∂h [N, H]`.
    public func lossAndBackward(_ h: [Double], targets: [Int]) -> (loss: Double, dh: [Double]) {
        if w32.count != linear.weight.count { refresh() }
        let N = targets.count, H = linear.inputSize, V = vocabulary
        let h32 = h.map(Float.init)
        var z = [Float](repeating: 0, count: N * V)                     // logits [N, V] = b + h Wᵀ
        z.withUnsafeMutableBufferPointer { z in b32.withUnsafeBufferPointer { b in
            for n in 0..<N { (z.baseAddress! + n * V).update(from: b.baseAddress!, count: V) }
        } }
        FloatProduct.addProductTransposedB(m: N, n: V, k: H, a: h32, lda: H, b: w32, ldb: H, c: &z, ldc: V)
        let loss = Self.meanLoss(&z, targets: targets, classes: V)       // z ← ∂L/∂logits
        var dW = [Float](repeating: 0, count: V * H)                    // through h Wᵀ, for W: dzᵀ h
        FloatProduct.addProductTransposedA(m: V, n: H, k: N, a: z, lda: V, b: h32, ldb: H, c: &dW, ldc: H)
        linear.weight.grad.withUnsafeMutableBufferPointer { g in for i in 0..<(V * H) { g[i] += Double(dW[i]) } }
        if let bias = linear.bias {                                     // through + b: Σ_n dz
            z.withUnsafeBufferPointer { z in bias.grad.withUnsafeMutableBufferPointer { g in
                let g = g.baseAddress!, V4 = V & ~3
                for n in 0..<N {                                        // ascending n for every v
                    let row = z.baseAddress! + n * V
                    var v = 0
                    while v < V4 {
                        let sum = UnsafeRawPointer(g + v).loadUnaligned(as: SIMD4<Double>.self)
                            + SIMD4<Double>(UnsafeRawPointer(row + v).loadUnaligned(as: SIMD4<Float>.self))
                        UnsafeMutableRawPointer(g + v).storeBytes(of: sum, as: SIMD4<Double>.self)
                        v += 4
                    }
                    while v < V { g[v] += Double(row[v]); v += 1 }
                }
            } }
        }
        var dh32 = [Float](repeating: 0, count: N * H)                  // ... for h: dz W
        FloatProduct.addProduct(m: N, n: H, k: V, a: z, lda: V, b: w32, ldb: H, c: &dh32, ldc: H)
        return (loss, dh32.map(Double.init))
    }
    // snippet.end

    /// `SoftmaxCrossEntropy.meanLoss` on `Float` logits: the exponentials in `Double`
    /// (`VectorMath.exp`), the probabilities stored back as `Float`, the loss summed in `Double`.
    public static func meanLoss(_ z: inout [Float], targets: [Int], classes C: Int) -> Double {
        let N = targets.count, C4 = C & ~3, C8 = C & ~7
        var total = 0.0
        z.withUnsafeMutableBufferPointer { z in
            for n in 0..<N {
                let row = z.baseAddress! + n * C
                // the largest logit: eight lanes at a time (a maximum does not depend on order)
                var lanes = SIMD8<Float>(repeating: -.infinity)
                var c = 0
                while c < C8 { let x = FloatProduct.load8(row + c); lanes.replace(with: x, where: x .> lanes); c += 8 }
                var m = lanes.max()
                while c < C { m = max(m, row[c]); c += 1 }
                let y = targets[n], zy = Double(row[y] - m)
                let mv = SIMD4<Double>(repeating: Double(m))
                var sv = SIMD4<Double>()
                // two independent exponentials per pass, added to the lanes in the same order
                c = 0
                while c < C8 {
                    let x = FloatProduct.load8(row + c)
                    let e0 = VectorMath.exp(SIMD4<Double>(x.lowHalf) - mv), e1 = VectorMath.exp(SIMD4<Double>(x.highHalf) - mv)
                    FloatProduct.store8(SIMD8<Float>(lowHalf: SIMD4<Float>(e0), highHalf: SIMD4<Float>(e1)), row + c)
                    sv += e0
                    sv += e1
                    c += 8
                }
                while c < C4 {
                    let x = SIMD4<Double>(Double(row[c]), Double(row[c + 1]), Double(row[c + 2]), Double(row[c + 3]))
                    let e = VectorMath.exp(x - mv)
                    row[c] = Float(e[0]); row[c + 1] = Float(e[1]); row[c + 2] = Float(e[2]); row[c + 3] = Float(e[3])
                    sv += e
                    c += 4
                }
                var s = (sv[0] + sv[1]) + (sv[2] + sv[3])
                while c < C {
                    let e = VectorMath.exp(SIMD4<Double>(repeating: Double(row[c] - m)))[0]
                    row[c] = Float(e); s += e; c += 1
                }
                total += log(s) - zy
                let scale = Float(1 / (s * Double(N)))
                for c in 0..<C { row[c] *= scale }
                row[y] -= Float(1 / Double(N))
            }
        }
        return total / Double(N)
    }
}
