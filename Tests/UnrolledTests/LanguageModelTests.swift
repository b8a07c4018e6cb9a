import Foundation
import Testing
@testable import Unrolled

@Suite struct LanguageModelTests {
    /// Every conditional distribution of the Kneser–Ney model sums to one, for contexts seen in
    /// training, unseen, and shorter than the order.
    @Test func nGramDistributionsSumToOne() {
        var rng = SeededRandom(seed: 5)
        let V = 6
        let text = (0..<400).map { _ in rng.int(below: V - 1) }        // symbol V-1 never occurs
        let model = NGramModel(order: 4, vocabulary: V, training: text)
        let contexts: [[Int]] = [[], [0], [1, 2], Array(text[10..<13]), [5, 5, 5], [0, 5, 1]]
        for ctx in contexts {
            let total = (0..<V).reduce(0.0) { $0 + exp(model.logProbability($1, context: ctx[...])) }
            #expect(abs(total - 1) < 1e-12, "context \(ctx): \(total)")
            #expect(model.logProbability(V - 1, context: ctx[...]).isFinite)
        }
    }

    /// The counts behind the estimate, on a text small enough to do by hand: "a b a b a c".
    @Test func nGramMatchesHandCounts() {
        let model = NGramModel(order: 2, vocabulary: 3, training: [0, 1, 0, 1, 0, 2])
        // bigrams: c(a b) = 2, c(b a) = 2, c(a c) = 1, so D_2 = n1 / (n1 + 2 n2) = 1 / 5;
        // c(a •) = 3 with N1+(a •) = 2 followers
        let D2 = model.discounts[1], D1 = model.discounts[0]
        #expect(D2 == 0.2)
        // continuation unigrams: N1+(• a) = 1 (b), N1+(• b) = 1 (a), N1+(• c) = 1 (a); total 3,
        // 3 types, all seen once: D_1 = 1, held at its ceiling 0.95
        #expect(D1 == 0.95)
        let pb = max(1 - D1, 0) / 3 + D1 * 3 / 3 * (1.0 / 3)
        let expected = (2 - D2) / 3 + D2 * 2 / 3 * pb
        #expect(abs(exp(model.logProbability(1, context: [0])) - expected) < 1e-15)
    }

    /// The fused softmax cross-entropy equals log-softmax followed by the loss, value and gradient.
    @Test func fusedCrossEntropyMatchesTheUnfusedPair() {
        var rng = SeededRandom(seed: 9)
        let C = 13, N = 7
        let z = (0..<(N * C)).map { _ in rng.uniform(-30, 30) }, y = (0..<N).map { _ in rng.int(below: C) }
        let (loss, dz) = SoftmaxCrossEntropy.loss(logProbabilities: SoftmaxCrossEntropy.logSoftmax(z, classes: C), targets: y, classes: C)
        var fused = z
        let l2 = SoftmaxCrossEntropy.meanLoss(&fused, targets: y, classes: C)
        #expect(abs(l2 - loss) < 1e-12 * max(1, abs(loss)))
        for i in dz.indices { #expect(abs(fused[i] - dz[i]) < 1e-15) }
    }
}

@Suite struct VectorMathTests {
    /// Within 2 ulp of the library's `exp` over the whole useful range, exact at 0, zero below -708.
    @Test func vectorExpMatchesTheLibrary() {
        var rng = SeededRandom(seed: 3)
        var worst = 0.0
        for _ in 0..<20_000 {
            let x = SIMD8<Double>(rng.uniform(-708, 709), rng.uniform(-5, 5), rng.uniform(-40, 0), rng.uniform(-1e-3, 1e-3),
                                  rng.uniform(-700, -600), rng.uniform(600, 709), rng.uniform(-1, 1), rng.uniform(-1e-12, 1e-12))
            let e = VectorMath.exp(x)
            for i in 0..<8 { worst = max(worst, abs(e[i] - Foundation.exp(x[i])) / Foundation.exp(x[i]).ulp) }
        }
        #expect(worst <= 2, "worst error \(worst) ulp")
        let edges = VectorMath.exp(SIMD8(0, -709, -1e4, 1, -.infinity, .nan, -0.0, 1))
        #expect(edges[0] == 1 && edges[1] == 0 && edges[2] == 0 && edges[4] == 0 && edges[5].isNaN && edges[6] == 1)
    }

    /// Within 3 ulp of the library's `tanh` from tiny arguments to saturation, odd, exactly ±1
    /// beyond 22, NaN in NaN out; the buffer form (vector body and scalar tail) gives the same bits.
    @Test func vectorTanhMatchesTheLibrary() {
        var rng = SeededRandom(seed: 4)
        var worst = 0.0
        for _ in 0..<20_000 {
            let x = SIMD8<Double>(rng.uniform(-25, 25), rng.uniform(-1, 1), rng.uniform(-1e-3, 1e-3), rng.uniform(-1e-9, 1e-9),
                                  rng.uniform(-5, 5), rng.uniform(-0.1, 0.1), rng.uniform(-22, 22), rng.uniform(-1e-300, 1e-300))
            let t = VectorMath.tanh(x)
            for i in 0..<8 {
                worst = max(worst, abs(t[i] - Foundation.tanh(x[i])) / Foundation.tanh(x[i]).magnitude.ulp)
                #expect(VectorMath.tanh(-x)[i] == -t[i])
            }
        }
        #expect(worst <= 3, "worst error \(worst) ulp")
        let edges = VectorMath.tanh(SIMD8(0, 22.5, -1e4, .nan, -0.0, 1e-320, .infinity, -.infinity))
        #expect(edges[0] == 0 && edges[1] == 1 && edges[2] == -1 && edges[3].isNaN)
        #expect(edges[4] == 0 && edges[4].sign == .minus && edges[5] == 1e-320 && edges[6] == 1 && edges[7] == -1)
        var values = (0..<19).map { Double($0) * 0.37 - 2 }   // two vectors and a tail of three
        let one = values.map { VectorMath.tanh(SIMD8(repeating: $0))[0] }
        values.withUnsafeMutableBufferPointer { VectorMath.tanh($0.baseAddress!, count: $0.count) }
        #expect(values == one)
    }

    /// The vector sigmoid is `1 / (1 + exp(−x))` with the library's `exp` to within 3 ulp, and the
    /// buffer form gives the bits of the vector one.
    @Test func vectorSigmoidMatchesTheLibrary() {
        var rng = SeededRandom(seed: 5)
        var worst = 0.0
        for _ in 0..<20_000 {
            let x = SIMD8<Double>(rng.uniform(-30, 30), rng.uniform(-3, 3), rng.uniform(-700, 700), rng.uniform(-1e-6, 1e-6),
                                  rng.uniform(-10, 10), rng.uniform(-0.5, 0.5), rng.uniform(-40, 40), rng.uniform(-1, 1))
            let s = VectorMath.sigmoid(x)
            for i in 0..<8 {
                let exact = 1 / (1 + Foundation.exp(-x[i]))
                worst = max(worst, abs(s[i] - exact) / exact.ulp)
            }
        }
        #expect(worst <= 3, "worst error \(worst) ulp")
        var values = (0..<19).map { Double($0) * 1.1 - 9 }   // two vectors and a tail of three
        let one = values.map { VectorMath.sigmoid(SIMD8(repeating: $0))[0] }
        values.withUnsafeMutableBufferPointer { VectorMath.sigmoid($0.baseAddress!, count: $0.count) }
        #expect(values == one)
    }
}

/// The `Float` forms of the vector functions the layers use: as accurate, relative to `Float`'s
/// ulp, as the `Double` ones are to theirs, measured against the `Double` library in `Double`.
@Suite struct FloatVectorMathTests {
    /// `tanh` in `Float`: within 3 ulp of the correctly rounded value from tiny arguments to
    /// saturation, odd, exactly ±1 beyond 9, NaN in NaN out; the buffer form gives the same bits.
    @Test func floatTanhIsAccurate() {
        var rng = SeededRandom(seed: 14)
        var worst = 0.0
        for _ in 0..<20_000 {
            let x = SIMD8<Float>(Float(rng.uniform(-12, 12)), Float(rng.uniform(-1, 1)), Float(rng.uniform(-1e-3, 1e-3)),
                                 Float(rng.uniform(-1e-7, 1e-7)), Float(rng.uniform(-5, 5)), Float(rng.uniform(-0.1, 0.1)),
                                 Float(rng.uniform(-9, 9)), Float(rng.uniform(-0.5, 0.5)))
            let t = VectorMath.tanh(x)
            for i in 0..<8 {
                let exact = Foundation.tanh(Double(x[i]))
                worst = max(worst, abs(Double(t[i]) - exact) / Double(Float(exact).magnitude.ulp))
                #expect(VectorMath.tanh(-x)[i] == -t[i])
            }
        }
        #expect(worst <= 3, "worst error \(worst) ulp")
        let edges = VectorMath.tanh(SIMD8<Float>(0, 9.5, -1e4, .nan, -0.0, 1e-30, .infinity, -.infinity))
        #expect(edges[0] == 0 && edges[1] == 1 && edges[2] == -1 && edges[3].isNaN)
        #expect(edges[4] == 0 && edges[4].sign == .minus && edges[5] == 1e-30 && edges[6] == 1 && edges[7] == -1)
        var values = (0..<19).map { Float($0) * 0.37 - 2 }   // two vectors and a tail of three
        let one = values.map { VectorMath.tanh(SIMD8(repeating: $0))[0] }
        values.withUnsafeMutableBufferPointer { VectorMath.tanh($0.baseAddress!, count: $0.count) }
        #expect(values == one)
    }

    /// `σ` in `Float`: within 3 ulp of the correctly rounded value; the buffer form gives the
    /// bits of the vector one.
    @Test func floatSigmoidIsAccurate() {
        var rng = SeededRandom(seed: 15)
        var worst = 0.0
        for _ in 0..<20_000 {
            let x = SIMD8<Float>(Float(rng.uniform(-30, 30)), Float(rng.uniform(-3, 3)), Float(rng.uniform(-80, 80)),
                                 Float(rng.uniform(-1e-6, 1e-6)), Float(rng.uniform(-10, 10)), Float(rng.uniform(-0.5, 0.5)),
                                 Float(rng.uniform(-17, 17)), Float(rng.uniform(-1, 1)))
            let s = VectorMath.sigmoid(x)
            for i in 0..<8 {
                let exact = 1 / (1 + Foundation.exp(-Double(x[i])))
                worst = max(worst, abs(Double(s[i]) - exact) / Double(Float(exact).ulp))
            }
        }
        #expect(worst <= 3, "worst error \(worst) ulp")
        var values = (0..<19).map { Float($0) * 1.1 - 9 }
        let one = values.map { VectorMath.sigmoid(SIMD8(repeating: $0))[0] }
        values.withUnsafeMutableBufferPointer { VectorMath.sigmoid($0.baseAddress!, count: $0.count) }
        #expect(values == one)
    }
}
