import Foundation
import Testing
@testable import Unrolled

@Suite struct FloatHeadTests {
    /// The `Float` head gives the `Double` head's loss and gradients (whose backward pass is
    /// checked against finite differences) on the same numbers, to `Float` precision; and a head
    /// whose weights are off by one part in ten thousand is told apart.
    @Test func agreesWithTheDoubleHead() {
        var rng = SeededRandom(seed: 12)
        let N = 37, H = 16, V = 301
        let linear = Unrolled.Linear<Double>("fc", inputSize: H, outputSize: V, rng: &rng)
        let linear32 = Unrolled.Linear<Float>("fc", inputSize: H, outputSize: V, rng: &rng)
        // the same numbers in both: the Float ones, held exactly in Double
        for (p, q) in zip(linear32.parameters, linear.parameters) { q.value = p.value.map(Double.init) }
        let h32 = (0..<(N * H)).map { _ in Float(rng.uniform(-1, 1)) }, y = (0..<N).map { _ in rng.int(below: V) }
        let h = h32.map(Double.init)
        var z = linear.forward(h, batch: N)
        let loss = SoftmaxCrossEntropy.meanLoss(&z, targets: y, classes: V)
        let dh = linear.backward(z, input: h, batch: N)
        let head = FloatHead(linear32)
        let (loss32, dh32) = head.lossAndBackward(h32, targets: y)
        func close(_ a: [Double], _ b: [Float]) -> Bool {
            let scale = a.map(abs).max()!
            return zip(a, b).allSatisfy { abs($0 - Double($1)) <= 1e-5 * scale }
        }
        #expect(abs(loss32 - loss) <= 1e-5 * loss)
        #expect(close(dh, dh32))
        #expect(close(linear.weight.grad, linear32.weight.grad))
        #expect(close(linear.bias!.grad, linear32.bias!.grad))
        // a planted defect: the same check fails on weights scaled by 1 + 10⁻⁴
        linear32.zeroGrad()
        linear32.weight.value = linear32.weight.value.map { $0 * (1 + 1e-4) }
        let (_, dhOff) = head.lossAndBackward(h32, targets: y)
        #expect(!close(dh, dhOff) || !close(linear.weight.grad, linear32.weight.grad))
    }

    /// The fused loss in `Float` computes, bit for bit, what this plain statement of its order
    /// computes: the largest logit, then `exp(z − m)` in `Float` eight classes at a time, their
    /// lanes summed in `Double` as `((l0 + l1) + (l2 + l3)) + ((h0 + h1) + (h2 + h3))`, the
    /// remaining classes one by one, then the scaling.
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
            var l = [Double](repeating: 0, count: 8), c = 0
            while c + 8 <= C {
                let x = SIMD8<Float>((0..<8).map { reference[n * C + c + $0] })
                let e = VectorMath.exp(x - SIMD8(repeating: m))
                for lane in 0..<8 { reference[n * C + c + lane] = e[lane]; l[lane] += Double(e[lane]) }
                c += 8
            }
            var s = ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]))
            while c < C {
                let e = VectorMath.exp(SIMD8(repeating: reference[n * C + c] - m))[0]
                reference[n * C + c] = e; s += Double(e); c += 1
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

    /// The `Float` exponential stays within 3 ulp of the `Double` one over `[-87, 88]`, gives `0`
    /// below, and passes NaN through (a diverging run must still show a NaN loss).
    @Test func floatExponentialIsAccurate() {
        var worst: Float = 0
        var x: Float = -87
        while x <= 88 {
            let lanes = SIMD8<Float>((0..<8).map { x + Float($0) * 0.0013 })
            let e = VectorMath.exp(lanes)
            for lane in 0..<8 where lanes[lane] <= 88 {
                let exact = Foundation.exp(Double(lanes[lane]))
                worst = max(worst, Float(abs(Double(e[lane]) - exact) / Double(Float(exact).ulp)))
            }
            x += 0.0111
        }
        #expect(worst <= 3, "worst error \(worst) ulp")
        #expect(VectorMath.exp(SIMD8<Float>(repeating: -100))[0] == 0)
        #expect(VectorMath.exp(SIMD8<Float>(repeating: .nan))[0].isNaN)
        #expect(VectorMath.exp(SIMD8<Float>(repeating: 0))[0] == 1)
    }
}
