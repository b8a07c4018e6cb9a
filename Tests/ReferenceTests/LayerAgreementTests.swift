import Foundation
import Reference
import Testing
import Unrolled

/// Runs the same sequence through a fast and a reference layer with the same parameters and
/// expects every output and gradient to agree: states, cell states, `∂L/∂h0`, `∂L/∂c0`,
/// `∂L/∂x` and every parameter gradient, for a loss that reads every output and the last states.
func expectLayersAgree(_ fast: any SequenceLayer<Double>, _ reference: any SequenceLayer<Double>, steps T: Int, batch B: Int,
                       symbols: Bool = false, rng: inout SeededRandom, _ what: String) {
    copyParameters(from: fast.parameters, to: reference.parameters)
    let I = fast.inputSize, H = fast.hiddenSize
    let x: SequenceInput = symbols ? .symbols((0..<(T * B)).map { _ in rng.int(below: I) }) : .dense(randomValues(T * B * I, &rng))
    let h0 = randomValues(B * H, &rng), c0 = randomValues(B * H, &rng)
    let dOutputs = randomValues(T * B * H, &rng), dLast = randomValues(B * H, &rng), dLastCell = randomValues(B * H, &rng)
    var traces: [SequenceTrace] = [], grads: [SequenceGradient] = []
    for layer in [fast, reference] {
        layer.zeroGrad()
        let trace = layer.forward(x, steps: T, batch: B, h0: h0, c0: c0)
        traces.append(trace)
        grads.append(layer.backward(trace, dOutputs: dOutputs, dLast: dLast, dLastCell: layer.hasCellState ? dLastCell : nil,
                                    inputGradient: !symbols))
    }
    expectAgree(traces[0].states, traces[1].states, "\(what): states")
    expectAgree(traces[0].cells, traces[1].cells, "\(what): cell states")
    expectAgree(grads[0].dh0, grads[1].dh0, "\(what): ∂L/∂h0")
    expectAgree(grads[0].dc0, grads[1].dc0, "\(what): ∂L/∂c0")
    expectAgree(grads[0].dx, grads[1].dx, "\(what): ∂L/∂x")
    for (f, r) in zip(fast.parameters, reference.parameters) { expectAgree(f.grad, r.grad, "\(what): ∂L/∂\(r.name)") }
}

/// The shapes every layer is tried on: `T = 1`, `B = 1`, sizes that are not multiples of 4 or 8,
/// and larger ones that take the fast kernels' blocked paths.
let agreementShapes: [(T: Int, B: Int, I: Int, H: Int)] = [
    (1, 1, 1, 1), (1, 3, 5, 7), (4, 1, 3, 2), (5, 2, 9, 11), (3, 5, 17, 13), (6, 9, 33, 20), (2, 17, 8, 40),
]

@Suite struct ElmanAgreement {
    @Test(arguments: [Unrolled.ElmanLayer<Double>.Activation.tanh, .relu], [true, false])
    func fastEqualsReference(activation: Unrolled.ElmanLayer<Double>.Activation, bias: Bool) {
        var rng = SeededRandom(seed: 11)
        for (T, B, I, H) in agreementShapes {
            for symbols in [false, true] {
                let fast = Unrolled.ElmanLayer<Double>("rnn", inputSize: I, hiddenSize: H, activation: activation, bias: bias, rng: &rng)
                let reference = Reference.ElmanLayer("rnn", inputSize: I, hiddenSize: H, activation: activation, bias: bias, rng: &rng)
                expectLayersAgree(fast, reference, steps: T, batch: B, symbols: symbols, rng: &rng,
                                  "Elman \(activation) bias \(bias) T \(T) B \(B) I \(I) H \(H) symbols \(symbols)")
            }
        }
    }
}

/// Expects a fast and a reference layer built from the same seed to hold the same parameters
/// (names, shapes, values), and their forward passes to keep the same per-step cache.
func expectSameInitialization(_ fast: any SequenceLayer<Double>, _ reference: any SequenceLayer<Double>, rng: inout SeededRandom, _ what: String) {
    #expect(fast.parameters.map(\.name) == reference.parameters.map(\.name), "\(what): parameter names")
    #expect(fast.parameters.map(\.shape) == reference.parameters.map(\.shape), "\(what): parameter shapes")
    #expect(fast.parameters.map(\.value) == reference.parameters.map(\.value), "\(what): initial values")
    let T = 3, B = 2
    let x = SequenceInput.dense(randomValues(T * B * fast.inputSize, &rng))
    let h0 = randomValues(B * fast.hiddenSize, &rng), c0 = randomValues(B * fast.hiddenSize, &rng)
    expectAgree(fast.forward(x, steps: T, batch: B, h0: h0, c0: c0).cache,
                reference.forward(x, steps: T, batch: B, h0: h0, c0: c0).cache, "\(what): cache")
}

@Suite struct LSTMAgreement {
    @Test(arguments: [true, false])
    func fastEqualsReference(bias: Bool) {
        var rng = SeededRandom(seed: 12)
        for (T, B, I, H) in agreementShapes {
            for symbols in [false, true] {
                let fast = Unrolled.LSTMLayer<Double>("lstm", inputSize: I, hiddenSize: H, bias: bias, rng: &rng)
                let reference = Reference.LSTMLayer("lstm", inputSize: I, hiddenSize: H, bias: bias, rng: &rng)
                expectLayersAgree(fast, reference, steps: T, batch: B, symbols: symbols, rng: &rng,
                                  "LSTM bias \(bias) T \(T) B \(B) I \(I) H \(H) symbols \(symbols)")
            }
        }
    }

    @Test(arguments: [true, false])
    func sameSeedSameLayer(bias: Bool) {
        var a = SeededRandom(seed: 5), b = SeededRandom(seed: 5), rng = SeededRandom(seed: 6)
        expectSameInitialization(Unrolled.LSTMLayer<Double>("lstm", inputSize: 5, hiddenSize: 7, bias: bias, suffix: "_l0", rng: &a),
                                 Reference.LSTMLayer("lstm", inputSize: 5, hiddenSize: 7, bias: bias, suffix: "_l0", rng: &b),
                                 rng: &rng, "LSTM bias \(bias)")
    }
}

@Suite struct GRUAgreement {
    @Test(arguments: [true, false])
    func fastEqualsReference(bias: Bool) {
        var rng = SeededRandom(seed: 13)
        for (T, B, I, H) in agreementShapes {
            for symbols in [false, true] {
                let fast = Unrolled.GRULayer<Double>("gru", inputSize: I, hiddenSize: H, bias: bias, rng: &rng)
                let reference = Reference.GRULayer("gru", inputSize: I, hiddenSize: H, bias: bias, rng: &rng)
                expectLayersAgree(fast, reference, steps: T, batch: B, symbols: symbols, rng: &rng,
                                  "GRU bias \(bias) T \(T) B \(B) I \(I) H \(H) symbols \(symbols)")
            }
        }
    }

    @Test(arguments: [true, false])
    func sameSeedSameLayer(bias: Bool) {
        var a = SeededRandom(seed: 5), b = SeededRandom(seed: 5), rng = SeededRandom(seed: 6)
        expectSameInitialization(Unrolled.GRULayer<Double>("gru", inputSize: 5, hiddenSize: 7, bias: bias, suffix: "_l0", rng: &a),
                                 Reference.GRULayer("gru", inputSize: 5, hiddenSize: 7, bias: bias, suffix: "_l0", rng: &b),
                                 rng: &rng, "GRU bias \(bias)")
    }
}
