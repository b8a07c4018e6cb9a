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

/// The three matrix products of a word model's output layer (320 rows of 64 features against a
/// vocabulary of 6,695 words), on one thread and on every core. Same bits either way.
enum KernelBenchmark {
    static func run() {
        let (rows, features, vocabulary) = (320, 64, 6695)
        var rng = SeededRandom(seed: 2)
        let x = (0..<(rows * features)).map { _ in rng.uniform(-1, 1) }
        let w = (0..<(vocabulary * features)).map { _ in rng.uniform(-1, 1) }
        let dy = (0..<(rows * vocabulary)).map { _ in rng.uniform(-1, 1) }
        let flops = 2 * Double(rows * features * vocabulary)
        print("Matrix products of a word model's output layer (\(rows) × \(features) against \(vocabulary) words; median of 9):")
        for threads in [1, ProcessInfo.processInfo.activeProcessorCount] {
            MatrixProduct.maxThreads = threads
            func time(_ name: String, _ body: () -> Void) {
                var t: [Double] = []
                for _ in 0..<9 { let clock = Stopwatch(); body(); t.append(clock.seconds) }
                let median = t.sorted()[4]
                print("  \(threads) thread(s)  \(name.padding(toLength: 28, withPad: " ", startingAt: 0)) \(Format.fixed(median * 1000, decimals: 2)) ms"
                      + "  \(Format.fixed(flops / median / 1e9, decimals: 1)) GFLOP/s")
            }
            var y = [Double](repeating: 0, count: rows * vocabulary)
            var dw = [Double](repeating: 0, count: vocabulary * features)
            var dx = [Double](repeating: 0, count: rows * features)
            time("logits  Y = X Wᵀ (nt)") {
                MatrixProduct.addProductTransposedB(m: rows, n: vocabulary, k: features, a: x, lda: features, b: w, ldb: features, c: &y, ldc: vocabulary)
            }
            time("weights dW = dYᵀ X (tn)") {
                MatrixProduct.addProductTransposedA(m: vocabulary, n: features, k: rows, a: dy, lda: vocabulary, b: x, ldb: features, c: &dw, ldc: features)
            }
            time("inputs  dX = dY W (nn)") {
                MatrixProduct.addProduct(m: rows, n: features, k: vocabulary, a: dy, lda: vocabulary, b: w, ldb: features, c: &dx, ldc: features)
            }
        }
        MatrixProduct.maxThreads = ProcessInfo.processInfo.activeProcessorCount
    }
}
