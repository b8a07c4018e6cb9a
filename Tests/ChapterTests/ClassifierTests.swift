import Foundation
import Testing
import Unrolled
@testable import Classifier

/// The chapter's classifier (a recurrent network and a Linear head on its final states) against
/// finite differences (in `Double`; the chapter trains it in `Float`), with class weights, both
/// cells, one and two directions, and dropout.
@Suite struct ClassifierTests {
    static let tolerance = 1e-8

    func expectAllPass(_ results: [GradientCheck.Result], _ what: String) {
        #expect(!results.isEmpty)
        for r in results {
            #expect(r.relativeError <= Self.tolerance, "\(what) \(r.name): relative error \(r.relativeError)")
            #expect(r.maxAbsGradient > 0, "\(what) \(r.name): gradient is zero everywhere, so the check proves nothing")
        }
    }

    @Test(arguments: [ClassifierCell.elman, .gru], [false, true])
    func recurrentClassifierWithClassWeights(cell: ClassifierCell, bidirectional: Bool) {
        var rng = SeededRandom(seed: 31)
        let model = RecurrentClassifier<Double>(symbols: 7, hiddenSize: 6, classes: 4, cell: cell, bidirectional: bidirectional, rng: &rng)
        let batch = [[1, 2, 3, 4], [6, 5, 0, 0], [3, 3, 2, 1]], targets = [0, 3, 1], weights = [0.5, 2.0, 1.25]
        model.zeroGrad()
        model.lossAndGradient(batch, targets: targets, weights: weights)
        expectAllPass(GradientCheck.run(model.parameters) {
            model.lossAndGradient(batch, targets: targets, weights: weights, backward: false).loss
        }, "classifier")
    }

    @Test func dropoutOnTheHeadInput() {
        // The same mask for the analytic gradient and every finite difference: restore the
        // mask generator before each evaluation.
        var rng = SeededRandom(seed: 33)
        let model = RecurrentClassifier<Double>(symbols: 5, hiddenSize: 6, classes: 3, cell: .gru, bidirectional: true, rng: &rng)
        model.dropout = 0.4
        let saved = model.maskRandom
        let batch = [[1, 2, 3], [4, 0, 1]], targets = [2, 0]
        model.zeroGrad()
        model.lossAndGradient(batch, targets: targets)
        expectAllPass(GradientCheck.run(model.parameters) {
            model.maskRandom = saved
            return model.lossAndGradient(batch, targets: targets, backward: false).loss
        }, "dropout")
    }
}
