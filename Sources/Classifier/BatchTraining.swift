import Foundation
import Unrolled

/// The recipe of the chapter's better models: mini-batches of names of equal length, Adam with a
/// cosine learning-rate decay, and class weights that keep rare languages from being ignored.
struct BatchRecipe: CustomStringConvertible {
    var name: String
    /// The recurrent cell.
    var cell: ClassifierCell = .elman
    /// Hidden units per direction (`H`).
    var hiddenSize: Int
    /// Read each name both ways and classify from both final states.
    var bidirectional: Bool
    var epochs: Int
    var batchSize: Int
    /// Adam's learning rate at the start; it decays along a half cosine to `finalFraction` of it.
    var learningRate: Double
    var finalFraction = 0.02
    /// Class `c` weighs `(n_c / n̄)^(-classWeightPower)`: 0 is the plain mean loss, 1 weighs every
    /// language equally in total.
    var classWeightPower: Double
    /// Dropout on the features the head reads (0 for none).
    var dropout = 0.0

    var description: String {
        "\(bidirectional ? "bidirectional " : "")\(cell == .gru ? "GRU" : "Elman") H=\(hiddenSize), \(epochs) epochs of batches of \(batchSize), Adam \(learningRate), class-weight power \(classWeightPower)\(dropout > 0 ? ", dropout \(dropout)" : "")"
    }

    /// Trains a classifier on `train`; throws if the loss stops being finite.
    func train(_ train: [LabelledName], classes: Int, seed: UInt64, log: Log,
               cancellation: Cancellation = Cancellation()) throws -> RecurrentClassifier<Precision> {
        var rng = SeededRandom(seed: seed)
        let model = RecurrentClassifier<Precision>(symbols: NamesData.alphabet.count, hiddenSize: hiddenSize, classes: classes,
                                        cell: cell, bidirectional: bidirectional, rng: &rng)
        model.dropout = dropout
        let weights = classWeights(train, classes: classes)
        // Names grouped by length, so every batch is a rectangle [T, B] and needs no padding.
        var byLength: [Int: [LabelledName]] = [:]
        for e in train { byLength[NamesData.indices(of: e.name).count, default: []].append(e) }
        let lengths = byLength.keys.sorted()
        let batchesPerEpoch = lengths.reduce(0) { $0 + (byLength[$1]!.count + batchSize - 1) / batchSize }
        let totalSteps = epochs * batchesPerEpoch
        var adam = Adam(learningRate: learningRate)
        let parameters = model.parameters
        var step = 0
        for epoch in 1...epochs {
            var batches: [[LabelledName]] = []
            for length in lengths {
                var group = byLength[length]!
                rng.shuffle(&group)
                for start in stride(from: 0, to: group.count, by: batchSize) {
                    batches.append(Array(group[start..<min(start + batchSize, group.count)]))
                }
            }
            rng.shuffle(&batches)
            var total = 0.0
            for batch in batches {
                try cancellation.check()
                let progress = Double(step) / Double(max(totalSteps - 1, 1))
                adam.learningRate = learningRate * (finalFraction + (1 - finalFraction) * 0.5 * (1 + cos(Double.pi * progress)))
                model.zeroGrad()
                let (loss, _) = model.lossAndGradient(
                    batch.map { NamesData.indices(of: $0.name) }, targets: batch.map(\.label),
                    weights: batch.map { Precision(weights[$0.label]) })
                guard loss.isFinite else {
                    throw UnrolledError("\(name): the loss became \(loss) in epoch \(epoch); the run diverged. Lower the learning rate.")
                }
                adam.step(parameters)
                total += loss
                step += 1
            }
            log("[\(name)] epoch \(epoch)/\(epochs): mean training loss \(Format.fixed(total / Double(batches.count), decimals: 4))")
        }
        return model
    }

    func classWeights(_ train: [LabelledName], classes: Int) -> [Double] {
        var counts = [Double](repeating: 0, count: classes)
        for e in train { counts[e.label] += 1 }
        let mean = Double(train.count) / Double(classes)
        var w = counts.map { $0 > 0 ? pow($0 / mean, -classWeightPower) : 0 }
        // Scale so that the average weight over training examples is 1.
        var s = 0.0
        for c in 0..<classes { s += w[c] * counts[c] }
        let scale = Double(train.count) / s
        for c in 0..<classes { w[c] *= scale }
        return w
    }
}

/// Log-probabilities of many names, batched by length for speed; returned in input order.
func batchedLogProbabilities(_ model: RecurrentClassifier<Precision>, _ examples: [LabelledName]) -> [[Double]] {
    var out = [[Double]](repeating: [], count: examples.count)
    var byLength: [Int: [Int]] = [:]
    for (i, e) in examples.enumerated() { byLength[NamesData.indices(of: e.name).count, default: []].append(i) }
    for length in byLength.keys.sorted() {
        let idx = byLength[length]!
        for start in stride(from: 0, to: idx.count, by: 256) {
            let chunk = Array(idx[start..<min(start + 256, idx.count)])
            let logp = model.forward(chunk.map { NamesData.indices(of: examples[$0].name) }).logProbabilities
            for (k, i) in chunk.enumerated() { out[i] = logp[(k * model.classes)..<((k + 1) * model.classes)].map(Double.init) }
        }
    }
    return out
}

/// Logit adjustment: predict `argmax_c log p(c | name) - τ · log π_c`, where `π` is the class
/// frequency in training. `τ > 0` moves decisions toward rare classes.
func adjustedConfusion(_ logProbabilities: [[Double]], _ examples: [LabelledName], logPrior: [Double], tau: Double) -> ConfusionMatrix {
    var m = ConfusionMatrix(classes: logPrior.count)
    // snippet.adjusted-decision
    for (e, logp) in zip(examples, logProbabilities) {
        var best = 0, bestScore = -Double.infinity
        for c in 0..<logPrior.count {
            let s = logp[c] - tau * logPrior[c]
            if s > bestScore { bestScore = s; best = c }
        }
        m.add(truth: e.label, prediction: best)
    }
    // snippet.end
    return m
}

/// The mean of several models' log-probabilities (a geometric mean of their probabilities),
/// renormalized with log-softmax.
func ensembleLogProbabilities(_ members: [[[Double]]]) -> [[Double]] {
    members[0].indices.map { i in
        var mean = [Double](repeating: 0, count: members[0][i].count)
        for m in members { for c in mean.indices { mean[c] += m[i][c] / Double(members.count) } }
        return SoftmaxCrossEntropy.logSoftmax(mean, classes: mean.count)
    }
}
