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
        let cells: [(String, RecurrentNetwork.Cell)] = [("elman-tanh", .rnnTanh), ("elman-relu", .rnnRelu), ("lstm", .lstm), ("gru", .gru)]
        Bench.note("One forward + backward pass, H = \(H), T = \(T), B = \(B), I = \(I) (median of 20, after 3 warm-up runs):")
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
            Bench.row("layer-\(name)-h\(H)-t\(T)-b\(B)", steps: 1, seconds: median)
            Bench.note("  \(name): \(Format.fixed(flops / median / 1e9, decimals: 1)) GFLOP/s in the matrix products")
        }
    }
}

/// The three matrix products of a word model's output layer (320 rows of 64 features against a
/// vocabulary of 6,949 words), in `Double` and in `Float`, on one thread and on every core; and
/// square products of 256 to 1,024 on one thread, against the core's limit (about 43 GFLOP/s in
/// `Double` and 91 in `Float` here). Same bits with any number of threads.
enum KernelBenchmark {
    static func run() {
        let (rows, features, vocabulary) = (320, 64, 6949)
        var rng = SeededRandom(seed: 2)
        let x = (0..<(rows * features)).map { _ in rng.uniform(-1, 1) }
        let w = (0..<(vocabulary * features)).map { _ in rng.uniform(-1, 1) }
        let dy = (0..<(rows * vocabulary)).map { _ in rng.uniform(-1, 1) }
        let flops = 2 * Double(rows * features * vocabulary)
        Bench.note("Matrix products of a word model's output layer (\(rows) × \(features) against \(vocabulary) words; median of 9):")
        for threads in [1, ProcessInfo.processInfo.activeProcessorCount] {
            MatrixProduct.maxThreads = threads
            func time(_ name: String, _ body: () -> Void) {
                let median = Bench.median(9, body)
                Bench.row("matmul-\(name)-threads-\(threads)", steps: 1, seconds: median)
                Bench.note("  matmul-\(name)-threads-\(threads): \(Format.fixed(flops / median / 1e9, decimals: 1)) GFLOP/s")
            }
            var y = [Double](repeating: 0, count: rows * vocabulary)
            var dw = [Double](repeating: 0, count: vocabulary * features)
            var dx = [Double](repeating: 0, count: rows * features)
            time("double-nt-logits") {
                MatrixProduct.addProductTransposedB(m: rows, n: vocabulary, k: features, a: x, lda: features, b: w, ldb: features, c: &y, ldc: vocabulary)
            }
            time("double-tn-weight-grad") {
                MatrixProduct.addProductTransposedA(m: vocabulary, n: features, k: rows, a: dy, lda: vocabulary, b: x, ldb: features, c: &dw, ldc: features)
            }
            time("double-nn-input-grad") {
                MatrixProduct.addProduct(m: rows, n: features, k: vocabulary, a: dy, lda: vocabulary, b: w, ldb: features, c: &dx, ldc: features)
            }
            let (x32, w32, dy32) = (x.map(Float.init), w.map(Float.init), dy.map(Float.init))
            var y32 = [Float](repeating: 0, count: rows * vocabulary)
            var dw32 = [Float](repeating: 0, count: vocabulary * features)
            var dx32 = [Float](repeating: 0, count: rows * features)
            time("float-nt-logits") {
                MatrixProduct.addProductTransposedB(m: rows, n: vocabulary, k: features, a: x32, lda: features, b: w32, ldb: features, c: &y32, ldc: vocabulary)
            }
            time("float-tn-weight-grad") {
                MatrixProduct.addProductTransposedA(m: vocabulary, n: features, k: rows, a: dy32, lda: vocabulary, b: x32, ldb: features, c: &dw32, ldc: features)
            }
            time("float-nn-input-grad") {
                MatrixProduct.addProduct(m: rows, n: features, k: vocabulary, a: dy32, lda: vocabulary, b: w32, ldb: features, c: &dx32, ldc: features)
            }
        }
        MatrixProduct.maxThreads = 1
        for n in [256, 512, 1024] {
            let a = (0..<(n * n)).map { _ in rng.uniform(-1, 1) }, b = a
            var c = [Double](repeating: 0, count: n * n)
            let median = Bench.median(3) { MatrixProduct.addProduct(m: n, n: n, k: n, a: a, lda: n, b: b, ldb: n, c: &c, ldc: n) }
            Bench.row("matmul-double-nn-square-\(n)-threads-1", steps: 1, seconds: median)
            Bench.note("  matmul-double-nn-square-\(n): \(Format.fixed(2 * Double(n * n * n) / median / 1e9, decimals: 1)) GFLOP/s (limit about 43)")
        }
        MatrixProduct.maxThreads = ProcessInfo.processInfo.activeProcessorCount
    }
}
