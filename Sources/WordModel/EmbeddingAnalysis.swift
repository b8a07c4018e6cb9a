import Foundation
import Unrolled

/// What the learned embedding table `W [V, E]` holds: nearest neighbours by cosine similarity
/// and a two-dimensional projection on its principal components.
struct EmbeddingAnalysis {
    let weight: [Double]
    let dimension: Int
    let words: Vocabulary

    func row(_ i: Int) -> ArraySlice<Double> { weight[(i * dimension)..<((i + 1) * dimension)] }

    // snippet.cosine
    /// The `count` words whose embeddings have the largest cosine similarity
    /// `u·v / (‖u‖ ‖v‖)` with `word`'s (ties to the more frequent word).
    func nearest(_ word: String, count: Int) -> [(word: String, similarity: Double)] {
        let q = words.index[word]!, u = row(q)
        func norm(_ v: ArraySlice<Double>) -> Double { sqrt(v.reduce(0) { $0 + $1 * $1 }) }
        let nu = norm(u)
        let scored = (0..<words.count).filter { $0 != q && words.words[$0] != "<unk>" }
            .map { i -> (Int, Double) in
                let v = row(i)
                return (i, zip(u, v).reduce(0) { $0 + $1.0 * $1.1 } / (nu * norm(v)))
            }
        return scored.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.prefix(count)
            .map { (words.words[$0.0], $0.1) }
    }
    // snippet.end

    /// The first `n` words (the most frequent) projected on the two leading principal components
    /// of their centred embeddings, found by power iteration on the covariance matrix (deflated
    /// after the first), each component's sign fixed so that its largest entry is positive.
    func pca(first n: Int) -> [(x: Double, y: Double, label: String)] {
        let E = dimension, m = min(n, words.count)
        var centred = [Double](repeating: 0, count: m * E)
        for e in 0..<E {
            let mean = (0..<m).reduce(0.0) { $0 + weight[$1 * E + e] } / Double(m)
            for i in 0..<m { centred[i * E + e] = weight[i * E + e] - mean }
        }
        var cov = [Double](repeating: 0, count: E * E)
        for i in 0..<m { for a in 0..<E { for b in 0..<E { cov[a * E + b] += centred[i * E + a] * centred[i * E + b] } } }
        var components: [[Double]] = []
        for _ in 0..<2 {
            var v = (0..<E).map { 1 / sqrt(Double(E)) + Double($0) * 1e-3 }
            for _ in 0..<500 {
                var w = (0..<E).map { a in (0..<E).reduce(0.0) { $0 + cov[a * E + $1] * v[$1] } }
                for c in components {                        // deflate: stay orthogonal to the first
                    let d = zip(w, c).reduce(0) { $0 + $1.0 * $1.1 }
                    for a in 0..<E { w[a] -= d * c[a] }
                }
                let norm = sqrt(w.reduce(0) { $0 + $1 * $1 })
                guard norm > 0 else { break }
                v = w.map { $0 / norm }
            }
            let largest = v.indices.max { abs(v[$0]) < abs(v[$1]) }!
            if v[largest] < 0 { v = v.map { -$0 } }
            components.append(v)
        }
        return (0..<m).map { i in
            let r = centred[(i * E)..<((i + 1) * E)]
            return (zip(r, components[0]).reduce(0) { $0 + $1.0 * $1.1 }, zip(r, components[1]).reduce(0) { $0 + $1.0 * $1.1 }, words.words[i])
        }
    }
}
