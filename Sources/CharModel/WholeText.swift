import Foundation
import Unrolled

/// The whole book with a held-out tail: train on the first 90 % of the (d2l-preprocessed) text,
/// measure on the last 10 %, which the model never reads in training.
struct WholeText {
    var cell = RecurrentNetwork.Cell.gru
    var hidden = 64, steps = 32, batch = 32, iterations = 1_000, learningRate = 0.005
    var trainFraction = 0.9
    /// Validation perplexity is measured every this many iterations (and plotted).
    var evaluateEvery = 100
    var clip = 1.0
    /// Samples: the prompt, then this many symbols at each temperature (0 = always the likeliest).
    var prompt = "the time traveller ", sampleLength = 160
    var temperatures = [0.0, 0.5, 1.0]

    struct Result {
        var trainLoss: [(iteration: Int, loss: Double)] = []
        var validPerplexity: [(iteration: Int, perplexity: Double)] = []
        var nGramPerplexity = 0.0
        var samples: [(temperature: Double, text: String)] = []
        var trainSymbols = 0, validSymbols = 0
    }

    func run(_ text: [Int], seed: UInt64, cancel: Cancellation) throws -> Result {
        let V = TimeMachineText.alphabet.count
        let split = Int(Double(text.count) * trainFraction)
        var rng = SeededRandom(seed: seed)
        let model = LanguageModel(cell: cell, vocabulary: V, hidden: hidden, rng: &rng)
        var adam = Adam(learningRate: learningRate)
        // the held-out tail in consecutive windows, each read from a zero state
        let tail = Windows(text: text, starts: Array(stride(from: split, to: text.count - steps - 1, by: steps)), steps: steps)
        func validPerplexity() -> Double { tail.perplexity(of: model, batch: 256).perplexity }
        var result = Result(trainSymbols: split, validSymbols: tail.starts.count * steps)
        let train = Windows(text: text, starts: Array(0..<(split - steps - 1)), steps: steps)
        var running = 0.0
        for i in 1...iterations {
            try cancel.check()
            let picks = (0..<batch).map { _ in rng.int(below: train.starts.count) }
            let (x, y) = train.batch(picks[...])
            let loss = model.step(x, y, steps: steps, batch: batch, clip: clip, optimizer: &adam, rng: &rng)
            guard loss.isFinite else { throw UnrolledError("whole text: the training loss became \(loss); lower the learning rate") }
            running += loss
            if i % evaluateEvery == 0 {
                result.trainLoss.append((i, running / Double(evaluateEvery)))
                running = 0
                result.validPerplexity.append((i, validPerplexity()))
            }
        }
        // the 4-gram on the same 90 %, scored on the same windows with their own context only
        result.nGramPerplexity = tail.perplexity(of: NGramModel(order: 4, vocabulary: V, training: Array(text[0..<split])))
        var draw = SeededRandom(seed: seed &+ 1)
        for temperature in temperatures {
            let s = model.sample(prompt: TimeMachineText.preprocess(prompt), count: sampleLength, temperature: temperature, rng: &draw)
            result.samples.append((temperature, TimeMachineText.text(s)))
        }
        return result
    }
}
