import Foundation
import Reference
import Testing
import Unrolled

// Finite-difference checks of the reference modules' and losses' gradients: for each entry `θ_i`
// the central difference `(L(θ_i + ε) - L(θ_i - ε)) / 2ε` with `ε = 10⁻⁶` in `Double`, against
// the analytic gradient, per tensor `‖a - n‖ / (‖a‖ + ‖n‖)` below 10⁻⁶.

private let tolerance = 1e-6

/// Expects `‖a - n‖ / (‖a‖ + ‖n‖) < tolerance` (0 when both are zero).
private func expectGradient(_ analytic: [Double], _ numerical: [Double], _ what: String,
                            sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(analytic.count == numerical.count, "\(what): \(analytic.count) analytic entries, \(numerical.count) numerical",
            sourceLocation: sourceLocation)
    func norm(_ v: [Double]) -> Double { v.map { $0 * $0 }.reduce(0, +).squareRoot() }
    let denominator = norm(analytic) + norm(numerical)
    let error = denominator == 0 ? 0 : norm(zip(analytic, numerical).map { $0 - $1 }) / denominator
    #expect(error < tolerance, "\(what): relative error \(error)", sourceLocation: sourceLocation)
}

@Suite struct ReferenceGradientCheck {
    /// `L = Σ R ⊙ y` for a fixed random `R`, so that `∂L/∂y = R`.
    @Test(arguments: [true, false])
    func linear(bias: Bool) {
        var rng = SeededRandom(seed: 61)
        for (B, I, O) in [(1, 1, 1), (1, 3, 2), (4, 5, 7), (3, 9, 4)] {
            let what = "Linear bias \(bias) B \(B) I \(I) O \(O)"
            let layer = Reference.Linear("fc", inputSize: I, outputSize: O, bias: bias, rng: &rng)
            var x = randomValues(B * I, &rng)
            let R = randomValues(B * O, &rng)
            func loss() -> Double { zip(layer.forward(x, batch: B), R).map { $0 * $1 }.reduce(0, +) }
            let dx = layer.backward(R, input: x, batch: B)
            for p in layer.parameters { expectGradient(p.grad, centralDifferences(p, loss: loss), "\(what): ∂L/∂\(p.name)") }
            expectGradient(dx, centralDifferences(count: x.count, get: { x[$0] }, set: { x[$0] = $1 }, loss: loss), "\(what): ∂L/∂x")
        }
    }

    /// `L = -output_T[target]`, for every parameter and `h0`.
    @Test func tutorialCell() {
        var rng = SeededRandom(seed: 62)
        for (I, H, C, T) in [(1, 1, 1, 1), (3, 4, 2, 1), (5, 4, 3, 4), (7, 6, 5, 6)] {
            let what = "TutorialCell I \(I) H \(H) C \(C) T \(T)"
            let cell = Reference.TutorialCell(inputSize: I, hiddenSize: H, outputSize: C, rng: &rng)
            let letters = (0..<T).map { _ in rng.int(below: I) }
            var h0 = randomValues(H, &rng)
            let target = rng.int(below: C)
            func loss() -> Double { cell.loss(cell.forward(letters, h0: h0), target: target) }
            let dh0 = cell.backward(cell.forward(letters, h0: h0), target: target).dh0
            for p in cell.parameters { expectGradient(p.grad, centralDifferences(p, loss: loss), "\(what): ∂L/∂\(p.name)") }
            expectGradient(dh0, centralDifferences(count: H, get: { h0[$0] }, set: { h0[$0] = $1 }, loss: loss), "\(what): ∂L/∂h0")
        }
    }

    /// The negative log-likelihood of the log-softmax of `z`, plain and weighted, and the
    /// log-softmax's backward pass for any upstream gradient.
    @Test(arguments: [false, true])
    func logSoftmaxAndNLL(weighted: Bool) {
        var rng = SeededRandom(seed: 63)
        for (N, C) in [(1, 1), (1, 4), (3, 5), (6, 7)] {
            let what = "log-softmax + NLL N \(N) C \(C) weighted \(weighted)"
            var z = randomValues(N * C, &rng).map { 3 * $0 }
            let targets = (0..<N).map { _ in rng.int(below: C) }
            let weights = weighted ? (0..<N).map { _ in rng.uniform(0.1, 2) } : nil
            func nll() -> Double {
                Losses.loss(logProbabilities: Losses.logSoftmax(z, classes: C), targets: targets, classes: C, weights: weights).loss
            }
            let numerical = centralDifferences(count: z.count, get: { z[$0] }, set: { z[$0] = $1 }, loss: nll)
            let analytic = Losses.loss(logProbabilities: Losses.logSoftmax(z, classes: C), targets: targets, classes: C, weights: weights)
            expectGradient(analytic.dLogits, numerical, "\(what): ∂L/∂z")
            if !weighted {
                let matrix = Losses.softmaxCrossEntropy(Matrix(rows: N, columns: C, values: z), targets: targets)
                expectGradient(matrix.dLogits.values, numerical, "\(what): softmaxCrossEntropy's ∂L/∂z")
            }
            // L = Σ R ⊙ logSoftmax(z): the backward pass for an upstream gradient that is not an NLL's
            let R = randomValues(N * C, &rng)
            func projected() -> Double { zip(Losses.logSoftmax(z, classes: C), R).map { $0 * $1 }.reduce(0, +) }
            let logp = Losses.logSoftmax(Matrix(rows: N, columns: C, values: z))
            let dz = Losses.logSoftmaxBackward(Matrix(rows: N, columns: C, values: R), logProbabilities: logp)
            expectGradient(dz.values, centralDifferences(count: z.count, get: { z[$0] }, set: { z[$0] = $1 }, loss: projected),
                           "\(what): log-softmax backward")
        }
    }

    @Test func meanSquaredError() {
        var rng = SeededRandom(seed: 64)
        for n in [1, 3, 10] {
            var p = randomValues(n, &rng)
            let y = randomValues(n, &rng)
            let analytic = Losses.loss(prediction: p, target: y).dPrediction
            let numerical = centralDifferences(count: n, get: { p[$0] }, set: { p[$0] = $1 }, loss: { Losses.loss(prediction: p, target: y).loss })
            expectGradient(analytic, numerical, "MSE n \(n): ∂L/∂p")
        }
    }
}
