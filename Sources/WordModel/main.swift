import Foundation
import Unrolled

let command = ChapterCommand(
    name: "word-model", slug: "word-model",
    summary: "Chapter 3: a word-level language model: embeddings, Adam, clipping, top-k sampling, and an honest validation.",
    options: [.init("--seed", "n", "seed of every random choice", default: "1")],
    flags: [("--bench", "time training steps of the lab's recipe and write nothing")])

command.main { options in
    let log = Log(quiet: options.quiet)
    let s = try options.int("--seed")
    guard s >= 0 else { throw ChapterCommand.UsageError("--seed must be non-negative") }
    let text = try TimeMachineText(dataDirectory: options.dataDirectory)
    let corpus = Corpus(raw: text.raw)
    if options.has("--bench") {
        benchmark(corpus)
        return
    }
    let outputs = try WordModelChapter(seed: UInt64(s), quick: options.quick, corpus: corpus, log: log).run()
    try outputs.write(to: options.outputDirectory)
    log("Wrote \(outputs.files.count) files to \(options.outputDirectory.path).")
}

/// `make bench`: training steps of the lab's recipe (16 × 20 words, Embedding 64, RNN 64, full
/// vocabulary), median of five runs of 20 steps.
func benchmark(_ corpus: Corpus) {
    let r = WordRecipe(name: "bench")
    let (trainWords, _) = corpus.split(0.9)
    let vocabulary = Vocabulary(corpus.words)
    let batches = Batches(vocabulary.ids(trainWords).compactMap { $0 }, rows: r.rows, steps: r.steps)
    var rng = SeededRandom(seed: 1)
    let model = WordModel(cell: .rnnTanh, vocabulary: vocabulary.count, embedding: r.embedding, hidden: r.hidden, rng: &rng)
    var adam = Adam(learningRate: r.learningRate)
    var state = WordModel.State()
    let n = 20
    let times = (0..<5).map { _ -> Double in
        let clock = Stopwatch()
        for k in 0..<n {
            let (x, y, T) = batches.batch(k)
            _ = model.step(x, y, steps: T, batch: r.rows, state: &state, clip: r.clip, optimizer: &adam)
        }
        return clock.seconds / Double(n)
    }.sorted()
    print("word-model,\(n),\(Format.fixed(times[2] * Double(n), decimals: 4)),\(Format.fixed(times[2] * 1000, decimals: 3))")
    benchmarkProducts(vocabulary: vocabulary.count)
}

/// The three products of the output layer, alone: `experiment` names the form and the shape
/// (`M×N×K`), `ms_per_step` the time of one product, and the last column its rate in GFLOP/s,
/// on one thread and on all.
func benchmarkProducts(vocabulary V: Int) {
    var rng = SeededRandom(seed: 2)
    let M = 320, H = 64
    let h = (0..<(M * H)).map { _ in rng.uniform(-1, 1) }, w = (0..<(V * H)).map { _ in rng.uniform(-1, 1) }
    let dy = (0..<(M * V)).map { _ in rng.uniform(-1, 1) }
    var logits = [Double](repeating: 0, count: M * V), dW = [Double](repeating: 0, count: V * H), dh = [Double](repeating: 0, count: M * H)
    let forms: [(String, () -> Void)] = [
        ("nt-forward-\(M)x\(V)x\(H)", { MatrixProduct.addProductTransposedB(m: M, n: V, k: H, a: h, lda: H, b: w, ldb: H, c: &logits, ldc: V) }),
        ("tn-weight-grad-\(V)x\(H)x\(M)", { MatrixProduct.addProductTransposedA(m: V, n: H, k: M, a: dy, lda: V, b: h, ldb: H, c: &dW, ldc: H) }),
        ("nn-input-grad-\(M)x\(H)x\(V)", { MatrixProduct.addProduct(m: M, n: H, k: V, a: dy, lda: V, b: w, ldb: H, c: &dh, ldc: H) }),
    ]
    let threads = MatrixProduct.maxThreads
    for t in [1, threads] {
        MatrixProduct.maxThreads = t
        for (name, run) in forms {
            let times = (0..<5).map { _ -> Double in
                let clock = Stopwatch()
                for _ in 0..<10 { run() }
                return clock.seconds / 10
            }.sorted()
            let gflops = 2 * Double(M * V * H) / times[2] / 1e9
            print("matmul-\(name)-threads-\(t),10,\(Format.fixed(times[2] * 10, decimals: 4)),\(Format.fixed(times[2] * 1000, decimals: 3)),\(Format.fixed(gflops, decimals: 1)) GFLOP/s")
        }
    }
    MatrixProduct.maxThreads = threads
}
