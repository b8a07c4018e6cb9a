import Foundation
import Unrolled

/// The course notebook's three sentences: a next-character model small enough to memorise them.
struct Toy {
    var sentences = ["hey how are you", "good i am fine", "have a nice day"]
    /// Elman RNN, hidden 12, and a Linear head; Adam at 0.01 for 100 full-batch epochs.
    var hidden = 12, epochs = 100, learningRate = 0.01, printEvery = 10
    /// Greedy completion of `prompt` to `completionLength` characters.
    var prompt = "good", completionLength = 15

    // snippet.toy-data
    /// The dictionary: the distinct characters of the sentences, sorted by Unicode scalar
    /// (space first). The notebook builds it from `set(...)`, whose order changes from one Python
    /// process to the next (string hashing is randomized); sorting fixes it.
    var characters: [Character] { Array(Set(sentences.joined())).sorted() }

    /// Every sentence padded with spaces to the longest; input = all but the last character,
    /// target = all but the first. Both as indices, batch-first `[B, T]`.
    func pairs() -> (input: [Int], target: [Int], batch: Int, steps: Int) {
        let index = Dictionary(uniqueKeysWithValues: characters.enumerated().map { ($1, $0) })
        let width = sentences.map(\.count).max()!
        var input: [Int] = [], target: [Int] = []
        for s in sentences {
            let padded = Array(s.padding(toLength: width, withPad: " ", startingAt: 0))
                .map { index[$0]! }
            input += padded.dropLast()
            target += padded.dropFirst()
        }
        return (input, target, sentences.count, width - 1)
    }
    // snippet.end

    /// `[B, T]` indices as the one-hot tensor `[B, T, V]` the notebook builds.
    func oneHot(_ ids: [Int]) -> [Precision] {
        let V = characters.count
        var x = [Precision](repeating: 0, count: ids.count * V)
        for (n, i) in ids.enumerated() { x[n * V + i] = 1 }
        return x
    }

    struct Result {
        var log: [String] = []
        var losses: [Double] = []
        var completion = ""
        var inputShape: [Int] = []
    }

    func run(seed: UInt64) -> Result {
        let chars = characters, V = chars.count
        let (input, target, B, T) = pairs()
        var rng = SeededRandom(seed: seed)
        // snippet.toy-model
        // nn.RNN(V, 12, batch_first=True) and nn.Linear(12, V)
        let rnn = RecurrentNetwork(
            "rnn", .init(cell: .rnnTanh, inputSize: V, hiddenSize: hidden, batchFirst: true),
            rng: &rng)
        let fc = Linear("fc", inputSize: hidden, outputSize: V, rng: &rng)
        let parameters = rnn.parameters + fc.parameters
        var adam = Adam(learningRate: learningRate)
        let x = oneHot(input)                                   // [B, T, V] = [3, 14, 17]
        var result = Result(inputShape: [B, T, V])
        for epoch in 1...epochs {
            parameters.zeroGrad()
            let trace = rnn.forward(.dense(x), steps: T, batch: B)  // out: [B, T, H]
            let logits = fc.forward(trace.output, batch: B * T)     // out.view(-1, H) → [B·T, V]
            let (loss, dLogits) = SoftmaxCrossEntropy.loss(
                logProbabilities: SoftmaxCrossEntropy.logSoftmax(logits, classes: V),
                targets: target, classes: V)
            _ = rnn.backward(trace, dOutput: fc.backward(dLogits, input: trace.output, batch: B * T))
            adam.step(parameters)
            result.losses.append(Double(loss))
            if epoch % printEvery == 0 {
                let printed = Format.fixed(Double(loss), decimals: 4)
                result.log.append("Epoch: \(epoch)/\(epochs)............. Loss: \(printed)")
            }
        }
        // snippet.end

        // snippet.toy-complete
        // Greedy completion, as the notebook's sample(): run the whole prefix from a zero state,
        // append the most likely next character, repeat.
        let index = Dictionary(uniqueKeysWithValues: chars.enumerated().map { ($1, $0) })
        var text = Array(prompt).map { index[$0]! }
        while text.count < completionLength {
            let n = text.count
            let out = rnn.forward(.dense(oneHot(text)), steps: n, batch: 1).output   // [1, n, H]
            // logits of the last step
            let last = fc.forward(Array(out[((n - 1) * hidden)...]), batch: 1)
            text.append((0..<V).max { last[$0] < last[$1] }!)
        }
        // snippet.end
        result.completion = String(text.map { chars[$0] })
        return result
    }
}
