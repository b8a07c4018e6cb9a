import Foundation
import Reference
import Testing
import Unrolled

/// Two lists of parameters with the same names, shapes and values, of sizes that are and are not
/// multiples of 4 (the fast updates go four entries at a time, then the rest).
private func twinParameters(_ rng: inout SeededRandom) -> (fast: [Parameter], reference: [Parameter]) {
    let shapes: [[Int]] = [[1], [3], [4], [5], [7, 9], [13], [8, 2]]
    let fast = shapes.enumerated().map { Parameter("p\($0.offset)", shape: $0.element, value: randomValues($0.element.reduce(1, *), &rng)) }
    let reference = fast.map { Parameter($0.name, shape: $0.shape, value: $0.value) }
    return (fast, reference)
}

/// Random gradients, the same for both lists, some entries exactly zero.
private func setTwinGradients(_ fast: [Parameter], _ reference: [Parameter], scale: Double, _ rng: inout SeededRandom) {
    for (f, r) in zip(fast, reference) {
        let g = randomValues(f.count, &rng).map { rng.uniform() < 0.1 ? 0 : scale * $0 }
        f.grad = g
        r.grad = g
    }
}

/// Steps a fast and a reference optimizer side by side on the same gradients, expecting the
/// parameters and the state `state` reads to agree after every step.
private func expectOptimizersAgree<F: Optimizer<Double>, R: Optimizer<Double>>(
    _ fast: F, _ reference: R, steps: Int = 6, seed: UInt64, _ what: String,
    state: (F, R) -> [(name: String, fast: [Double], reference: [Double])]
) {
    var rng = SeededRandom(seed: seed)
    var fast = fast, reference = reference
    let (fp, rp) = twinParameters(&rng)
    for step in 1...steps {
        setTwinGradients(fp, rp, scale: step == 3 ? 100 : 1, &rng)      // one step with large gradients
        fast.step(fp)
        reference.step(rp)
        for (f, r) in zip(fp, rp) { expectAgree(f.value, r.value, "\(what), step \(step): \(r.name)") }
        for s in state(fast, reference) { expectAgree(s.fast, s.reference, "\(what), step \(step): \(s.name)") }
    }
}

@Suite struct OptimizerAgreement {
    @Test func sgd() {
        expectOptimizersAgree(Unrolled.SGD<Double>(learningRate: 0.1), Reference.SGD(learningRate: 0.1), seed: 41, "SGD") { f, r in
            [("learning rate", [f.learningRate], [r.learningRate])]
        }
    }

    @Test(arguments: [(1e-10, false), (1e-8, true)])
    func adagrad(epsilon: Double, inside: Bool) {
        expectOptimizersAgree(Unrolled.Adagrad<Double>(learningRate: 0.1, epsilon: epsilon, epsilonInsideRoot: inside),
                              Reference.Adagrad(learningRate: 0.1, epsilon: epsilon, epsilonInsideRoot: inside),
                              seed: 42, "Adagrad ε \(epsilon) inside \(inside)") { f, r in
            #expect(f.epsilon == r.epsilon && f.epsilonInsideRoot == r.epsilonInsideRoot)
            #expect(f.sum.count == r.sum.count, "Adagrad: one sum per parameter")
            return [("s", f.sum.flatMap { $0 }, r.sum.flatMap { $0 })]
        }
    }

    @Test(arguments: [(0.9, 0.999, 1e-8), (0.5, 0.9, 1e-3)])
    func adam(beta1: Double, beta2: Double, epsilon: Double) {
        expectOptimizersAgree(Unrolled.Adam<Double>(learningRate: 0.01, beta1: beta1, beta2: beta2, epsilon: epsilon),
                              Reference.Adam(learningRate: 0.01, beta1: beta1, beta2: beta2, epsilon: epsilon),
                              seed: 43, "Adam β1 \(beta1) β2 \(beta2) ε \(epsilon)") { f, r in
            #expect(f.t == r.t, "Adam: step count")
            #expect(f.m.count == r.m.count && f.v.count == r.v.count, "Adam: one m and v per parameter")
            return [("m", f.m.flatMap { $0 }, r.m.flatMap { $0 }), ("v", f.v.flatMap { $0 }, r.v.flatMap { $0 })]
        }
    }
}

@Suite struct ClippingAgreement {
    /// `maxNorm` as a fraction of the gradient's norm: below 1 clips, above 1 does not, and
    /// infinity (the fast code's way to switch clipping off) never does.
    @Test(arguments: [0.01, 0.5, 0.999, 1.5, 100, .infinity])
    func fastEqualsReference(fraction: Double) {
        var rng = SeededRandom(seed: 44)
        let (fp, rp) = twinParameters(&rng)
        setTwinGradients(fp, rp, scale: 3, &rng)
        let norm = fp.map { $0.grad.map { $0 * $0 }.reduce(0, +) }.reduce(0, +).squareRoot()
        let maxNorm = fraction * norm, what = "clipping at \(fraction) of the norm"
        let fast = GradientClipping.clipGlobalNorm(fp, maxNorm: maxNorm)
        let reference = Reference.clipGlobalNorm(rp, maxNorm: maxNorm)
        expectAgree([fast.totalNorm], [reference.totalNorm], "\(what): norm")
        if fraction.isFinite {
            expectAgree([fast.coefficient], [reference.coefficient], "\(what): coefficient")
        } else {
            #expect(fast.coefficient == .infinity && reference.coefficient == .infinity, "\(what): coefficient")
        }
        expectAgree([fast.appliedCoefficient], [reference.appliedCoefficient], "\(what): applied coefficient")
        #expect((reference.appliedCoefficient < 1) == (fraction < 1), "\(what): clipped exactly when maxNorm < norm")
        for (f, r) in zip(fp, rp) { expectAgree(f.grad, r.grad, "\(what): \(r.name) after") }
        if fraction < 1 {
            let after = rp.map { $0.grad.map { $0 * $0 }.reduce(0, +) }.reduce(0, +).squareRoot()
            #expect(abs(after - maxNorm) <= 1e-6 * max(1, maxNorm), "\(what): the clipped norm is maxNorm")
        }
    }
}
