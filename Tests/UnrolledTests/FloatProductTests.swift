import Foundation
import Testing
@testable import Unrolled

@Suite struct FloatProductTests {
    func values(_ n: Int, _ rng: inout SeededRandom) -> [Float] { (0..<n).map { _ in Float(rng.uniform(-1, 1)) } }

    /// `nn` and `tn` in `Float` add in ascending `k`, across the 256-wide blocks too: the bits of
    /// the plain loop.
    @Test func rankOneFormsMatchTheNaiveLoop() {
        for (m, n, k) in [(1, 1, 1), (5, 17, 9), (9, 40, 300), (4, 16, 513), (13, 33, 70)] {
            var rng = SeededRandom(seed: UInt64(m * 100 + n + k))
            let a = values(m * k, &rng), at = values(k * m, &rng), b = values(k * n, &rng), c = values(m * n, &rng)
            var nn = c, tn = c, expectNN = c, expectTN = c
            FloatProduct.addProduct(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: &nn, ldc: n)
            FloatProduct.addProductTransposedA(m: m, n: n, k: k, a: at, lda: m, b: b, ldb: n, c: &tn, ldc: n)
            for i in 0..<m {
                for j in 0..<n {
                    for kk in 0..<k {
                        expectNN[i * n + j] += a[i * k + kk] * b[kk * n + j]
                        expectTN[i * n + j] += at[kk * m + i] * b[kk * n + j]
                    }
                }
            }
            #expect(nn == expectNN, "nn \(m)×\(n)×\(k)")
            #expect(tn == expectTN, "tn \(m)×\(n)×\(k)")
        }
    }

    /// `nt` in `Float` follows its documented order: eight lanes over `k mod 8`, combined
    /// pairwise, then the tail.
    @Test func dotProductFormFollowsItsDocumentedOrder() {
        for (m, n, k) in [(1, 1, 8), (2, 4, 16), (3, 7, 19), (5, 300, 64), (4, 9, 5)] {
            var rng = SeededRandom(seed: UInt64(m * 7 + n * 3 + k))
            let a = values(m * k, &rng), b = values(n * k, &rng), c = values(m * n, &rng)
            var out = c
            FloatProduct.addProductTransposedB(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: k, c: &out, ldc: n)
            let k8 = k & ~7
            for i in 0..<m {
                for j in 0..<n {
                    var l = [Float](repeating: 0, count: 8)
                    for kk in 0..<k8 { l[kk % 8] += a[i * k + kk] * b[j * k + kk] }
                    var s = ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]))
                    for kk in k8..<k { s += a[i * k + kk] * b[j * k + kk] }
                    #expect(out[i * n + j] == c[i * n + j] + s, "\(m)×\(n)×\(k) at (\(i), \(j))")
                }
            }
        }
    }

    /// Large products split across threads give the bits of one thread.
    @Test func threadsDoNotChangeTheBits() {
        let (m, n, k) = (203, 130, 171)
        var rng = SeededRandom(seed: 4)
        let a = values(m * k, &rng), b = values(k * n, &rng), bt = values(n * k, &rng), c = values(m * n, &rng)
        func all(_ threads: Int) -> [[Float]] {
            let saved = MatrixProduct.maxThreads
            MatrixProduct.maxThreads = threads
            defer { MatrixProduct.maxThreads = saved }
            var nn = c, tn = c, nt = c
            FloatProduct.addProduct(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: &nn, ldc: n)
            FloatProduct.addProductTransposedA(m: m, n: n, k: k, a: a, lda: m, b: b, ldb: n, c: &tn, ldc: n)
            FloatProduct.addProductTransposedB(m: m, n: n, k: k, a: a, lda: k, b: bt, ldb: k, c: &nt, ldc: n)
            return [nn, tn, nt]
        }
        #expect(all(2) == all(1))
        #expect(all(3) == all(1))
    }
}

@Suite struct FloatHeadTests {
    /// The `Float` head gives the `Double` head's loss and gradients (whose backward pass is
    /// checked against finite differences) to `Float` precision.
    @Test func agreesWithTheDoubleHead() {
        var rng = SeededRandom(seed: 12)
        let N = 37, H = 16, V = 301
        let linear = Linear("fc", inputSize: H, outputSize: V, rng: &rng)
        let h = (0..<(N * H)).map { _ in rng.uniform(-1, 1) }, y = (0..<N).map { _ in rng.int(below: V) }
        var z = linear.forward(h, batch: N)
        let loss = SoftmaxCrossEntropy.meanLoss(&z, targets: y, classes: V)
        let dh = linear.backward(z, input: h, batch: N)
        let (dW, db) = (linear.weight.grad, linear.bias!.grad)
        linear.zeroGrad()
        let head = FloatHead(linear)
        let (loss32, dh32) = head.lossAndBackward(h, targets: y)
        func close(_ a: [Double], _ b: [Double]) -> Bool {
            let scale = a.map(abs).max()!
            return zip(a, b).allSatisfy { abs($0 - $1) <= 1e-5 * scale }
        }
        #expect(abs(loss32 - loss) <= 1e-5 * loss)
        #expect(close(dh, dh32))
        #expect(close(dW, linear.weight.grad))
        #expect(close(db, linear.bias!.grad))
    }

    /// The fused loss in `Float` computes, bit for bit, what this plain statement of its order
    /// computes: the largest logit, then `exp(z − m)` in `Double` four classes at a time (lanes
    /// summed as `(s0 + s1) + (s2 + s3)`), the remaining classes one by one, then the scaling.
    @Test(arguments: [5, 8, 37, 301])
    func fusedLossKeepsItsOrder(classes C: Int) {
        var rng = SeededRandom(seed: 13)
        let N = 7, y = (0..<N).map { _ in rng.int(below: C) }
        let logits = (0..<(N * C)).map { _ in Float(rng.uniform(-20, 20)) }
        var reference = logits
        var total = 0.0
        for n in 0..<N {
            var m: Float = -.infinity
            for c in 0..<C { m = max(m, reference[n * C + c]) }
            var sv = SIMD4<Double>(), c = 0
            while c + 4 <= C {
                let x = SIMD4<Double>((0..<4).map { Double(reference[n * C + c + $0]) })
                let e = VectorMath.exp(x - SIMD4(repeating: Double(m)))
                for l in 0..<4 { reference[n * C + c + l] = Float(e[l]) }
                sv += e
                c += 4
            }
            var s = (sv[0] + sv[1]) + (sv[2] + sv[3])
            while c < C {
                let e = VectorMath.exp(SIMD4(repeating: Double(reference[n * C + c] - m)))[0]
                reference[n * C + c] = Float(e); s += e; c += 1
            }
            total += log(s) - Double(logits[n * C + y[n]] - m)
            let scale = Float(1 / (s * Double(N)))
            for c in 0..<C { reference[n * C + c] *= scale }
            reference[n * C + y[n]] -= Float(1 / Double(N))
        }
        var fused = logits
        let loss = FloatHead.meanLoss(&fused, targets: y, classes: C)
        #expect(loss == total / Double(N))
        #expect(fused == reference)
    }
}
