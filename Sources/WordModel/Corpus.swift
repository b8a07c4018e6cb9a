import Foundation
import Unrolled

/// *The Time Machine* as words, the lab's way: the raw text split on whitespace, case and
/// punctuation kept ("Time", "time" and "time," are three words).
struct Corpus {
    let words: [String]

    init(words: [String]) { self.words = words }

    init(raw: String) {
        words = raw.split(whereSeparator: { $0.isWhitespace }).map(String.init)
    }

    /// The first `fraction` of the words for training, the rest for validation: the held-out
    /// part is the end of the book, which no training batch reads.
    func split(_ fraction: Double) -> (train: ArraySlice<String>, valid: ArraySlice<String>) {
        let n = Int(Double(words.count) * fraction)
        return (words[..<n], words[n...])
    }
}

// snippet.vocabulary
/// Word ids: the words sorted by decreasing frequency in the training text, ties broken by
/// first occurrence, so the order is fixed. With `minCount > 1`, rarer words (and any word the
/// training text lacks) all map to one `<unk>` id, the last.
struct Vocabulary {
    let words: [String]
    let index: [String: Int]
    let unknown: Int?

    init<S: Sequence>(_ text: S, minCount: Int = 1) where S.Element == String {
        var count: [String: Int] = [:], first: [String: Int] = [:]
        for (i, w) in text.enumerated() {
            count[w, default: 0] += 1
            if first[w] == nil { first[w] = i }
        }
        var kept = count.keys.filter { count[$0]! >= minCount }
        kept.sort {
            count[$0]! != count[$1]! ? count[$0]! > count[$1]! : first[$0]! < first[$1]!
        }
        unknown = minCount > 1 ? kept.count : nil
        words = kept + (minCount > 1 ? ["<unk>"] : [])
        index = Dictionary(uniqueKeysWithValues: kept.enumerated().map { ($1, $0) })
    }

    var count: Int { words.count }

    /// Ids of `text`; a word outside the vocabulary is `<unk>` (or nil without one).
    func ids<S: Sequence>(_ text: S) -> [Int?] where S.Element == String {
        text.map { index[$0] ?? unknown }
    }
}
// snippet.end

// snippet.batchify
/// The lab's batches: the ids cut into `rows` contiguous rows (the tail that does not fill a
/// row is dropped), then read left to right `steps` columns at a time. Batch `k` is
/// `x = columns [k·steps, (k+1)·steps)` and `y` the same one column later, each `[T, B]`
/// time-major with `B = rows`; row `b` of batch `k + 1` continues row `b` of batch `k`.
struct Batches {
    let rows: Int, steps: Int
    let grid: [Int]          // [rows, columns]
    let columns: Int

    init(_ ids: [Int], rows: Int, steps: Int) {
        self.rows = rows; self.steps = steps
        columns = ids.count / rows
        grid = Array(ids[0..<(rows * columns)])
    }

    var count: Int { (columns - 1 + steps - 1) / steps }

    func batch(_ k: Int) -> (x: [Int], y: [Int], steps: Int) {
        let start = k * steps, T = min(steps, columns - 1 - start), B = rows
        var x = [Int](repeating: 0, count: T * B), y = x
        for t in 0..<T {
            for b in 0..<B {
                x[t * B + b] = grid[b * columns + start + t]
                y[t * B + b] = grid[b * columns + start + t + 1]
            }
        }
        return (x, y, T)
    }
}
// snippet.end
