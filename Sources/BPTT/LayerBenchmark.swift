import Foundation
import Unrolled

/// `bptt --bench`: one forward and one backward pass of each layer at hidden 128, 35 steps,
/// batch 32, input 128, in the build it runs in. Timings are printed, never written to an output.
enum LayerBenchmark {
    static func run() {
        let H = 128, T = 35, B = 32, I = 128
        var rng = SeededRandom(seed: 1)
        let x = (0..<(T * B * I)).map { _ in rng.uniform(-1, 1) }
        let dOut = (0..<(T * B * H)).map { _ in rng.uniform(-1, 1) }
        let cells: [(String, RecurrentNetwork.Cell)] = [("Elman (tanh)", .rnnTanh), ("Elman (relu)", .rnnRelu), ("LSTM", .lstm), ("GRU", .gru)]
        print("One forward + backward pass, H = \(H), T = \(T), B = \(B), I = \(I) (median of 20, after 3 warm-up runs):")
        for (name, cell) in cells {
            let net = RecurrentNetwork("rnn", .init(cell: cell, inputSize: I, hiddenSize: H), rng: &rng)
            var times: [Double] = []
            for run in 0..<23 {
                let clock = Stopwatch()
                let trace = net.forward(.dense(x), steps: T, batch: B)
                _ = net.backward(trace, dOutput: dOut, inputGradient: true)
                if run >= 3 { times.append(clock.seconds) }
            }
            times.sort()
            let median = times[times.count / 2]
            let G = cell == .lstm ? 4.0 : cell == .gru ? 3.0 : 1.0
            // forward: x·W_ihᵀ and h·W_hhᵀ; backward: three products of the same size each
            let flops = 2 * G * Double(H) * Double(T * B) * Double(I + H) * 3
            print("  \(name.padding(toLength: 14, withPad: " ", startingAt: 0)) \(Format.fixed(median * 1000, decimals: 2)) ms"
                  + "  (\(Format.fixed(flops / median / 1e9, decimals: 1)) GFLOP/s in the matrix products)")
        }
    }
}
