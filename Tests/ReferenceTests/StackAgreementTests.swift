import Foundation
import Reference
import Testing
import Unrolled

/// Whole stacks: the fast `Unrolled.RecurrentNetwork<Double>` and the reference one, built from the same
/// seed (so with the same parameters), agree on every output and gradient for every cell, with
/// stacks, two directions, batch-first layouts, no bias, dropout between layers, `T = 1`, `B = 1`
/// and sizes that are not multiples of 8.
@Suite struct StackAgreement {
    static let configurations: [Unrolled.RecurrentNetwork<Double>.Configuration] = Unrolled.RecurrentNetwork<Double>.Cell.allCases.flatMap { cell in
        [
            .init(cell: cell, inputSize: 3, hiddenSize: 5),
            .init(cell: cell, inputSize: 7, hiddenSize: 9, layers: 2, bidirectional: true),
            .init(cell: cell, inputSize: 4, hiddenSize: 3, layers: 3, batchFirst: true),
            .init(cell: cell, inputSize: 2, hiddenSize: 11, layers: 2, bidirectional: true, bias: false, batchFirst: true),
        ]
    }

    @Test(arguments: configurations)
    func fastEqualsReference(configuration c: Unrolled.RecurrentNetwork<Double>.Configuration) {
        var rng = SeededRandom(seed: 21)
        for (T, B) in [(1, 1), (4, 3), (7, 2)] {
            var first = SeededRandom(seed: 5), second = first
            let fast = Unrolled.RecurrentNetwork<Double>("rnn", c, rng: &first)
            let reference = Reference.RecurrentNetwork("rnn", c, rng: &second)
            #expect(fast.parameters.map(\.name) == reference.parameters.map(\.name))
            for (f, r) in zip(fast.parameters, reference.parameters) { #expect(f.value == r.value, "\(f.name): same seed, same values") }
            let S = c.layers * c.directions * B * c.hiddenSize, width = c.directions * c.hiddenSize
            let x = randomValues(T * B * c.inputSize, &rng), h0 = randomValues(S, &rng), c0 = randomValues(S, &rng)
            let dOutput = randomValues(T * B * width, &rng), dhN = randomValues(S, &rng), dcN = randomValues(S, &rng)
            let masks = fast.dropoutMasks(probability: 0.3, steps: T, batch: B, rng: &rng)
            let lstm = c.cell == .lstm
            let what = "\(c.cell) layers \(c.layers) bidirectional \(c.bidirectional) bias \(c.bias) batch-first \(c.batchFirst) T \(T) B \(B)"

            fast.zeroGrad()
            let ft = fast.forward(.dense(x), steps: T, batch: B, h0: h0, c0: lstm ? c0 : nil, dropoutMasks: masks)
            let fg = fast.backward(ft, dOutput: dOutput, dhN: dhN, dcN: lstm ? dcN : nil, inputGradient: true)
            reference.zeroGrad()
            let rt = reference.forward(.dense(x), steps: T, batch: B, h0: h0, c0: lstm ? c0 : nil, dropoutMasks: masks)
            let rg = reference.backward(rt, dOutput: dOutput, dhN: dhN, dcN: lstm ? dcN : nil, inputGradient: true)

            expectAgree(ft.output, rt.output, "\(what): output")
            expectAgree(ft.hN, rt.hN, "\(what): h_n")
            expectAgree(ft.cN, rt.cN, "\(what): c_n")
            expectAgree(fg.dx, rg.dx, "\(what): ∂L/∂x")
            expectAgree(fg.dh0, rg.dh0, "\(what): ∂L/∂h0")
            expectAgree(fg.dc0, rg.dc0, "\(what): ∂L/∂c0")
            for (f, r) in zip(fast.parameters, reference.parameters) { expectAgree(f.grad, r.grad, "\(what): ∂L/∂\(r.name)") }
            // the last step, as a head on it reads it, and its backward pass
            expectAgree(fast.lastStep(of: ft), reference.lastStep(of: rt), "\(what): last step")
            let dLast = randomValues(B * width, &rng)
            expectAgree(fast.outputGradient(lastStep: dLast, of: ft), reference.outputGradient(lastStep: dLast, of: rt), "\(what): ∂output")
        }
    }

    @Test func symbolInputsAgree() {
        var rng = SeededRandom(seed: 22)
        for cell in Unrolled.RecurrentNetwork<Double>.Cell.allCases {
            let c = Unrolled.RecurrentNetwork<Double>.Configuration(cell: cell, inputSize: 6, hiddenSize: 5, bidirectional: true, batchFirst: true)
            var first = SeededRandom(seed: 6), second = first
            let fast = Unrolled.RecurrentNetwork<Double>("rnn", c, rng: &first)
            let reference = Reference.RecurrentNetwork("rnn", c, rng: &second)
            let (T, B) = (5, 3)
            let symbols = (0..<(T * B)).map { _ in rng.int(below: 6) }, dOutput = randomValues(T * B * 10, &rng)
            let ft = fast.forward(.symbols(symbols), steps: T, batch: B)
            let rt = reference.forward(.symbols(symbols), steps: T, batch: B)
            expectAgree(ft.output, rt.output, "\(cell) symbols: output")
            _ = fast.backward(ft, dOutput: dOutput)
            _ = reference.backward(rt, dOutput: dOutput)
            for (f, r) in zip(fast.parameters, reference.parameters) { expectAgree(f.grad, r.grad, "\(cell) symbols: ∂L/∂\(r.name)") }
        }
    }
}
