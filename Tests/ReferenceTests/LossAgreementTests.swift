import Foundation
import Reference
import Testing
import Unrolled

/// `(N, C)`: one row, one class, sizes off multiples of 4 and 8, a vocabulary-sized row.
private let lossShapes: [(N: Int, C: Int)] = [(1, 1), (1, 7), (3, 5), (4, 2), (9, 33), (6, 1000)]

@Suite struct LossAgreement {
    /// Logits of size about one, and of size 100, where only the subtraction of the row maximum
    /// keeps `exp` finite.
    @Test(arguments: [1.0, 100.0])
    func logSoftmax(scale: Double) {
        var rng = SeededRandom(seed: 31)
        for (N, C) in lossShapes {
            let z = randomValues(N * C, &rng).map { scale * $0 }
            let reference = Losses.logSoftmax(z, classes: C)
            expectAgree(SoftmaxCrossEntropy.logSoftmax(z, classes: C), reference, "log-softmax N \(N) C \(C) scale \(scale)")
            let finite = reference.allSatisfy { $0.isFinite }
            #expect(finite, "log-softmax N \(N) C \(C) scale \(scale): finite")
            #expect(Losses.logSoftmax(Matrix(rows: N, columns: C, values: z)).values == reference)
        }
    }

    @Test(arguments: [false, true])
    func negativeLogLikelihood(weighted: Bool) {
        var rng = SeededRandom(seed: 32)
        for (N, C) in lossShapes {
            let what = "NLL N \(N) C \(C) weighted \(weighted)"
            let logp = SoftmaxCrossEntropy.logSoftmax(randomValues(N * C, &rng), classes: C)
            let targets = (0..<N).map { _ in rng.int(below: C) }
            let weights = weighted ? (0..<N).map { _ in rng.uniform(0.1, 2) } : nil
            let fast = SoftmaxCrossEntropy.loss(logProbabilities: logp, targets: targets, classes: C, weights: weights)
            let reference = Losses.loss(logProbabilities: logp, targets: targets, classes: C, weights: weights)
            expectAgree([fast.loss], [reference.loss], "\(what): loss")
            expectAgree(fast.dLogits, reference.dLogits, "\(what): ∂L/∂z")
        }
    }

    @Test func softmaxCrossEntropy() {
        var rng = SeededRandom(seed: 33)
        for (N, C) in lossShapes {
            let what = "cross-entropy N \(N) C \(C)"
            let z = randomValues(N * C, &rng).map { 3 * $0 }
            let targets = (0..<N).map { _ in rng.int(below: C) }
            var fast = z, reference = z
            let fastLoss = SoftmaxCrossEntropy.meanLoss(&fast, targets: targets, classes: C)
            let referenceLoss = Losses.meanLoss(&reference, targets: targets, classes: C)
            expectAgree([fastLoss], [referenceLoss], "\(what): loss")
            expectAgree(fast, reference, "\(what): ∂L/∂z")
            // the same as the negative log-likelihood of the log-softmax, through its backward pass
            let composed = Losses.loss(logProbabilities: Losses.logSoftmax(z, classes: C), targets: targets, classes: C)
            expectAgree([composed.loss], [referenceLoss], "\(what): loss, composed")
            expectAgree(composed.dLogits, reference, "\(what): ∂L/∂z, composed")
        }
    }

    /// The cross-entropy of some rows of the logits only (steps that have a target): both the
    /// library-call and the vector-exponential versions against the reference's loss of the
    /// picked rows, and zero gradient off them.
    @Test func crossEntropyOfListedRows() {
        var rng = SeededRandom(seed: 35)
        for (N, C) in lossShapes {
            let what = "cross-entropy of listed rows, N \(N) C \(C)"
            let z = randomValues(N * C, &rng).map { 3 * $0 }
            let rows = (0..<N).filter { $0 % 3 != 1 }
            let targets = rows.map { _ in rng.int(below: C) }
            var picked = rows.flatMap { r in z[(r * C)..<((r + 1) * C)] }
            let referenceLoss = Losses.meanLoss(&picked, targets: targets, classes: C)
            var reference = [Double](repeating: 0, count: N * C)
            for (n, r) in rows.enumerated() { for c in 0..<C { reference[r * C + c] = picked[n * C + c] } }
            for (name, fast) in [("loss", SoftmaxCrossEntropy.loss(logits: z, rows: rows, targets: targets, classes: C)),
                                 ("meanLoss", SoftmaxCrossEntropy.meanLoss(logits: z, rows: rows, targets: targets, classes: C))] {
                expectAgree([fast.loss], [referenceLoss], "\(what), \(name): loss")
                expectAgree(fast.dLogits, reference, "\(what), \(name): ∂L/∂z")
            }
            // in Float, as chapter 6's tagger computes it: within Float rounding of the reference
            // (a few units of 2⁻²⁴ on each logit, carried through the exponentials), while a
            // wrong row or target would be off by far more
            let float = SoftmaxCrossEntropy.meanLoss(logits: z.map(Float.init), rows: rows, targets: targets, classes: C)
            #expect(abs(Double(float.loss) - referenceLoss) <= 1e-5 * max(1, abs(referenceLoss)), "\(what), Float: loss")
            #expect(float.dLogits.count == reference.count, "\(what), Float: ∂L/∂z has \(float.dLogits.count) values")
            let worst = zip(float.dLogits, reference).map { abs(Double($0) - $1) }.max() ?? 0
            #expect(worst <= 1e-6, "\(what), Float: ∂L/∂z off by \(worst)")
        }
    }

    @Test func meanSquaredError() {
        var rng = SeededRandom(seed: 34)
        for n in [1, 3, 7, 16, 33, 250] {
            let p = randomValues(n, &rng), y = randomValues(n, &rng)
            let fast = MeanSquaredError.loss(prediction: p, target: y)
            let reference = Losses.loss(prediction: p, target: y)
            expectAgree([fast.loss], [reference.loss], "MSE n \(n): loss")
            expectAgree(fast.dPrediction, reference.dPrediction, "MSE n \(n): ∂L/∂p")
        }
    }
}
