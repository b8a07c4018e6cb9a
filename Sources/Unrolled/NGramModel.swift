import Foundation

/// An interpolated Kneser–Ney n-gram model over token ids `0 ..< V`: the baseline every
/// language model of the book is measured against.
///
/// For the highest order, with `c(·)` the training counts and `D_n` the order's discount,
///
///     P(w | u) = max(c(u w) − D_n, 0) / c(u)  +  D_n · N₁₊(u •) / c(u) · P(w | u′),
///
/// where `u′` is `u` without its first token and `N₁₊(u •)` the number of distinct tokens seen
/// after `u`. Lower orders use the same formula with *continuation* counts in place of `c`:
/// `N₁₊(• u w)`, the number of distinct tokens seen before `u w`, so that a token that only ever
/// follows one word ("Francisco") gets little mass on its own. The recursion ends in the uniform
/// distribution `1/V`, so no token has probability zero. A context never seen in training passes
/// all its mass to the shorter one. The discounts come from the training counts alone (Ney's
/// `D = n₁ / (n₁ + 2 n₂)`, with `n_k` the number of n-grams of that order seen exactly `k` times):
/// nothing is tuned on held-out text.
public struct NGramModel {
    public let order: Int, vocabulary: Int
    /// `D_m` for `m = 1 … order` (index `m − 1`).
    public let discounts: [Double]
    /// Per order `m` (index `m − 1`): counts of m-grams (raw for the top order, continuation
    /// below), and per (m − 1)-token context the sum of those counts and the number of distinct
    /// followers.
    private var grams: [[Int: Int]]
    private var contexts: [[Int: (total: Int, followers: Int)]]
    /// Raw counts for every order, used as the top level when a context is shorter than
    /// `order − 1` (the first tokens of a window).
    private var rawGrams: [[Int: Int]]
    private var rawContexts: [[Int: (total: Int, followers: Int)]]

    public init(order n: Int, vocabulary V: Int, training tokens: [Int]) {
        precondition(n >= 1 && V >= 1)
        order = n; vocabulary = V
        var raw = [[Int: Int]](repeating: [:], count: n)
        for m in 1...n where tokens.count >= m {
            for end in (m - 1)..<tokens.count { raw[m - 1][Self.key(tokens[(end - m + 1)...end], V), default: 0] += 1 }
        }
        // continuation counts of order m: distinct left extensions of each m-gram
        var continuation = raw
        for m in 1..<n {
            var c: [Int: Int] = [:]
            for k in raw[m].keys { c[Self.dropFirst(k, order: m + 1, V), default: 0] += 1 }
            continuation[m - 1] = c
        }
        func summarize(_ g: [Int: Int]) -> [Int: (total: Int, followers: Int)] {
            var out: [Int: (total: Int, followers: Int)] = [:]
            for (k, c) in g {
                let ctx = Self.dropLast(k, V)
                let old = out[ctx] ?? (0, 0)
                out[ctx] = (old.total + c, old.followers + 1)
            }
            return out
        }
        grams = continuation
        rawGrams = raw
        contexts = continuation.map(summarize)
        rawContexts = raw.map(summarize)
        discounts = (1...n).map { m in
            let top = m == n ? raw[m - 1] : continuation[m - 1]
            var n1 = 0, n2 = 0
            for c in top.values { if c == 1 { n1 += 1 } else if c == 2 { n2 += 1 } }
            return n1 + n2 == 0 ? 0.5 : max(0.05, min(0.95, Double(n1) / Double(n1 + 2 * n2)))
        }
    }

    /// `log P(w | context)`, using at most the last `order − 1` tokens of `context`.
    public func logProbability(_ w: Int, context: ArraySlice<Int>) -> Double {
        let u = context.suffix(order - 1)
        return log(probability(w, u, top: true))
    }

    private func probability(_ w: Int, _ u: ArraySlice<Int>, top: Bool) -> Double {
        let V = vocabulary
        let m = u.count + 1
        let lower = u.isEmpty ? 1 / Double(V) : probability(w, u.dropFirst(), top: false)
        let g = top ? rawGrams[m - 1] : grams[m - 1]
        let cs = top ? rawContexts[m - 1] : contexts[m - 1]
        guard let ctx = cs[Self.key(u, V)], ctx.total > 0 else { return lower }
        let D = discounts[m - 1]
        let c = Double(g[Self.key(u + [w], V)] ?? 0)
        return max(c - D, 0) / Double(ctx.total) + D * Double(ctx.followers) / Double(ctx.total) * lower
    }

    /// A sequence as one integer, `Σ (s_i + 1)·(V + 1)^i` from the last token back, distinct
    /// across lengths.
    static func key<S: Collection>(_ s: S, _ V: Int) -> Int where S.Element == Int {
        var k = 0
        for t in s { k = k * (V + 1) + (t + 1) }
        return k
    }

    /// The key of the sequence without its last token.
    static func dropLast(_ k: Int, _ V: Int) -> Int { k / (V + 1) }

    /// The key of the sequence (of `order` tokens) without its first token.
    static func dropFirst(_ k: Int, order m: Int, _ V: Int) -> Int {
        var p = 1
        for _ in 1..<m { p *= V + 1 }
        return k % p
    }
}
