import Foundation
import Unrolled

/// Does the network need more text than the n-gram model? The chapter's best network and the
/// Kneser–Ney n-gram model each learn from the first `n` characters of the whole-text split's
/// training part (section 2.3: the first 90 % of the book), for several `n`, and both are
/// scored on that split's held-out tail, the same predictions for both.
///
/// The compute budget is fixed: every network takes the same number of training steps
/// (`stepsPerRun` batches of `batch` windows of `steps` symbols, picked at random from its
/// text), whatever the size of the text. 625 steps of 16 windows is one epoch of d2l's 10,000
/// training windows, the budget of the 2-layer GRU in section 2.2. A larger text is therefore
/// read fewer times, not for longer.
struct DataSize {
    /// Training texts: the first this many characters, each capped at the training part (so the
    /// last one is the whole training part).
    var sizes = [10_000, 40_000, 160_000]
    var trainFraction = 0.9
    /// The chapter's best configuration of section 2.2 (hidden, layers, dropout, learning rate, batch).
    var recipe = D2LSetup.Recipe(name: "2-layer GRU", cell: .gru, hidden: 64, layers: 2, dropout: 0.5,
                                 learningRate: 0.005, batch: 16, epochs: 1)
    var stepsPerRun = 625
    var steps = 32, clip = 1.0, validBatch = 256
    var nGramOrder = 4
    /// d2l's 28 symbols (27 and `<unk>`), as in section 2.2, for both models.
    let vocabulary = TimeMachineText.alphabet.count + 1

    struct Row {
        var characters: Int
        var networkPerplexity: Double
        var nGramPerplexity: Double
    }

    /// The training part's length and the held-out tail, in consecutive windows each read from a
    /// zero state (as section 2.3 reads it).
    func split(_ text: [Int]) -> (trainLength: Int, tail: Windows) {
        let trainLength = Int(Double(text.count) * trainFraction)
        let starts = Array(stride(from: trainLength, to: text.count - steps - 1, by: steps))
        return (trainLength, Windows(text: text, starts: starts, steps: steps))
    }

    /// The sizes actually used: each capped at the training part.
    func characters(_ text: [Int]) -> [Int] {
        let trainLength = split(text).trainLength
        return sizes.map { min($0, trainLength) }
    }

    /// The network trained on the first `characters` symbols with its own random stream `seed`,
    /// and the n-gram model counted on the same symbols, both scored on the tail.
    func run(characters: Int, text: [Int], seed: UInt64, cancel: Cancellation) throws -> Row {
        let (_, tail) = split(text)
        var rng = SeededRandom(seed: seed)
        let model = LanguageModel(cell: recipe.cell, vocabulary: vocabulary, hidden: recipe.hidden,
                                  layers: recipe.layers, dropout: recipe.dropout, rng: &rng)
        var adam = Adam(learningRate: recipe.learningRate)
        let train = Windows(text: text, starts: Array(0..<(characters - steps - 1)), steps: steps)
        for _ in 0..<stepsPerRun {
            try cancel.check()
            let picks = (0..<recipe.batch).map { _ in rng.int(below: train.starts.count) }
            let (x, y) = train.batch(picks[...])
            let loss = model.step(x, y, steps: steps, batch: recipe.batch, clip: clip, optimizer: &adam, rng: &rng)
            guard loss.isFinite else { throw UnrolledError("data size \(characters): the training loss became \(loss)") }
        }
        let nGram = NGramModel(order: nGramOrder, vocabulary: vocabulary, training: Array(text[0..<characters]))
        return Row(characters: characters,
                   networkPerplexity: tail.perplexity(of: model, batch: validBatch).perplexity,
                   nGramPerplexity: tail.perplexity(of: nGram))
    }
}
