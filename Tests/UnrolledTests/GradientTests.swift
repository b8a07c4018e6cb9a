import Foundation
import Testing
@testable import Unrolled

/// Every backward pass of the library against finite differences, in Double. A tensor passes when
/// its norm-wise relative error is at most 1e-8 (observed: about 1e-11).
@Suite struct GradientTests {
    static let tolerance = 1e-8

    func expectAllPass(_ results: [GradientCheck.Result], _ what: String) {
        #expect(!results.isEmpty)
        for r in results {
            #expect(r.relativeError <= Self.tolerance, "\(what) \(r.name): relative error \(r.relativeError)")
            #expect(r.maxAbsGradient > 0, "\(what) \(r.name): gradient is zero everywhere, so the check proves nothing")
        }
    }

    @Test func tutorialCell() {
        var rng = SeededRandom(seed: 11)
        let cell = TutorialCell(inputSize: 6, hiddenSize: 5, outputSize: 4, rng: &rng)
        let letters = [2, 0, 5, 3, 2, 1], target = 3
        let h0 = randomValues(5, &rng)
        cell.zeroGrad()
        let (dh0, dx) = cell.backward(cell.forward(letters, h0: h0), target: target, inputGradient: true)
        let loss = { cell.loss(cell.forward(letters, h0: h0), target: target) }
        expectAllPass(GradientCheck.run(cell.parameters, loss: loss), "tutorial cell")
        var h = h0
        let r = GradientCheck.check(
            name: "h0", analytic: dh0, get: { h[$0] }, set: { h[$0] = $1 }, loss: { cell.loss(cell.forward(letters, h0: h), target: target) })
        #expect(r.relativeError <= Self.tolerance)
        // ∂L/∂x of the one-hot input is compared with PyTorch's in ReferenceTests.
        #expect(dx.count == letters.count && dx.allSatisfy { $0.count == 6 })
    }

    /// Checks a layer's parameters, `x` and `h0` under `L = Σ output · R_output + Σ h_T · R_last`,
    /// so that every output and the final state reach the loss.
    func checkLayer(_ layer: any SequenceLayer<Double>, steps T: Int, batch B: Int, rng: inout SeededRandom, _ what: String) {
        let I = layer.inputSize, H = layer.hiddenSize
        var x = randomValues(T * B * I, &rng), h0 = randomValues(B * H, &rng)
        let rOut = randomValues(T * B * H, &rng), rLast = randomValues(B * H, &rng)
        func loss() -> Double {
            let tr = layer.forward(.dense(x), steps: T, batch: B, h0: h0)
            return zip(tr.outputs, rOut).reduce(0) { $0 + $1.0 * $1.1 } + zip(tr.last, rLast).reduce(0) { $0 + $1.0 * $1.1 }
        }
        layer.zeroGrad()
        let trace = layer.forward(.dense(x), steps: T, batch: B, h0: h0)
        let (dh0, dx) = layer.backward(trace, dOutputs: rOut, dLast: rLast, inputGradient: true)
        expectAllPass(GradientCheck.run(layer.parameters, loss: loss), what)
        let rx = GradientCheck.check(name: "x", analytic: dx, get: { x[$0] }, set: { x[$0] = $1 }, loss: loss)
        let rh = GradientCheck.check(name: "h0", analytic: dh0, get: { h0[$0] }, set: { h0[$0] = $1 }, loss: loss)
        #expect(rx.relativeError <= Self.tolerance, "\(what) x: \(rx.relativeError)")
        #expect(rh.relativeError <= Self.tolerance, "\(what) h0: \(rh.relativeError)")
    }

    @Test(arguments: [ElmanLayer.Activation.tanh, .relu], [true, false])
    func elmanLayer(activation: ElmanLayer.Activation, bias: Bool) {
        var rng = SeededRandom(seed: activation == .tanh ? 21 : 22)
        let layer = ElmanLayer("rnn", inputSize: 3, hiddenSize: 5, activation: activation, bias: bias, rng: &rng)
        checkLayer(layer, steps: 4, batch: 3, rng: &rng, "Elman \(activation)")
    }

    @Test(arguments: [true, false]) func gruLayer(bias: Bool) {
        var rng = SeededRandom(seed: bias ? 23 : 24)
        let layer = GRULayer("gru", inputSize: 3, hiddenSize: 4, bias: bias, rng: &rng)
        checkLayer(layer, steps: 5, batch: 2, rng: &rng, "GRU")
    }

    @Test(arguments: [false, true])
    func symbolInputsEqualOneHotProductsBitForBit(gru: Bool) {
        var rng = SeededRandom(seed: 61)
        let I = 9, H = 6, T = 4, B = 3
        let layer: any SequenceLayer<Double> = gru
            ? GRULayer("l", inputSize: I, hiddenSize: H, rng: &rng) : ElmanLayer("l", inputSize: I, hiddenSize: H, rng: &rng)
        let symbols = (0..<(T * B)).map { _ in rng.int(below: I) }
        var oneHot = [Double](repeating: 0, count: T * B * I)
        for (r, s) in symbols.enumerated() { oneHot[r * I + s] = 1 }
        let dOut = randomValues(T * B * H, &rng)
        func run(_ x: SequenceInput) -> ([Double], [[Double]]) {
            layer.zeroGrad()
            let trace = layer.forward(x, steps: T, batch: B, h0: nil)
            let (dh0, _) = layer.backward(trace, dOutputs: dOut, dLast: nil, inputGradient: false)
            return (trace.states + dh0, layer.parameters.map(\.grad))
        }
        let (a, ga) = run(.dense(oneHot)), (b, gb) = run(.symbols(symbols))
        #expect(a == b)
        #expect(ga == gb)
    }

    @Test func linearAndCrossEntropy() {
        var rng = SeededRandom(seed: 41)
        let layer = Linear("fc", inputSize: 5, outputSize: 3, rng: &rng)
        var x = randomValues(4 * 5, &rng)
        let targets = [0, 2, 1, 2]
        func loss() -> Double {
            let logp = SoftmaxCrossEntropy.logSoftmax(layer.forward(x, batch: 4), classes: 3)
            return SoftmaxCrossEntropy.loss(logProbabilities: logp, targets: targets, classes: 3).loss
        }
        layer.zeroGrad()
        let logp = SoftmaxCrossEntropy.logSoftmax(layer.forward(x, batch: 4), classes: 3)
        let dz = SoftmaxCrossEntropy.loss(logProbabilities: logp, targets: targets, classes: 3).dLogits
        let dx = layer.backward(dz, input: x, batch: 4)
        expectAllPass(GradientCheck.run(layer.parameters, loss: loss), "linear")
        #expect(GradientCheck.check(name: "x", analytic: dx, get: { x[$0] }, set: { x[$0] = $1 }, loss: loss).relativeError <= Self.tolerance)
    }

    @Test func aWrongGradientIsCaught() {
        // The check must be able to fail: a backward pass that forgets tanh' is off by far more
        // than the tolerance.
        var rng = SeededRandom(seed: 51)
        let layer = ElmanLayer("rnn", inputSize: 3, hiddenSize: 4, rng: &rng)
        let x = randomValues(3 * 2 * 3, &rng)
        let loss = { layer.forward(.dense(x), steps: 3, batch: 2).last.reduce(0, +) }
        layer.zeroGrad()
        _ = layer.backward(layer.forward(.dense(x), steps: 3, batch: 2), dLast: [Double](repeating: 1, count: 8))
        layer.weightHH.grad[0] += 1e-3
        let results = GradientCheck.run(layer.parameters, loss: loss)
        #expect(results.first { $0.name == "rnn.weight_hh" }!.relativeError > 1e-5)
    }
}

