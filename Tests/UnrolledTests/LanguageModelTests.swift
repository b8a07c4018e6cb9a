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
        // bigram: c(a b) = 2, c(a •) = 3, N1+(a •) = 2, D_2 = n1/(n1 + 2 n2) with n1 = 2 (b a, a c), n2 = 2 (a b, b a)...
        let D2 = model.discounts[1], D1 = model.discounts[0]
        // continuation unigrams: N1+(• a) = 1 (b), N1+(• b) = 1 (a), N1+(• c) = 1 (a); total 3, 3 types
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
