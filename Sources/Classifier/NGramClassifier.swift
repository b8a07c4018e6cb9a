import Foundation
import Unrolled

/// A classifier with no network: one Kneser–Ney character n-gram model per language, and Bayes's
/// rule, `log p(c | name) = log p(name | c) + log π_c − log Z`, where
/// `log p(name | c) = Σ_t log P_c(x_t | x_{t−n+1} … x_{t−1})` over the letters and an end marker.
struct NGramClassifier {
    let models: [NGramModel]
    let logPrior: [Double]
    /// The boundary marker that starts and ends every name (index `I`, after the 57 letters).
    static let boundary = NamesData.alphabet.count

    init(order: Int, train: [LabelledName], classes: Int) {
        var streams = [[Int]](repeating: [Self.boundary], count: classes)
        var counts = [Double](repeating: 0, count: classes)
        for e in train {
            streams[e.label] += NamesData.indices(of: e.name) + [Self.boundary]
            counts[e.label] += 1
        }
        models = streams.map { NGramModel(order: order, vocabulary: Self.boundary + 1, training: $0) }
        logPrior = counts.map { log($0 / Double(train.count)) }
    }

    // snippet.ngram-classifier
    /// `log p(c | name)` for every language `c`, `[C]`.
    func logProbabilities(_ name: String) -> [Double] {
        let tokens = [Self.boundary] + NamesData.indices(of: name) + [Self.boundary]
        var scores = logPrior
        for (c, model) in models.enumerated() {
            for t in 1..<tokens.count {
                scores[c] += model.logProbability(tokens[t], context: tokens[0..<t])
            }
        }
        return SoftmaxCrossEntropy.logSoftmax(scores, classes: scores.count)
    }
    // snippet.end
}
