/// A confusion matrix and the accuracies read from it.
struct ConfusionMatrix {
    /// `counts[truth][prediction]`.
    private(set) var counts: [[Int]]

    init(classes: Int) { counts = [[Int]](repeating: [Int](repeating: 0, count: classes), count: classes) }

    mutating func add(truth: Int, prediction: Int) { counts[truth][prediction] += 1 }

    var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }

    /// Fraction of all examples predicted correctly.
    var accuracy: Double {
        let correct = counts.indices.reduce(0) { $0 + counts[$1][$1] }
        return Double(correct) / Double(max(total, 1))
    }

    /// Recall of each class: correct / examples of that class (0 for a class with none).
    var recalls: [Double] {
        counts.indices.map { c in
            let n = counts[c].reduce(0, +)
            return n == 0 ? 0 : Double(counts[c][c]) / Double(n)
        }
    }

    /// Mean recall over the classes that have examples: every class counts the same,
    /// however rare.
    var balancedAccuracy: Double {
        let present = counts.indices.filter { counts[$0].reduce(0, +) > 0 }
        return present.reduce(0.0) { $0 + recalls[$1] } / Double(max(present.count, 1))
    }

    /// Each row divided by its sum (rows of zeros stay zero).
    var rowNormalized: [[Double]] {
        counts.map { row in
            let n = row.reduce(0, +)
            return row.map { n == 0 ? 0 : Double($0) / Double(n) }
        }
    }
}

/// The index of the largest value (the first one on ties).
func argmax(_ v: ArraySlice<Double>) -> Int {
    var best = v.startIndex
    for i in v.indices where v[i] > v[best] { best = i }
    return best - v.startIndex
}

func argmax(_ v: [Double]) -> Int { argmax(v[...]) }
