import Foundation
import Unrolled

struct MinCharResult {
    var vocabulary = 0
    var smoothLoss: [(Int, Double)] = []
    var samples: [(label: String, text: String)] = []
}

/// The raw text's characters, sorted by Unicode scalar (min-char-rnn's `list(set(data))` has no
/// fixed order), and the text as their indices.
func rawCharacters(_ raw: String) -> (alphabet: [Character], ids: [Int]) {
    let alphabet = Array(Set(raw)).sorted()
    let index = Dictionary(uniqueKeysWithValues: alphabet.enumerated().map { ($1, $0) })
    return (alphabet, raw.map { index[$0]! })
}

func runMinChar(_ s: MinCharSetting, raw: String, seed: UInt64, cancel: Cancellation) throws -> MinCharResult {
    try runMinChar(s, encoded: rawCharacters(raw), seed: seed, cancel: cancel)
}

/// min-char-rnn on a text already turned into indices (`rawCharacters`).
func runMinChar(_ s: MinCharSetting, encoded: (alphabet: [Character], ids: [Int]), seed: UInt64,
                cancel: Cancellation) throws -> MinCharResult {
    let (alphabet, data) = encoded
    let V = alphabet.count
    var rng = SeededRandom(seed: seed)
    let model = MinCharRNN(vocabulary: V, hidden: s.hidden, rng: &rng)
    var adagrad = Unrolled.Adagrad<Double>(learningRate: s.learningRate, epsilon: 1e-8, epsilonInsideRoot: true)
    var draw = SeededRandom(seed: seed &+ 1)
    var result = MinCharResult(vocabulary: V)
    func text(_ ids: [Int]) -> String { String(ids.map { alphabet[$0] }) }

    // snippet.min-char-loop
    var p = 0                                                   // where the next chunk starts
    var hprev = [Double](repeating: 0, count: s.hidden)
    var smoothLoss = -log(1 / Double(V)) * Double(s.chunk)      // the loss of a uniform guess
    for n in 0..<s.iterations {
        // a new pass over the text: reset the memory
        if p + s.chunk + 1 >= data.count || n == 0 {
            hprev = [Double](repeating: 0, count: s.hidden)
            p = 0
        }
        let inputs = Array(data[p..<(p + s.chunk)]), targets = Array(data[(p + 1)...(p + s.chunk)])
        model.parameters.zeroGrad()
        let (loss, hLast) = model.lossAndGradients(inputs: inputs, targets: targets, hprev: hprev)
        // the state carries over; its gradient does not
        hprev = hLast
        for q in model.parameters { q.clampGradient(to: 5) }   // clip every entry to [-5, 5]
        adagrad.step(model.parameters)                          // θ -= 0.1 · g / √(Σ g² + 1e-8)
        smoothLoss = smoothLoss * 0.999 + loss * 0.001
        p += s.chunk
        guard loss.isFinite else {
            throw UnrolledError("min-char-rnn: the loss became \(loss); lower the learning rate")
        }
        if (n + 1) % s.recordEvery == 0 { result.smoothLoss.append((n + 1, smoothLoss)) }
        if s.sampleAt.contains(n + 1) {                         // a sample from where training is
            let ids = model.sample(seed: inputs[0], h: hprev, count: s.sampleLength,
                                   temperature: 1, rng: &draw)
            result.samples.append(("after \(n + 1) iterations, temperature 1", text(ids)))
        }
        if n % 1_000 == 0 { try cancel.check() }
    }
    // snippet.end
    for t in s.temperatures {
        // from a fresh state, after the first character of the book
        let ids = model.sample(seed: data[0], h: [Double](repeating: 0, count: s.hidden), count: s.sampleLength, temperature: t, rng: &draw)
        result.samples.append(("after \(s.iterations) iterations, temperature \(Format.number(t))", text([data[0]] + ids)))
    }
    return result
}

/// min-char-rnn's backward pass (the readable one the chapter lists) against five-point finite differences, in `Double`, on a
/// 12-character chunk with weights large enough (σ = 0.3) that tanh is far from linear.
func minCharGradientCheck(seed: UInt64) -> [GradientCheck.Result] {
    var rng = SeededRandom(seed: seed)
    let V = 7, H = 5, T = 12
    let model = MinCharRNN(vocabulary: V, hidden: H, rng: &rng)
    for p in model.parameters { for i in p.value.indices { p.value[i] = rng.normal() * 0.3 } }
    let inputs = (0..<T).map { _ in rng.int(below: V) }, targets = (0..<T).map { _ in rng.int(below: V) }
    let hprev = (0..<H).map { _ in rng.uniform(-0.5, 0.5) }
    model.parameters.zeroGrad()
    _ = model.referenceLossAndGradients(inputs: inputs, targets: targets, hprev: hprev)
    return GradientCheck.run(model.parameters) {
        let saved = model.parameters.map(\.grad)
        let loss = model.referenceLossAndGradients(inputs: inputs, targets: targets, hprev: hprev).loss
        for (p, g) in zip(model.parameters, saved) { p.grad = g }
        return loss
    }
}
