import Foundation
import Testing
import Unrolled
@testable import CharModel

/// The readable min-char-rnn (`referenceLossAndGradients`, listed in the chapter) against the fast
/// one that trains the chapter's model (`lossAndGradients`), and against finite differences.
@Suite struct MinCharRNNTests {
    /// A model with weights and biases of σ = 0.3 (so that tanh is far from linear; the chapter's
    /// initialization, σ = 0.01 and zero biases, would leave it almost linear), a random chunk and
    /// a random starting state.
    static func problem(vocabulary V: Int, hidden H: Int, steps T: Int, seed: UInt64)
        -> (model: MinCharRNN, inputs: [Int], targets: [Int], hprev: [Double]) {
        var rng = SeededRandom(seed: seed)
        let model = MinCharRNN(vocabulary: V, hidden: H, rng: &rng)
        for p in model.parameters { for i in p.value.indices { p.value[i] = rng.normal() * 0.3 } }
        let inputs = (0..<T).map { _ in rng.int(below: V) }, targets = (0..<T).map { _ in rng.int(below: V) }
        let hprev = (0..<H).map { _ in rng.uniform(-0.5, 0.5) }
        return (model, inputs, targets, hprev)
    }

    /// `max_i |a_i - b_i| / max_i |b_i|`: relative to the size of the buffer (0 when both are zero).
    static func relativeDifference(_ a: [Double], _ b: [Double]) -> Double {
        precondition(a.count == b.count, "\(a.count) values against \(b.count)")
        let scale = b.map(abs).max() ?? 0, d = zip(a, b).map { abs($0 - $1) }.max() ?? 0
        return d == 0 ? 0 : d / scale
    }

    /// Vocabularies, hidden sizes (none a multiple of 8, so no kernel runs only full vectors) and
    /// seeds, each at `T = 1` and at min-char-rnn's `T = 25`.
    static let shapes: [(V: Int, H: Int, seed: UInt64)] = [(2, 1, 1), (5, 3, 2), (11, 7, 3), (17, 13, 4), (29, 21, 5), (65, 30, 6)]

    @Test(arguments: [1, 25])
    func fastAgreesWithReadable(T: Int) {
        for (V, H, seed) in Self.shapes {
            let (fast, inputs, targets, hprev) = Self.problem(vocabulary: V, hidden: H, steps: T, seed: seed)
            let (readable, _, _, _) = Self.problem(vocabulary: V, hidden: H, steps: T, seed: seed)
            // both start from the same nonzero gradients, to check that they add to them
            var rng = SeededRandom(seed: 100 + seed)
            for (f, r) in zip(fast.parameters, readable.parameters) {
                f.grad = (0..<f.count).map { _ in rng.uniform(-1, 1) }
                r.grad = f.grad
            }
            let a = fast.lossAndGradients(inputs: inputs, targets: targets, hprev: hprev)
            let b = readable.referenceLossAndGradients(inputs: inputs, targets: targets, hprev: hprev)
            let what = "V = \(V), H = \(H), T = \(T)"
            #expect(Self.relativeDifference([a.loss], [b.loss]) <= 1e-12, "\(what): loss \(a.loss) against \(b.loss)")
            #expect(a.hLast.count == H && b.hLast.count == H, "\(what): last states of \(a.hLast.count) and \(b.hLast.count) values")
            #expect(Self.relativeDifference(a.hLast, b.hLast) <= 1e-12, "\(what): last state")
            for (f, r) in zip(fast.parameters, readable.parameters) {
                let d = Self.relativeDifference(f.grad, r.grad)
                #expect(d <= 1e-12, "\(what): ∂L/∂\(f.name) differs by \(d)")
            }
        }
    }

    /// Central differences, `(L(θ_i + ε) - L(θ_i - ε)) / 2ε` with `ε = 1e-6`, against the readable
    /// version's gradients, every entry of every parameter; per tensor the error is norm-wise,
    /// `‖a - n‖ / (‖a‖ + ‖n‖)`, as in `GradientCheck`.
    @Test(arguments: [1, 25])
    func readableMatchesFiniteDifferences(T: Int) {
        for (V, H, seed) in Self.shapes.prefix(4) {
            let (model, inputs, targets, hprev) = Self.problem(vocabulary: V, hidden: H, steps: T, seed: seed)
            func loss() -> Double { model.referenceLossAndGradients(inputs: inputs, targets: targets, hprev: hprev).loss }
            model.parameters.zeroGrad()
            _ = model.referenceLossAndGradients(inputs: inputs, targets: targets, hprev: hprev)
            let analytic = model.parameters.map(\.grad)
            let epsilon = 1e-6
            for (p, a) in zip(model.parameters, analytic) {
                var numerical = [Double](repeating: 0, count: p.count)
                for i in 0..<p.count {
                    let saved = p.value[i]
                    p.value[i] = saved + epsilon; let up = loss()
                    p.value[i] = saved - epsilon; let down = loss()
                    p.value[i] = saved
                    numerical[i] = (up - down) / (2 * epsilon)
                }
                func norm(_ v: [Double]) -> Double { v.map { $0 * $0 }.reduce(0, +).squareRoot() }
                let denominator = norm(a) + norm(numerical)
                let error = denominator == 0 ? 0 : norm(zip(a, numerical).map { $0 - $1 }) / denominator
                #expect(error < 1e-6, "V = \(V), H = \(H), T = \(T): ∂L/∂\(p.name) relative error \(error)")
            }
        }
    }
}
