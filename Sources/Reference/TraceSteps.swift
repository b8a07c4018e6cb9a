import Unrolled

extension Matrix {
    /// A `rows × columns` matrix of `values`, or of zeros when there are none: an initial state,
    /// or a gradient from above that was not given.
    public init(_ values: [Double]?, rows: Int, columns: Int) {
        self.init(rows: rows, columns: columns, values: values ?? [Double](repeating: 0, count: rows * columns))
    }
}

/// A trace read back one step at a time, as the reference layers' backward passes walk it.
extension SequenceTrace {
    /// `x_1 ... x_T`, `[B, I]` each (one-hot rows for symbols).
    func inputSteps(_ I: Int) -> [Matrix] { inputs.steps(steps, batch: batch, inputSize: I) }
    /// `h_0 ... h_T`, `[B, H]` each.
    func stateSteps(_ H: Int) -> [Matrix] { split(states, steps: steps + 1, rows: batch, columns: H) }
    /// `c_0 ... c_T`, `[B, H]` each.
    func cellSteps(_ H: Int) -> [Matrix] { split(cells, steps: steps + 1, rows: batch, columns: H) }
    /// Each step's cache, `[B, width]`.
    func cacheSteps(_ width: Int) -> [Matrix] { split(cache, steps: steps, rows: batch, columns: width) }
    /// A gradient from above `[T, B, H]`, one `[B, H]` matrix per step; zeros when there is none.
    func gradientSteps(_ d: [Double]?, _ H: Int) -> [Matrix] {
        d.map { split($0, steps: steps, rows: batch, columns: H) }
            ?? [Matrix](repeating: Matrix(rows: batch, columns: H), count: steps)
    }
}
