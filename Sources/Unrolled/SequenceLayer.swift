/// The input of a recurrent layer over `T` steps of a batch of `B` sequences.
public enum SequenceInput<S: Real> {
    /// Feature vectors, `x [T, B, I]`.
    case dense([S])
    /// Symbol indices `[T, B]`, each standing for a one-hot row of `x` that is never built:
    /// `x_t W_ihᵀ` is then column `s` of `W_ih`. Same arithmetic, bit for bit, as the one-hot
    /// product (the products by zero only add zeros), at a fraction of the cost.
    case symbols([Int])
}

/// What a recurrent layer keeps between its forward and backward passes over a whole sequence.
public struct SequenceTrace<S: Real> {
    public let steps: Int, batch: Int
    /// `x`.
    public let inputs: SequenceInput<S>
    /// `[h0, h_1, ..., h_T]`, `[T + 1, B, H]`.
    public let states: [S]
    /// `[c0, c_1, ..., c_T]`, `[T + 1, B, H]`, for a layer with a cell state (LSTM); empty otherwise.
    public let cells: [S]
    /// Whatever else the layer's backward pass needs (gate activations), layer-specific.
    public let cache: [S]

    public init(steps: Int, batch: Int, inputs: SequenceInput<S>, states: [S], cells: [S] = [], cache: [S]) {
        self.steps = steps
        self.batch = batch
        self.inputs = inputs
        self.states = states
        self.cells = cells
        self.cache = cache
    }

    /// `h_T`, `[B, H]`.
    @inlinable public var last: [S] {
        let n = states.count / (steps + 1)
        return Array(states[(states.count - n)...])
    }
    /// `c_T`, `[B, H]` (empty without a cell state).
    @inlinable public var lastCell: [S] {
        let n = cells.count / (steps + 1)
        return Array(cells[(cells.count - n)...])
    }
    /// `h_1 ... h_T`, `[T, B, H]`.
    @inlinable public var outputs: [S] { Array(states[(states.count / (steps + 1))...]) }
}

/// What a layer's backward pass returns: the gradients of its initial state and its input.
public struct SequenceGradient<S: Real> {
    /// `∂L/∂h0`, `[B, H]`.
    public var dh0: [S]
    /// `∂L/∂c0`, `[B, H]` (empty without a cell state).
    public var dc0: [S]
    /// `∂L/∂x`, `[T, B, I]` (empty unless asked for).
    public var dx: [S]

    public init(dh0: [S], dc0: [S], dx: [S]) {
        self.dh0 = dh0
        self.dc0 = dc0
        self.dx = dx
    }
}

/// A recurrent layer run over whole sequences: `x [T, B, I]`, `h0 [B, H]` (and `c0 [B, H]` for
/// an LSTM) → `h_1 ... h_T`.
public protocol SequenceLayer<Scalar>: Module {
    var inputSize: Int { get }
    var hiddenSize: Int { get }
    /// Whether the layer carries a cell state `c` beside `h` (LSTM).
    var hasCellState: Bool { get }
    /// Runs the layer from `h0` and `c0` (zeros when `nil`; `c0` is ignored without a cell state).
    func forward(_ x: SequenceInput<Scalar>, steps T: Int, batch B: Int, h0: [Scalar]?, c0: [Scalar]?) -> SequenceTrace<Scalar>
    /// Backpropagation through time: `dOutputs [T, B, H]` is `∂L/∂h_t` from above (`nil` when
    /// the loss reads only the last state), `dLast [B, H]` an extra `∂L/∂h_T` and `dLastCell`
    /// an extra `∂L/∂c_T`. Accumulates the parameter gradients; returns `∂L/∂h0`, `∂L/∂c0` and,
    /// if asked, `∂L/∂x [T, B, I]` (dense inputs only).
    func backward(_ trace: SequenceTrace<Scalar>, dOutputs: [Scalar]?, dLast: [Scalar]?, dLastCell: [Scalar]?,
                  inputGradient: Bool) -> SequenceGradient<Scalar>
}

extension SequenceLayer {
    public var hasCellState: Bool { false }

    /// Runs the layer from `h0` (zeros when `nil`) and a zero cell state.
    public func forward(_ x: SequenceInput<Scalar>, steps T: Int, batch B: Int, h0: [Scalar]? = nil) -> SequenceTrace<Scalar> {
        forward(x, steps: T, batch: B, h0: h0, c0: nil)
    }

    /// Backpropagation through time with no gradient on the last cell state; returns `∂L/∂h0`
    /// and, if asked, `∂L/∂x`.
    public func backward(_ trace: SequenceTrace<Scalar>, dOutputs: [Scalar]? = nil, dLast: [Scalar]? = nil,
                         inputGradient: Bool = false) -> (dh0: [Scalar], dx: [Scalar]) {
        let g = backward(trace, dOutputs: dOutputs, dLast: dLast, dLastCell: nil, inputGradient: inputGradient)
        return (g.dh0, g.dx)
    }
}

/// Adds the column sums of `matrix [rows, n]` (summed in row order) to the gradient of every
/// given bias `[n]`: the backward pass of a bias broadcast over rows.
func addRowSums<S: Real>(_ matrix: [S], rows: Int, to biases: [Parameter<S>?]) {
    guard let n = biases.compactMap({ $0 }).first?.count else { return }
    var sums = [S](repeating: 0, count: n)
    matrix.withUnsafeBufferPointer { mp in
        sums.withUnsafeMutableBufferPointer { s in
            let m = mp.baseAddress!, L = S.lanes
            // each column's sum in registers down all the rows (rather than a load and a store of
            // every sum per row): eight vectors of columns at a time, then one, then one column
            var j = 0
            while j + 8 * L <= n {
                let z = S.Vector()
                var acc = (z, z, z, z, z, z, z, z)
                for r in 0..<rows {
                    let p = m + r * n + j
                    acc.0 += S.load(p); acc.1 += S.load(p + L)
                    acc.2 += S.load(p + 2 * L); acc.3 += S.load(p + 3 * L)
                    acc.4 += S.load(p + 4 * L); acc.5 += S.load(p + 5 * L)
                    acc.6 += S.load(p + 6 * L); acc.7 += S.load(p + 7 * L)
                }
                let o = s.baseAddress! + j
                S.store(acc.0, o); S.store(acc.1, o + L)
                S.store(acc.2, o + 2 * L); S.store(acc.3, o + 3 * L)
                S.store(acc.4, o + 4 * L); S.store(acc.5, o + 5 * L)
                S.store(acc.6, o + 6 * L); S.store(acc.7, o + 7 * L)
                j += 8 * L
            }
            while j + L <= n {
                var acc = S.Vector()
                for r in 0..<rows { acc += S.load(m + r * n + j) }
                S.store(acc, s.baseAddress! + j)
                j += L
            }
            while j < n {
                var acc: S = 0
                for r in 0..<rows { acc += m[r * n + j] }
                s[j] = acc
                j += 1
            }
        }
    }
    for case let bias? in biases { for j in 0..<n { bias.grad[j] += sums[j] } }
}

/// `vector [n]` repeated on every one of `rows` rows (zeros when `nil`), `[rows, n]`.
func broadcastRows<S: Real>(_ vector: [S]?, rows: Int, n: Int) -> [S] {
    guard let vector else { return [S](repeating: 0, count: rows * n) }
    // every element is written once, so the array is not zeroed first
    return [S](unsafeUninitializedCapacity: rows * n) { o, count in
        vector.withUnsafeBufferPointer { b in
            if n > 0 { for r in 0..<rows { (o.baseAddress! + r * n).initialize(from: b.baseAddress!, count: n) } }
        }
        count = rows * n
    }
}

extension SequenceInput {
    /// `out[T·B, n] += x · Wᵀ` for `W [n, I]`: a matrix product, or a column lookup for symbols.
    func addProjection(weight: Parameter<S>, inputSize I: Int, rows: Int, into out: inout [S]) {
        let n = weight.shape[0]
        weight.value.withUnsafeBufferPointer { w in
            out.withUnsafeMutableBufferPointer { o in
                switch self {
                case .dense(let x):
                    precondition(x.count == rows * I, "dense input has \(x.count) values, expected \(rows * I)")
                    x.withUnsafeBufferPointer { xp in
                        MatrixProduct.addProductTransposedB(
                            m: rows, n: n, k: I, a: xp.baseAddress!, lda: I, b: w.baseAddress!, ldb: I, c: o.baseAddress!, ldc: n)
                    }
                case .symbols(let s):
                    precondition(s.count == rows, "symbol input has \(s.count) values, expected \(rows)")
                    guard rows >= I else {
                        // fewer lookups than columns: each read in place, n values I apart
                        for r in 0..<rows { for j in 0..<n { o[r * n + j] += w[j * I + s[r]] } }
                        return
                    }
                    // W's columns as rows, so that each lookup reads n contiguous values
                    MatrixProduct.transposed(w.baseAddress!, rows: n, columns: I, rowStride: I).withUnsafeBufferPointer { columns in
                        for r in 0..<rows {
                            let row = o.baseAddress! + r * n, column = columns.baseAddress! + s[r] * n
                            for j in 0..<n { row[j] += column[j] }
                        }
                    }
                }
            }
        }
    }

    /// `∂W [n, I] += dOutᵀ · x` for `dOut [T·B, n]`: a matrix product, or a scatter into the
    /// symbols' columns, in the same (ascending row) order.
    func addWeightGradient(_ dOut: [S], weight: Parameter<S>, inputSize I: Int, rows: Int) {
        let n = weight.shape[0]
        dOut.withUnsafeBufferPointer { d in
            weight.grad.withUnsafeMutableBufferPointer { g in
                switch self {
                case .dense(let x):
                    x.withUnsafeBufferPointer { xp in
                        MatrixProduct.addProductTransposedA(
                            m: n, n: I, k: rows, a: d.baseAddress!, lda: n, b: xp.baseAddress!, ldb: I, c: g.baseAddress!, ldc: I)
                    }
                case .symbols(let s):
                    guard rows >= I else {
                        // fewer rows than columns: each added in place, in ascending row order
                        for r in 0..<rows { for j in 0..<n { g[j * I + s[r]] += d[r * n + j] } }
                        return
                    }
                    // into ∂W's columns held as rows (each row's n additions contiguous), then
                    // back: every element gets the same additions in the same order as in place
                    var columns = MatrixProduct.transposed(g.baseAddress!, rows: n, columns: I, rowStride: I)
                    columns.withUnsafeMutableBufferPointer { columns in
                        for r in 0..<rows {
                            let column = columns.baseAddress! + s[r] * n, row = d.baseAddress! + r * n
                            for j in 0..<n { column[j] += row[j] }
                        }
                    }
                    for j in 0..<n { for c in 0..<I { g[j * I + c] = columns[c * n + j] } }
                }
            }
        }
    }

    /// `∂x = dOut · W`, `[T·B, I]`; dense inputs only.
    func inputGradient(_ dOut: [S], weight: Parameter<S>, inputSize I: Int, rows: Int) -> [S] {
        guard case .dense = self else { preconditionFailure("no input gradient for symbol inputs") }
        let n = weight.shape[0]
        var dx = [S](repeating: 0, count: rows * I)
        dOut.withUnsafeBufferPointer { d in
            weight.value.withUnsafeBufferPointer { w in
                dx.withUnsafeMutableBufferPointer { o in
                    MatrixProduct.addProduct(
                        m: rows, n: I, k: n, a: d.baseAddress!, lda: n, b: w.baseAddress!, ldb: I, c: o.baseAddress!, ldc: I)
                }
            }
        }
        return dx
    }
}

extension SequenceLayer {
    /// What the messages of the shape checks call this layer: its type and sizes.
    private var shapeName: String { "\(Self.self) (I = \(inputSize), H = \(hiddenSize))" }

    /// Stops, saying what is wrong, unless `x`, `h0` and `c0` have the shapes of `T` steps of a
    /// batch of `B`: `x [T, B, I]` (symbols `[T, B]`, each below `I`), `h0, c0 [B, H]`.
    public func checkShapes(_ x: SequenceInput<Scalar>, steps T: Int, batch B: Int, h0: [Scalar]?, c0: [Scalar]?) {
        precondition(T >= 0 && B >= 0, "\(shapeName): T = \(T) and B = \(B) cannot be negative")
        switch x {
        case .dense(let v):
            precondition(v.count == T * B * inputSize,
                         "\(shapeName): x has \(v.count) values, expected [T, B, I] = [\(T), \(B), \(inputSize)]")
        case .symbols(let s):
            precondition(s.count == T * B, "\(shapeName): x has \(s.count) symbols, expected [T, B] = [\(T), \(B)]")
            if let bad = s.first(where: { $0 < 0 || $0 >= inputSize }) {
                preconditionFailure("\(shapeName): symbol \(bad) is outside 0..<\(inputSize)")
            }
        }
        if let h0 { precondition(h0.count == B * hiddenSize, "\(shapeName): h0 has \(h0.count) values, expected [B, H] = [\(B), \(hiddenSize)]") }
        if let c0, hasCellState {
            precondition(c0.count == B * hiddenSize, "\(shapeName): c0 has \(c0.count) values, expected [B, H] = [\(B), \(hiddenSize)]")
        }
    }

    /// Stops, saying what is wrong, unless the gradients from above fit the trace:
    /// `dOutputs [T, B, H]`, `dLast, dLastCell [B, H]`.
    public func checkGradientShapes(_ trace: SequenceTrace<Scalar>, dOutputs: [Scalar]?, dLast: [Scalar]?, dLastCell: [Scalar]?) {
        let T = trace.steps, B = trace.batch, H = hiddenSize
        if let dOutputs {
            precondition(dOutputs.count == T * B * H, "\(shapeName): dOutputs has \(dOutputs.count) values, expected [T, B, H] = [\(T), \(B), \(H)]")
        }
        if let dLast { precondition(dLast.count == B * H, "\(shapeName): dLast has \(dLast.count) values, expected [B, H] = [\(B), \(H)]") }
        if let dLastCell, hasCellState {
            precondition(dLastCell.count == B * H, "\(shapeName): dLastCell has \(dLastCell.count) values, expected [B, H] = [\(B), \(H)]")
        }
    }
}
