import Foundation
import Testing
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
        var rng = SeededRandom(seed: 73)
        let net = RecurrentNetwork("rnn", configuration, rng: &rng)
        let c = configuration, T = 4, B = 3, S = c.layers * c.directions * B * c.hiddenSize
        var x = randomValues(T * B * c.inputSize, &rng), h0 = randomValues(S, &rng), c0 = randomValues(S, &rng)
        let rOut = randomValues(T * B * c.directions * c.hiddenSize, &rng), rH = randomValues(S, &rng), rC = randomValues(S, &rng)
        let lstm = c.cell == .lstm
        func loss() -> Double {
            let tr = net.forward(.dense(x), steps: T, batch: B, h0: h0, c0: lstm ? c0 : nil)
            return CaseModel.dot(tr.output, rOut) + CaseModel.dot(tr.hN, rH) + (lstm ? CaseModel.dot(tr.cN, rC) : 0)
        }
        net.zeroGrad()
        let g = net.backward(net.forward(.dense(x), steps: T, batch: B, h0: h0, c0: lstm ? c0 : nil),
                             dOutput: rOut, dhN: rH, dcN: lstm ? rC : nil, inputGradient: true)
        let what = "\(c.cell) L=\(c.layers) D=\(c.directions) batchFirst=\(c.batchFirst) bias=\(c.bias)"
        for r in GradientCheck.run(net.parameters, loss: loss) { expectPass(r, what) }
        expectPass(GradientCheck.check(name: "x", analytic: g.dx, get: { x[$0] }, set: { x[$0] = $1 }, loss: loss), what)
        expectPass(GradientCheck.check(name: "h0", analytic: g.dh0, get: { h0[$0] }, set: { h0[$0] = $1 }, loss: loss), what)
        if lstm {
            expectPass(GradientCheck.check(name: "c0", analytic: g.dc0, get: { c0[$0] }, set: { c0[$0] = $1 }, loss: loss), what)
        }
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

    @Test func embeddingNetworkLinearCrossEntropy() {
        var rng = SeededRandom(seed: 74)
        let V = 6, E = 3, H = 4, T = 5, B = 2
        let embedding = Embedding("embedding", count: V, dimension: E, rng: &rng)
        let net = RecurrentNetwork("rnn", .init(cell: .gru, inputSize: E, hiddenSize: H), rng: &rng)
        let fc = Linear("fc", inputSize: H, outputSize: V, rng: &rng)
        let ids = (0..<(T * B)).map { _ in rng.int(below: V) }, targets = (0..<(T * B)).map { _ in rng.int(below: V) }
        let parameters = embedding.parameters + net.parameters + fc.parameters
        func lossAndGradient(backward: Bool) -> Double {
            let trace = net.forward(.dense(embedding.forward(ids)), steps: T, batch: B)
            let logits = fc.forward(trace.output, batch: T * B)
            let (loss, dLogits) = SoftmaxCrossEntropy.loss(
                logProbabilities: SoftmaxCrossEntropy.logSoftmax(logits, classes: V), targets: targets, classes: V)
            if backward {
                let dOutput = fc.backward(dLogits, input: trace.output, batch: T * B)
                embedding.backward(net.backward(trace, dOutput: dOutput, inputGradient: true).dx, ids: ids)
            }
            return loss
        }
        for p in parameters { p.zeroGrad() }
        _ = lossAndGradient(backward: true)
        for r in GradientCheck.run(parameters, loss: { lossAndGradient(backward: false) }) { expectPass(r, "embedding model") }
    }

    @Test func meanSquaredErrorOfTheLastStep() {
        var rng = SeededRandom(seed: 75)
        let net = RecurrentNetwork("rnn", .init(cell: .lstm, inputSize: 1, hiddenSize: 3, batchFirst: true), rng: &rng)
        let fc = Linear("fc", inputSize: 3, outputSize: 1, rng: &rng)
        let T = 4, B = 3, x = randomValues(B * T, &rng), y = randomValues(B, &rng)
        func lossAndGradient(backward: Bool) -> Double {
            let trace = net.forward(.dense(x), steps: T, batch: B)
            var last = [Double](repeating: 0, count: B * 3)
            for b in 0..<B { for j in 0..<3 { last[b * 3 + j] = trace.output[(b * T + T - 1) * 3 + j] } }
            let (loss, dPrediction) = MeanSquaredError.loss(prediction: fc.forward(last, batch: B), target: y)
            if backward {
                let dLast = fc.backward(dPrediction, input: last, batch: B)
                var dOutput = [Double](repeating: 0, count: trace.output.count)
                for b in 0..<B { for j in 0..<3 { dOutput[(b * T + T - 1) * 3 + j] = dLast[b * 3 + j] } }
                _ = net.backward(trace, dOutput: dOutput)
            }
            return loss
        }
        let parameters = net.parameters + fc.parameters
        for p in parameters { p.zeroGrad() }
        _ = lossAndGradient(backward: true)
        for r in GradientCheck.run(parameters, loss: { lossAndGradient(backward: false) }) { expectPass(r, "MSE model") }
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
