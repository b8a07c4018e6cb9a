import Foundation
import Unrolled

/// One training run of the word model: a vocabulary, a cell and an optimizer setting, trained
/// on the training words and measured on the validation words after every epoch.
struct WordRecipe {
    var name: String
    var cell = RecurrentNetwork.Cell.rnnTanh
    /// Words seen fewer times than this in training become `<unk>` (1: every word kept).
    var minCount = 1
    /// The lab builds its vocabulary from the whole text, validation part included, so that no
    /// word is unknown; the honest models build it from the training words alone.
    var vocabularyFromWholeText = false
    var embedding = 64, hidden = 64, rows = 16, steps = 20
    var learningRate = 0.01, clip = 5.0, epochs = 50
    /// Keep the parameters of the epoch with the lowest validation perplexity (early stopping).
    var earlyStopping = false
    /// A sample every this many iterations (0: none), from `prompt`, `sampleWords` words drawn
    /// from the top `topK`.
    var sampleEvery = 0, prompt = ["I", "can"], sampleWords = 25, topK = 5

    /// The recipe's vocabulary: the whole text's, or the training words' with the cut-off.
    func vocabulary(of corpus: Corpus, trainWords: ArraySlice<String>) -> Vocabulary {
        vocabularyFromWholeText ? Vocabulary(corpus.words) : Vocabulary(trainWords, minCount: minCount)
    }
}

struct WordRun {
    var vocabulary = 0
    var trainPerplexity: [Double] = [], validPerplexity: [Double] = []
    var bestEpoch = 0
    var samples: [(iteration: Int, text: String)] = []
    /// Samples from the same model at the same iterations, drawn as the lab draws them.
    var labSamples: [(iteration: Int, text: String)] = []
    var iterations = 0
    var model: WordModel?
    var words: Vocabulary?

    var chosenValidPerplexity: Double { validPerplexity[bestEpoch - 1] }
}

func train(_ r: WordRecipe, corpus: Corpus, trainFraction: Double, seed: UInt64, cancel: Cancellation, log: Log) throws -> WordRun {
    let (trainWords, validWords) = corpus.split(trainFraction)
    let vocabulary = r.vocabulary(of: corpus, trainWords: trainWords)
    let prompt = vocabulary.ids(r.prompt), promptIds = prompt.compactMap { $0 }
    guard promptIds.count == prompt.count, !promptIds.contains(where: { $0 == vocabulary.unknown }) else {
        throw UnrolledError("\(r.name): the prompt \(r.prompt.joined(separator: " ")) has a word outside the vocabulary")
    }
    // with a vocabulary of the training words alone and no <unk>, a validation word it lacks
    // would be dropped (the chapter's models have either <unk> or the whole text's vocabulary)
    let trainIds = vocabulary.ids(trainWords).compactMap { $0 }, validIds = vocabulary.ids(validWords).compactMap { $0 }
    let train = Batches(trainIds, rows: r.rows, steps: r.steps), valid = Batches(validIds, rows: r.rows, steps: r.steps)
    var rng = SeededRandom(seed: seed)
    let model = WordModel(cell: r.cell, vocabulary: vocabulary.count, embedding: r.embedding, hidden: r.hidden, rng: &rng)
    var adam = Adam(learningRate: r.learningRate)
    var draw = SeededRandom(seed: seed &+ 1)
    // the lab's sampler draws from a stream of its own, so the book's samples stay as they were
    var labDraw = SeededRandom(seed: seed &+ 1_000)
    var run = WordRun(vocabulary: vocabulary.count, words: vocabulary)
    var best: [[Precision]] = [], bestValid = Double.infinity
    for epoch in 1...r.epochs {
        var state = WordModel.State(), total = 0.0, count = 0
        for k in 0..<train.count {
            try cancel.check()
            let (x, y, T) = train.batch(k)
            let loss = model.step(x, y, steps: T, batch: r.rows, state: &state, clip: r.clip, optimizer: &adam)
            guard loss.isFinite else { throw UnrolledError("\(r.name): the training loss became \(loss); lower its learning rate") }
            total += loss * Double(T * r.rows); count += T * r.rows
            run.iterations += 1
            if r.sampleEvery > 0 && run.iterations % r.sampleEvery == 0 {
                let ids = model.sample(prompt: promptIds, count: r.sampleWords, topK: r.topK, rng: &draw)
                run.samples.append((run.iterations, ids.map { vocabulary.words[$0] }.joined(separator: " ")))
                let labIds = model.sampleUniform(prompt: promptIds, count: r.sampleWords, topK: r.topK, rng: &labDraw)
                run.labSamples.append((run.iterations, labIds.map { vocabulary.words[$0] }.joined(separator: " ")))
            }
        }
        run.trainPerplexity.append(exp(total / Double(count)))
        var state2 = WordModel.State(), nll = 0.0, n = 0
        for k in 0..<valid.count {
            let (x, y, T) = valid.batch(k)
            nll += model.negativeLogLikelihood(x, y, steps: T, batch: r.rows, state: &state2); n += T * r.rows
        }
        let v = exp(nll / Double(n))
        run.validPerplexity.append(v)
        log("  \(r.name) epoch \(epoch): train perplexity \(Format.fixed(run.trainPerplexity.last!, decimals: 1)), validation \(Format.number(v, digits: 4))")
        if v < bestValid { bestValid = v; run.bestEpoch = epoch; if r.earlyStopping { best = model.parameters.map(\.value) } }
    }
    if r.earlyStopping { for (p, v) in zip(model.parameters, best) { p.value = v } } else { run.bestEpoch = r.epochs }
    run.model = model
    return run
}

// snippet.word-ngram
/// The smoothed n-gram's validation perplexity with the same vocabulary and the same text: the
/// training ids, then every validation id in the same rows the network reads, each predicted
/// from the words before it in its row (a row's first word from nothing, as the network starts
/// from zero).
func nGramPerplexity(order: Int, _ r: WordRecipe, vocabulary: Vocabulary, corpus: Corpus,
                     trainFraction: Double) -> Double {
    let (trainWords, validWords) = corpus.split(trainFraction)
    let trainIds = vocabulary.ids(trainWords).compactMap { $0 },
        validIds = vocabulary.ids(validWords).compactMap { $0 }
    let model = NGramModel(order: order, vocabulary: vocabulary.count, training: trainIds)
    let valid = Batches(validIds, rows: r.rows, steps: r.steps)
    var nll = 0.0, n = 0
    for b in 0..<r.rows {
        let row = valid.grid[(b * valid.columns)..<((b + 1) * valid.columns)]
        for t in row.indices.dropFirst() {
            nll -= model.logProbability(row[t], context: row[row.startIndex..<t]); n += 1
        }
    }
    return exp(nll / Double(n))
}
// snippet.end
