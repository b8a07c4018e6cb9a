import Foundation
import Reference
import Testing
import Unrolled

@Suite struct DropoutAgreement {
    /// The same seed gives the same masks as `RecurrentNetwork.dropoutMasks`, and leaves the
    /// generator in the same state (nothing is drawn without dropout or with one layer).
    @Test(arguments: [0.0, 0.2, 0.5, 0.9])
    func masksEqualTheNetworks(probability p: Double) {
        var rng = SeededRandom(seed: 51)
        for (layers, bidirectional, T, B, H) in [(1, false, 3, 2, 5), (2, false, 1, 1, 1), (3, false, 4, 3, 7), (2, true, 5, 2, 9)] {
            let what = "dropout p \(p) layers \(layers) bidirectional \(bidirectional) T \(T) B \(B) H \(H)"
            let net = Unrolled.RecurrentNetwork<Double>("rnn", .init(cell: .rnnTanh, inputSize: 3, hiddenSize: H, layers: layers,
                                                    bidirectional: bidirectional), rng: &rng)
            let seed = rng.next()
            var fastRNG = SeededRandom(seed: seed), referenceRNG = SeededRandom(seed: seed)
            let fast = net.dropoutMasks(probability: p, steps: T, batch: B, rng: &fastRNG)
            let reference = Dropout.masks(probability: p, layers: layers, steps: T, batch: B,
                                          width: (bidirectional ? 2 : 1) * H, rng: &referenceRNG)
            #expect(fast == reference, "\(what): masks")
            #expect(fastRNG.next() == referenceRNG.next(), "\(what): the generator after")
        }
    }

    @Test func forwardAndBackward() {
        var rng = SeededRandom(seed: 52)
        let p = 0.3, n = 2000
        let mask = Dropout.mask(probability: p, count: n, rng: &rng)
        #expect(mask.allSatisfy { $0 == 0 || $0 == 1 / (1 - p) }, "every entry 0 or 1/(1-p)")
        let dropped = Double(mask.filter { $0 == 0 }.count) / Double(n)
        #expect(abs(dropped - p) < 0.05, "about a fraction p dropped: \(dropped)")
        let x = randomValues(n, &rng), dy = randomValues(n, &rng)
        #expect(Dropout.forward(x, mask: mask) == (0..<n).map { x[$0] * mask[$0] })
        #expect(Dropout.backward(dy, mask: mask) == (0..<n).map { dy[$0] * mask[$0] })
    }
}
