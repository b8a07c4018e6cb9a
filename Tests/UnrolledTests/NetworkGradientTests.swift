import Foundation
import Testing
@testable import Checks
@testable import Unrolled

/// The layers of the recurrent-layers chapter against finite differences: every parameter and
/// every input of the LSTM, of stacked, bidirectional and batch-first networks of each cell,
/// and of the models built on them (embedding, linear head, cross-entropy, MSE).
@Suite struct NetworkGradientTests {
    /// The bound is 1e-7; correct backward passes give about 1e-10.
    static let tolerance = 1e-8

    func expectPass(_ r: GradientCheck.Result, _ what: String) {
        #expect(r.relativeError <= Self.tolerance, "\(what) \(r.name): relative error \(r.relativeError)")
        #expect(r.maxAbsGradient > 0, "\(what) \(r.name): gradient is zero everywhere, so the check proves nothing")
    }

    @Test(arguments: [true, false]) func lstmLayer(bias: Bool) {
        var rng = SeededRandom(seed: bias ? 71 : 72)
        let layer = LSTMLayer("lstm", inputSize: 3, hiddenSize: 4, bias: bias, rng: &rng)
        let T = 5, B = 2, H = 4
        var x = randomValues(T * B * 3, &rng), h0 = randomValues(B * H, &rng), c0 = randomValues(B * H, &rng)
        let rOut = randomValues(T * B * H, &rng), rH = randomValues(B * H, &rng), rC = randomValues(B * H, &rng)
        func loss() -> Double {
            let tr = layer.forward(.dense(x), steps: T, batch: B, h0: h0, c0: c0)
            return CaseModel.dot(tr.outputs, rOut) + CaseModel.dot(tr.last, rH) + CaseModel.dot(tr.lastCell, rC)
        }
        layer.zeroGrad()
        let g = layer.backward(layer.forward(.dense(x), steps: T, batch: B, h0: h0, c0: c0),
                               dOutputs: rOut, dLast: rH, dLastCell: rC, inputGradient: true)
        for r in GradientCheck.run(layer.parameters, loss: loss) { expectPass(r, "LSTM") }
        expectPass(GradientCheck.check(name: "x", analytic: g.dx, get: { x[$0] }, set: { x[$0] = $1 }, loss: loss), "LSTM")
        expectPass(GradientCheck.check(name: "h0", analytic: g.dh0, get: { h0[$0] }, set: { h0[$0] = $1 }, loss: loss), "LSTM")
        expectPass(GradientCheck.check(name: "c0", analytic: g.dc0, get: { c0[$0] }, set: { c0[$0] = $1 }, loss: loss), "LSTM")
    }

    static let networks: [RecurrentNetwork.Configuration] = RecurrentNetwork.Cell.allCases.flatMap { cell in
        [RecurrentNetwork.Configuration(cell: cell, inputSize: 3, hiddenSize: 4, layers: 2),
         RecurrentNetwork.Configuration(cell: cell, inputSize: 3, hiddenSize: 3, bidirectional: true, batchFirst: true),
         RecurrentNetwork.Configuration(cell: cell, inputSize: 2, hiddenSize: 3, layers: 2, bidirectional: true, bias: false)]
    }

    @Test(arguments: networks) func network(_ configuration: RecurrentNetwork.Configuration) {
        // Every parameter, then x, h0 (and c0): the same check the chapters' tables print.
        let c = configuration
        let results = NetworkGradientCheck.run(configuration, steps: 4, batch: 3, seed: 73)
        let what = "\(c.cell) L=\(c.layers) D=\(c.directions) batchFirst=\(c.batchFirst) bias=\(c.bias)"
        let inputs = c.cell == .lstm ? ["x", "h0", "c0"] : ["x", "h0"]
        #expect(Array(results.suffix(inputs.count).map(\.name)) == inputs, "\(what): inputs checked")
        var rng = SeededRandom(seed: 0)
        let parameters = RecurrentNetwork("rnn", configuration, rng: &rng).parameters.count
        #expect(results.count == parameters + inputs.count, "\(what): every parameter checked")
        for r in results { expectPass(r, what) }
    }

    @Test(arguments: [RecurrentNetwork.Cell.gru, .lstm]) func dropoutBetweenLayers(cell: RecurrentNetwork.Cell) {
        // Fixed masks: the same for the analytic gradient and every finite difference.
        var rng = SeededRandom(seed: 76)
        let net = RecurrentNetwork("rnn", .init(cell: cell, inputSize: 2, hiddenSize: 3, layers: 3, bidirectional: true), rng: &rng)
        let T = 4, B = 2
        let masks = net.dropoutMasks(probability: 0.4, steps: T, batch: B, rng: &rng)
        #expect(masks.count == 2 && masks.allSatisfy { $0.contains(0) && $0.contains(1 / 0.6) })
        var x = randomValues(T * B * 2, &rng)
        let rOut = randomValues(T * B * 6, &rng)
        func loss() -> Double { CaseModel.dot(net.forward(.dense(x), steps: T, batch: B, dropoutMasks: masks).output, rOut) }
        net.zeroGrad()
        let g = net.backward(net.forward(.dense(x), steps: T, batch: B, dropoutMasks: masks), dOutput: rOut, inputGradient: true)
        for r in GradientCheck.run(net.parameters, loss: loss) {
            #expect(r.relativeError <= Self.tolerance, "\(cell) dropout \(r.name): \(r.relativeError)")
        }
        expectPass(GradientCheck.check(name: "x", analytic: g.dx, get: { x[$0] }, set: { x[$0] = $1 }, loss: loss), "dropout")
        // Without masks the output differs: the masks are really applied.
        #expect(net.forward(.dense(x), steps: T, batch: B).output != net.forward(.dense(x), steps: T, batch: B, dropoutMasks: masks).output)
    }

    @Test func embeddingModelAndLastStepRegression() {
        // Embedding → GRU → Linear with cross-entropy, and LSTM → Linear on the last step with MSE.
        let models = NetworkGradientCheck.models(seed: 74)
        #expect(models.count == 2)
        for (label, results) in models {
            #expect(!results.isEmpty)
            for r in results { expectPass(r, label) }
        }
    }

    @Test func clippingKeepsTheDirectionAndCapsTheNorm() {
        let a = Parameter("a", shape: [2], value: [0, 0]), b = Parameter("b", shape: [1], value: [0])
        a.grad = [3, 0]; b.grad = [4]
        let outcome = GradientClipping.clipGlobalNorm([a, b], maxNorm: 1)
        #expect(outcome.totalNorm == 5)
        #expect(abs(a.grad[0] - 0.6) < 1e-6 && abs(b.grad[0] - 0.8) < 1e-6)
        let unchanged = GradientClipping.clipGlobalNorm([a, b], maxNorm: 10)
        #expect(unchanged.appliedCoefficient == 1)
    }
}
