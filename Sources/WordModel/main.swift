import Foundation
import Unrolled

let command = ChapterCommand(
    name: "word-model", slug: "word-model",
    summary: "Chapter 3: a word-level language model: embeddings, Adam, clipping, top-k sampling, and an honest validation.",
    options: [.init("--seed", "n", "seed of every random choice", default: "1")],
    flags: [("--bench", "time training steps of the lab's recipe and write nothing")])

/// The chapter's corpus: the words of *The Time Machine*.
func corpus(_ options: ChapterCommand.Parsed) throws -> Corpus {
    Corpus(raw: try TimeMachineText(dataDirectory: options.dataDirectory).raw)
}

command.main(bench: { options in benchmark(try corpus(options)) }, run: { options, log in
    try WordModelChapter(seed: try options.seed(), quick: options.quick, corpus: try corpus(options), log: log).run()
})

/// `make bench`: training steps of the lab's recipe (16 × 20 words, Embedding 64, RNN 64, full
/// vocabulary), median of five runs of 20 steps.
func benchmark(_ corpus: Corpus) {
    // one thread, as PyTorch in the comparison; the book's runs use every core
    MatrixProduct.maxThreads = 1
    let r = WordRecipe(name: "bench")
    let (trainWords, _) = corpus.split(0.9)
    let vocabulary = Vocabulary(corpus.words)
    let batches = Batches(vocabulary.ids(trainWords).compactMap { $0 }, rows: r.rows, steps: r.steps)
    var rng = SeededRandom(seed: 1)
    let model = WordModel(cell: .rnnTanh, vocabulary: vocabulary.count, embedding: r.embedding, hidden: r.hidden, rng: &rng)
    var adam = Adam(learningRate: r.learningRate)
    var state = WordModel.State()
    let n = 20
    let seconds = Bench.median(5) {
        for k in 0..<n {
            let (x, y, T) = batches.batch(k)
            _ = model.step(x, y, steps: T, batch: r.rows, state: &state, clip: r.clip, optimizer: &adam)
        }
    }
    Bench.row("word-model", steps: n, seconds: seconds)
}
