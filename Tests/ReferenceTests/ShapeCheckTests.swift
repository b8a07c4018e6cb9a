import Reference
import Testing
import Unrolled

/// A layer given a buffer of the wrong size stops with a message instead of reading past it.
@Suite struct ShapeCheckTests {
    @Test func aWrongInitialStateStopsTheFastLayer() async {
        await #expect(processExitsWith: .failure) {
            var rng = SeededRandom(seed: 1)
            let layer = Unrolled.ElmanLayer<Double>("rnn", inputSize: 3, hiddenSize: 4, rng: &rng)
            _ = layer.forward(.dense([Double](repeating: 0, count: 2 * 5 * 3)), steps: 2, batch: 5, h0: [0, 0, 0])
        }
    }

    @Test func aSymbolOutsideTheInputStopsTheReferenceLayer() async {
        await #expect(processExitsWith: .failure) {
            var rng = SeededRandom(seed: 1)
            let layer = Reference.GRULayer("rnn", inputSize: 3, hiddenSize: 4, rng: &rng)
            _ = layer.forward(.symbols([0, 3]), steps: 2, batch: 1, h0: nil)
        }
    }

    @Test func aShortInputStopsTheStack() async {
        await #expect(processExitsWith: .failure) {
            var rng = SeededRandom(seed: 1)
            let net = Unrolled.RecurrentNetwork<Double>("rnn", .init(cell: .lstm, inputSize: 2, hiddenSize: 3, layers: 2), rng: &rng)
            _ = net.forward(.dense([1, 2, 3]), steps: 2, batch: 1)
        }
    }
}
