import Foundation
import Reference
import Testing
import Unrolled

/// `Linear` shapes `(B, I, O)`: `B = 1`, sizes that are not multiples of 4 or 8, and larger ones
/// that take the fast product's blocked paths.
private let linearShapes: [(B: Int, I: Int, O: Int)] = [
    (1, 1, 1), (1, 5, 7), (4, 3, 2), (3, 9, 11), (2, 17, 13), (9, 33, 20), (17, 8, 40),
]

@Suite struct LinearAgreement {
    @Test(arguments: [true, false])
    func fastEqualsReference(bias: Bool) {
        var rng = SeededRandom(seed: 21)
        for (B, I, O) in linearShapes {
            let what = "Linear bias \(bias) B \(B) I \(I) O \(O)"
            let seed = rng.next()
            var fastRNG = SeededRandom(seed: seed), referenceRNG = SeededRandom(seed: seed)
            let fast = Unrolled.Linear<Double>("fc", inputSize: I, outputSize: O, bias: bias, rng: &fastRNG)
            let reference = Reference.Linear("fc", inputSize: I, outputSize: O, bias: bias, rng: &referenceRNG)
            #expect(fast.parameters.map(\.name) == reference.parameters.map(\.name), "\(what): parameter names")
            #expect(fast.parameters.map(\.shape) == reference.parameters.map(\.shape), "\(what): parameter shapes")
            #expect(fast.parameters.map(\.value) == reference.parameters.map(\.value), "\(what): initial values")
            let x = randomValues(B * I, &rng)
            expectAgree(fast.forward(x, batch: B), reference.forward(x, batch: B), "\(what): y")
            // twice, so that the gradients are seen to accumulate
            for pass in 1...2 {
                let dy = randomValues(B * O, &rng)
                expectAgree(fast.backward(dy, input: x, batch: B), reference.backward(dy, input: x, batch: B), "\(what): ∂L/∂x, pass \(pass)")
                for (f, r) in zip(fast.parameters, reference.parameters) { expectAgree(f.grad, r.grad, "\(what): ∂L/∂\(r.name), pass \(pass)") }
            }
        }
    }

    @Test func matrixAndArrayFormsAgree() {
        var rng = SeededRandom(seed: 22)
        let layer = Reference.Linear("fc", inputSize: 5, outputSize: 3, rng: &rng)
        let x = Matrix(rows: 2, columns: 5, values: randomValues(10, &rng))
        #expect(layer.forward(x).values == layer.forward(x.values, batch: 2))
    }
}

@Suite struct EmbeddingAgreement {
    @Test func fastEqualsReference() {
        var rng = SeededRandom(seed: 23)
        for (V, E, N) in [(1, 1, 1), (5, 3, 1), (7, 9, 13), (30, 17, 6), (11, 40, 33)] {
            let what = "Embedding V \(V) E \(E) N \(N)"
            let seed = rng.next()
            var fastRNG = SeededRandom(seed: seed), referenceRNG = SeededRandom(seed: seed)
            let fast = Unrolled.Embedding<Double>("embedding", count: V, dimension: E, rng: &fastRNG)
            let reference = Reference.Embedding("embedding", count: V, dimension: E, rng: &referenceRNG)
            #expect(fast.weight.name == reference.weight.name && fast.weight.shape == reference.weight.shape, "\(what): parameter")
            #expect(fast.weight.value == reference.weight.value, "\(what): initial values")
            let ids = (0..<N).map { _ in rng.int(below: V) }                // repeats included
            expectAgree(fast.forward(ids), reference.forward(ids), "\(what): embedded")
            for pass in 1...2 {
                let d = randomValues(N * E, &rng)
                fast.backward(d, ids: ids)
                reference.backward(d, ids: ids)
                expectAgree(fast.weight.grad, reference.weight.grad, "\(what): ∂L/∂weight, pass \(pass)")
            }
        }
    }
}

@Suite struct TutorialCellAgreement {
    /// `(I, H, C, T)`: one letter, `B = 1` always, sizes off multiples of 4 and 8, and the
    /// tutorial's own (57 letters, 128 hidden units, 18 languages).
    static let shapes: [(I: Int, H: Int, C: Int, T: Int)] = [
        (1, 1, 1, 1), (3, 5, 7, 1), (5, 7, 3, 4), (9, 11, 6, 7), (57, 128, 18, 9),
    ]

    @Test(arguments: [true, false], [true, false])
    func fastEqualsReference(keepAllOutputs: Bool, randomH0: Bool) {
        var rng = SeededRandom(seed: 24)
        for (I, H, C, T) in Self.shapes {
            let what = "TutorialCell I \(I) H \(H) C \(C) T \(T) all \(keepAllOutputs) h0 \(randomH0)"
            let seed = rng.next()
            var fastRNG = SeededRandom(seed: seed), referenceRNG = SeededRandom(seed: seed)
            let fast = Unrolled.TutorialCell<Double>(inputSize: I, hiddenSize: H, outputSize: C, rng: &fastRNG)
            let reference = Reference.TutorialCell(inputSize: I, hiddenSize: H, outputSize: C, rng: &referenceRNG)
            #expect(fast.parameters.map(\.name) == reference.parameters.map(\.name), "\(what): parameter names")
            #expect(fast.parameters.map(\.value) == reference.parameters.map(\.value), "\(what): initial values")
            let letters = (0..<T).map { _ in rng.int(below: I) }
            let h0 = randomH0 ? randomValues(H, &rng) : nil
            let target = rng.int(below: C)
            let ft = fast.forward(letters, h0: h0, keepAllOutputs: keepAllOutputs)
            let rt = reference.forward(letters, h0: h0, keepAllOutputs: keepAllOutputs)
            #expect(ft.letters == rt.letters)
            #expect(ft.hiddens.count == rt.hiddens.count && ft.allLogProbabilities.count == rt.allLogProbabilities.count,
                    "\(what): trace lengths")
            expectAgree(ft.hiddens.flatMap { $0 }, rt.hiddens.flatMap { $0 }, "\(what): hiddens")
            expectAgree(ft.logProbabilities, rt.logProbabilities, "\(what): log-probabilities")
            expectAgree(ft.allLogProbabilities.flatMap { $0 }, rt.allLogProbabilities.flatMap { $0 }, "\(what): every output")
            expectAgree([fast.loss(ft, target: target)], [reference.loss(rt, target: target)], "\(what): loss")
            let fg = fast.backward(ft, target: target, inputGradient: true)
            let rg = reference.backward(rt, target: target, inputGradient: true)
            expectAgree(fg.dh0, rg.dh0, "\(what): ∂L/∂h0")
            #expect(fg.dx.count == T && rg.dx.count == T, "\(what): one ∂L/∂x_t per letter")
            expectAgree(fg.dx.flatMap { $0 }, rg.dx.flatMap { $0 }, "\(what): ∂L/∂x")
            for (f, r) in zip(fast.parameters, reference.parameters) { expectAgree(f.grad, r.grad, "\(what): ∂L/∂\(r.name)") }
            // without the input gradient: the same parameter gradients again, and no ∂L/∂x
            let again = reference.backward(rt, target: target)
            #expect(again.dx.isEmpty, "\(what): ∂L/∂x not asked for")
            expectAgree(again.dh0, rg.dh0, "\(what): ∂L/∂h0 without ∂L/∂x")
        }
    }
}
