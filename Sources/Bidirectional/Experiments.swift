import Foundation
import Unrolled

/// Experiment (a): sequence labelling where the label at step `t` is the symbol read `k` steps
/// later, `y_t = x_{t+k}` (for `t + k < T`). A unidirectional network has not read `x_{t+k}` when
/// it must answer; a bidirectional one has.
struct LookAhead {
    var symbols = 10, length = 20, batch = 32, hidden = 32, iterations = 1500, learningRate = 0.01
    var shifts = [0, 1, 2, 3, 4, 6, 8]
    var testSequences = 256

    func rows(shift k: Int, batch B: Int) -> [Int] { (0..<(length - k)).flatMap { t in (0..<B).map { t * B + $0 } } }
    func targets(_ x: [Int], shift k: Int, batch B: Int) -> [Int] { rows(shift: k, batch: B).map { x[$0 + k * B] } }

    /// Held-out accuracy of an Elman network trained on shift `k`.
    func run(shift k: Int, bidirectional: Bool, seed: UInt64) -> Double {
        var rng = SeededRandom(seed: seed)
        let model = Tagger(cell: .rnnTanh, symbols: symbols, hidden: hidden, classes: symbols, bidirectional: bidirectional, rng: &rng)
        var adam = Adam(learningRate: learningRate)
        for _ in 0..<iterations {
            let x = (0..<(length * batch)).map { _ in rng.int(below: symbols) }
            _ = model.step(x, steps: length, batch: batch, rows: rows(shift: k, batch: batch),
                           targets: targets(x, shift: k, batch: batch), optimizer: &adam)
        }
        var test = SeededRandom(seed: seed &+ 5555)
        let x = (0..<(length * testSequences)).map { _ in test.int(below: symbols) }
        let r = rows(shift: k, batch: testSequences)
        let guesses = model.predict(x, steps: length, batch: testSequences, rows: r)
        let right = zip(guesses, targets(x, shift: k, batch: testSequences)).filter { $0 == $1 }.count
        return Double(right) / Double(r.count)
    }
}

/// Experiment (b): fill in one masked letter of a surname from the letters around it.
struct MaskedLetter {
    var hidden = 64, batch = 32, epochs = 6, learningRate = 0.005
    /// The mask is one more input symbol after the 57 letters.
    static let mask = NamesData.alphabet.count

    struct Example { let letters: [Int], position: Int }

    /// Names of at least two letters, each with one masked position drawn from `rng`.
    static func examples(_ names: [String], rng: inout SeededRandom) -> [Example] {
        names.map(NamesData.indices).filter { $0.count >= 2 }.map { Example(letters: $0, position: rng.int(below: $0.count)) }
    }

    /// Batches of equally long names (so that the backward direction reads no padding),
    /// time-major, with the masked row and its letter for each name.
    static func batches(_ examples: [Example], size: Int) -> [(symbols: [Int], T: Int, B: Int, rows: [Int], targets: [Int])] {
        let byLength = Dictionary(grouping: examples, by: { $0.letters.count })
        var out: [(symbols: [Int], T: Int, B: Int, rows: [Int], targets: [Int])] = []
        for T in byLength.keys.sorted() {
            let group = byLength[T]!
            for start in stride(from: 0, to: group.count, by: size) {
                let chunk = Array(group[start..<min(start + size, group.count)]), B = chunk.count
                var s = [Int](repeating: 0, count: T * B)
                for (b, e) in chunk.enumerated() {
                    for t in 0..<T { s[t * B + b] = t == e.position ? mask : e.letters[t] }
                }
                out.append((s, T, B, chunk.enumerated().map { $0.element.position * B + $0.offset }, chunk.map { $0.letters[$0.position] }))
            }
        }
        return out
    }

    /// Trains on `train` (a new masked position for every name in every epoch) and returns the
    /// accuracy on `test`.
    func run(cell: RecurrentNetwork.Cell, bidirectional: Bool, train: [String], test: [Example], seed: UInt64) -> Double {
        var rng = SeededRandom(seed: seed)
        let C = NamesData.alphabet.count
        let model = Tagger(cell: cell, symbols: C + 1, hidden: hidden, classes: C, bidirectional: bidirectional, rng: &rng)
        var adam = Adam(learningRate: learningRate)
        for _ in 0..<epochs {
            var order = Self.batches(Self.examples(train, rng: &rng), size: batch)
            rng.shuffle(&order)
            for b in order { _ = model.step(b.symbols, steps: b.T, batch: b.B, rows: b.rows, targets: b.targets, optimizer: &adam) }
        }
        var right = 0
        for b in Self.batches(test, size: 256) {
            right += zip(model.predict(b.symbols, steps: b.T, batch: b.B, rows: b.rows), b.targets).filter { $0 == $1 }.count
        }
        return Double(right) / Double(test.count)
    }
}

/// Experiment (c): a next-character language model on *The Time Machine*, trained
/// unidirectional and bidirectional. The bidirectional one has read `x_{t+1}` — its target — when
/// it predicts at step `t`.
struct FutureLeak {
    var hidden = 64, length = 32, batch = 32, iterations = 800, learningRate = 0.005
    var sampleLength = 80, temperature = 0.5
    let prompt = "the time traveller "

    struct Result {
        let validationPerplexity: Double
        let sample: String
    }

    func run(_ text: [Int], bidirectional: Bool, seed: UInt64) -> Result {
        let V = TimeMachineText.alphabet.count
        let split = text.count * 9 / 10
        var rng = SeededRandom(seed: seed)
        let model = Tagger(cell: .gru, symbols: V, hidden: hidden, classes: V, bidirectional: bidirectional, rng: &rng)
        var adam = Adam(learningRate: learningRate)
        let T = length, B = batch
        let allRows = Array(0..<(T * B))
        for _ in 0..<iterations {
            // B random windows of the training part, time-major; targets one symbol ahead
            let starts = (0..<B).map { _ in rng.int(below: split - T - 1) }
            var x = [Int](repeating: 0, count: T * B), y = x
            for t in 0..<T { for b in 0..<B { x[t * B + b] = text[starts[b] + t]; y[t * B + b] = text[starts[b] + t + 1] } }
            _ = model.step(x, steps: T, batch: B, rows: allRows, targets: y, optimizer: &adam)
        }
        // Per-symbol validation perplexity over consecutive windows of the held-out tail.
        var nll = 0.0, count = 0
        let windows = (text.count - split - 1) / T
        for w in stride(from: 0, to: windows, by: 64) {
            let n = min(64, windows - w)
            var x = [Int](repeating: 0, count: T * n), y = x
            for t in 0..<T { for b in 0..<n { x[t * n + b] = text[split + (w + b) * T + t]; y[t * n + b] = text[split + (w + b) * T + t + 1] } }
            let logp = SoftmaxCrossEntropy.logSoftmax(model.logits(x, steps: T, batch: n), classes: V)
            for r in 0..<(T * n) { nll -= Double(logp[r * V + y[r]]) }
            count += T * n
        }
        // A sample: the prompt, then one character at a time from the output at the last position.
        var sample = TimeMachineText.preprocess(prompt)
        var draw = SeededRandom(seed: seed &+ 99)
        for _ in 0..<sampleLength {
            let n = sample.count
            let z = model.logits(sample, steps: n, batch: 1)
            let last = (0..<V).map { Double(z[(n - 1) * V + $0]) / temperature }
            let p = SoftmaxCrossEntropy.logSoftmax(last, classes: V).map(exp)
            var u = draw.uniform(), next = V - 1
            for (i, q) in p.enumerated() { u -= q; if u < 0 { next = i; break } }
            sample.append(next)
        }
        return Result(validationPerplexity: exp(nll / Double(count)), sample: TimeMachineText.text(sample))
    }
}
