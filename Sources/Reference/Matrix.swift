import Foundation
import Unrolled

/// A matrix of `Double`s, `rows × columns`, stored row by row: the one type the reference
/// implementation computes with, so that a line of code can read like its equation,
/// `h = tanh(x * Wih.transposed + hPrev * Whh.transposed + b)`.
///
/// A batch is a matrix with one row per sequence (`x_t [B, I]`, `h_t [B, H]`); a weight has
/// PyTorch's layout `[out, in]`, so a layer computes `x Wᵀ + b`; a bias is one row `[1, n]`,
/// which `+` adds to every row. Every operation is a plain loop in a fixed order: correct and
/// short, not fast (the fast implementation, which computes the figures, is tested against it).
public struct Matrix: Equatable, Sendable {
    public let rows: Int, columns: Int
    /// Row `r` is `values[r * columns ..< (r + 1) * columns]`.
    public var values: [Double]

    public init(rows: Int, columns: Int, values: [Double]) {
        precondition(values.count == rows * columns, "\(values.count) values for a \(rows) × \(columns) matrix")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    public init(rows: Int, columns: Int, repeating value: Double = 0) {
        self.init(rows: rows, columns: columns, values: [Double](repeating: value, count: rows * columns))
    }

    /// A weight `[out, in]` as an `out × in` matrix, a bias `[n]` as one row `1 × n`.
    public init(_ p: Parameter) {
        precondition(p.shape.count <= 2, "\(p.name) has shape \(p.shape); a matrix has two axes at most")
        self.init(rows: p.shape.count == 2 ? p.shape[0] : 1, columns: p.shape.last ?? 1, values: p.value)
    }

    /// A bias as one row, or a row of zeros for a layer without one.
    public init(bias p: Parameter?, count n: Int) {
        self = p.map(Matrix.init) ?? Matrix(rows: 1, columns: n)
    }

    /// One row per symbol, all zeros but a 1 in column `symbol`: `[symbols.count, count]`.
    public static func oneHot(_ symbols: [Int], count: Int) -> Matrix {
        var m = Matrix(rows: symbols.count, columns: count)
        for (r, s) in symbols.enumerated() {
            precondition(s >= 0 && s < count, "symbol \(s) outside 0..<\(count)")
            m[r, s] = 1
        }
        return m
    }

    public subscript(r: Int, c: Int) -> Double {
        get { values[r * columns + c] }
        set { values[r * columns + c] = newValue }
    }

    /// `Aᵀ`: rows become columns.
    public var transposed: Matrix {
        var t: [Double] = []
        t.reserveCapacity(values.count)
        for c in 0..<columns { for r in 0..<rows { t.append(self[r, c]) } }   // row c of Aᵀ: column c of A
        return Matrix(rows: columns, columns: rows, values: t)
    }

    /// The sum of each column over all rows, `[1, columns]`: the gradient of a bias that `+`
    /// added to every row.
    public var columnSums: Matrix {
        var s = Matrix(rows: 1, columns: columns)
        for r in 0..<rows { for c in 0..<columns { s[0, c] += self[r, c] } }
        return s
    }

    /// The sum of every entry.
    public var sum: Double { values.reduce(0, +) }

    /// Columns `range` of every row: one gate's block of a stacked pre-activation.
    public func columns(_ range: Range<Int>) -> Matrix {
        var m = Matrix(rows: rows, columns: range.count)
        for r in 0..<rows { for (k, c) in range.enumerated() { m[r, k] = self[r, c] } }
        return m
    }

    /// Rows `range`.
    public func rows(_ range: Range<Int>) -> Matrix {
        Matrix(rows: range.count, columns: columns, values: Array(values[(range.lowerBound * columns)..<(range.upperBound * columns)]))
    }

    /// The matrices side by side, `[rows, Σ columns]`: `[i | f | g | o]`.
    public static func concatenate(_ parts: [Matrix]) -> Matrix {
        let rows = parts[0].rows
        var m = Matrix(rows: rows, columns: parts.map(\.columns).reduce(0, +))
        for r in 0..<rows {
            var c = 0
            for p in parts {
                precondition(p.rows == rows, "cannot put a \(p.rows)-row matrix beside a \(rows)-row one")
                for k in 0..<p.columns { m[r, c + k] = p[r, k] }
                c += p.columns
            }
        }
        return m
    }

    /// `f` applied to every entry.
    public func map(_ f: (Double) -> Double) -> Matrix {
        Matrix(rows: rows, columns: columns, values: values.map(f))
    }

    /// The matrix product `A B`, `[A.rows, B.columns]`: `(A B)[r, c] = Σ_k A[r, k] B[k, c]`, each
    /// sum in ascending `k`. (Row `r` of the product is built up one row of `B` at a time, which
    /// reads `B` in the order it is stored.)
    public static func * (a: Matrix, b: Matrix) -> Matrix {
        precondition(a.columns == b.rows, "cannot multiply \(a.rows) × \(a.columns) by \(b.rows) × \(b.columns)")
        var p = Matrix(rows: a.rows, columns: b.columns)
        for r in 0..<a.rows {
            for k in 0..<a.columns {
                let ark = a[r, k]
                for c in 0..<b.columns { p[r, c] += ark * b[k, c] }
            }
        }
        return p
    }

    /// Entry by entry, `f(a[r, c], b[r, c])`; a one-row `b` is used for every row of `a` (a bias).
    static func elementwise(_ a: Matrix, _ b: Matrix, _ f: (Double, Double) -> Double) -> Matrix {
        precondition(a.columns == b.columns && (b.rows == a.rows || b.rows == 1),
                     "cannot combine \(a.rows) × \(a.columns) with \(b.rows) × \(b.columns)")
        var m = a
        for r in 0..<a.rows { for c in 0..<a.columns { m[r, c] = f(a[r, c], b[b.rows == 1 ? 0 : r, c]) } }
        return m
    }

    public static func + (a: Matrix, b: Matrix) -> Matrix { elementwise(a, b, +) }
    public static func - (a: Matrix, b: Matrix) -> Matrix { elementwise(a, b, -) }
    /// The elementwise (Hadamard) product `a ⊙ b`.
    public static func .* (a: Matrix, b: Matrix) -> Matrix { elementwise(a, b, *) }
    public static func += (a: inout Matrix, b: Matrix) { a = a + b }
    public static func * (s: Double, m: Matrix) -> Matrix { m.map { s * $0 } }
    /// `s - m` entry by entry, as in `1 - h .* h`.
    public static func - (s: Double, m: Matrix) -> Matrix { m.map { s - $0 } }
}

/// The elementwise (Hadamard) product, `a ⊙ b` in the equations.
infix operator .* : MultiplicationPrecedence

/// `tanh` of every entry.
public func tanh(_ m: Matrix) -> Matrix { m.map { Foundation.tanh($0) } }
/// The logistic sigmoid `σ(a) = 1 / (1 + e⁻ᵃ)` of every entry.
public func sigmoid(_ m: Matrix) -> Matrix { m.map { 1 / (1 + Foundation.exp(-$0)) } }
/// `max(0, a)` of every entry.
public func relu(_ m: Matrix) -> Matrix { m.map { max(0, $0) } }

extension Parameter {
    /// `grad += g`, for a gradient computed as a matrix of the parameter's shape.
    public func accumulate(_ g: Matrix) {
        precondition(g.values.count == count, "\(name): a gradient of \(g.values.count) values for shape \(shape)")
        for i in 0..<count { grad[i] += g.values[i] }
    }
}

/// A sequence as the reference layers see it: one matrix per time step.
extension SequenceInput {
    /// `x_1 ... x_T`, each `[B, I]`; symbols become one-hot rows of width `I`.
    public func steps(_ T: Int, batch B: Int, inputSize I: Int) -> [Matrix] {
        switch self {
        case .dense(let x):
            precondition(x.count == T * B * I, "a dense input of \(x.count) values, expected T·B·I = \(T * B * I)")
            return (0..<T).map { t in Matrix(rows: B, columns: I, values: Array(x[(t * B * I)..<((t + 1) * B * I)])) }
        case .symbols(let s):
            precondition(s.count == T * B, "a symbol input of \(s.count) values, expected T·B = \(T * B)")
            return (0..<T).map { t in Matrix.oneHot(Array(s[(t * B)..<((t + 1) * B)]), count: I) }
        }
    }
}

/// `T` matrices of `rows × columns` read back from one flat buffer (`[T, rows, columns]`).
func split(_ values: [Double], steps T: Int, rows: Int, columns: Int) -> [Matrix] {
    let n = rows * columns
    return (0..<T).map { t in Matrix(rows: rows, columns: columns, values: Array(values[(t * n)..<((t + 1) * n)])) }
}

/// The matrices one after another in one flat buffer.
func flatten(_ ms: [Matrix]) -> [Double] { ms.flatMap(\.values) }
