import Foundation
import Unrolled

/// Dive into Deep Learning's split of *The Time Machine*: windows of 32 + 1 symbols starting at
/// every position, the first 10,000 for training and the next 5,000 for validation, over d2l's
/// 28 tokens (`a`–`z`, space, and an `<unk>` that never occurs).
struct D2LSetup {
    var steps = 32, trainWindows = 10_000, validWindows = 5_000
    /// 27 symbols and `<unk>`.
    let vocabulary = TimeMachineText.alphabet.count + 1
    /// d2l evaluates in batches of 1,024 windows; its plotted figure is per batch.
    var validBatch = 1_024
    var clip = 1.0

    struct Recipe {
        let name: String
        let cell: RecurrentNetwork.Cell
        var hidden: Int, layers = 1, dropout = 0.0
        var learningRate: Double, batch: Int, epochs: Int
    }

    struct Result {
        /// Per epoch: mean training loss over the epoch's batches.
        var trainLoss: [Double] = []
        /// Validation perplexity every half epoch: `(epochs so far, perplexity)`.
        var validPerplexity: [(epoch: Double, perplexity: Double)] = []
        /// After the last epoch: d2l's figure, the mean over validation batches of exp(batch loss).
        var d2lFigure = 0.0
        var parameterCount = 0
    }

    func train(_ r: Recipe, text: [Int], seed: UInt64, cancel: Cancellation) throws -> Result {
        var rng = SeededRandom(seed: seed)
        let model = LanguageModel(cell: r.cell, vocabulary: vocabulary, hidden: r.hidden, layers: r.layers, dropout: r.dropout, rng: &rng)
        let train = Windows(text: text, starts: Array(0..<trainWindows), steps: steps)
        let valid = Windows(text: text, starts: Array(trainWindows..<(trainWindows + validWindows)), steps: steps)
        var adam = Adam(learningRate: r.learningRate)
        var result = Result(parameterCount: model.parameters.map(\.count).reduce(0, +))
        var order = Array(0..<trainWindows)
        for epoch in 0..<r.epochs {
            rng.shuffle(&order)
            var total = 0.0, batches = 0
            for start in stride(from: 0, to: trainWindows, by: r.batch) {
                try cancel.check()
                let end = min(start + r.batch, trainWindows)
                let (x, y) = train.batch(order[start..<end])
                let loss = model.step(x, y, steps: steps, batch: x.count / steps, clip: clip, optimizer: &adam, rng: &rng)
                guard loss.isFinite else { throw UnrolledError("\(r.name): the training loss became \(loss); lower its learning rate") }
                total += loss; batches += 1
                if start < trainWindows / 2 && end >= trainWindows / 2 {          // half way through the epoch
                    result.validPerplexity.append((Double(epoch) + 0.5, evaluate(model, valid).perplexity))
                }
            }
            result.trainLoss.append(total / Double(batches))
            let (perplexity, figure) = evaluate(model, valid)
            result.validPerplexity.append((Double(epoch + 1), perplexity))
            result.d2lFigure = figure
        }
        return result
    }

    func evaluate(_ model: LanguageModel, _ windows: Windows) -> (perplexity: Double, d2lFigure: Double) {
        windows.perplexity(of: model, batch: validBatch)
    }

    /// The smoothed n-gram model, trained on the characters the training windows cover, on the
    /// validation windows.
    func nGramPerplexity(order: Int, text: [Int]) -> Double {
        let model = NGramModel(order: order, vocabulary: vocabulary, training: Array(text[0..<(trainWindows + steps)]))
        return Windows(text: text, starts: Array(trainWindows..<(trainWindows + validWindows)), steps: steps).perplexity(of: model)
    }
}
