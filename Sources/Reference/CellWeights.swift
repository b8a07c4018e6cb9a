import Unrolled

/// The four parameters every recurrent cell of the book has, read as matrices: `W_ih [G·H, I]`,
/// `W_hh [G·H, H]`, `b_ih, b_hh [1, G·H]` (`G` gates stacked along the rows: 1 for Elman,
/// 4 for LSTM, 3 for GRU). A step's backward pass returns its gradients in the same form.
public struct CellWeights {
    public var Wih: Matrix, Whh: Matrix, bih: Matrix, bhh: Matrix

    public init(Wih: Matrix, Whh: Matrix, bih: Matrix, bhh: Matrix) {
        self.Wih = Wih
        self.Whh = Whh
        self.bih = bih
        self.bhh = bhh
    }

    /// The current values of a layer's parameters (zero biases for a layer without them).
    init(_ weightIH: Parameter, _ weightHH: Parameter, _ biasIH: Parameter?, _ biasHH: Parameter?) {
        let n = weightIH.shape[0]
        self.init(Wih: Matrix(weightIH), Whh: Matrix(weightHH),
                  bih: Matrix(bias: biasIH, count: n), bhh: Matrix(bias: biasHH, count: n))
    }

    /// Zeros of the same shapes: where a backward pass starts summing over steps.
    var zeros: CellWeights {
        CellWeights(Wih: Matrix(rows: Wih.rows, columns: Wih.columns), Whh: Matrix(rows: Whh.rows, columns: Whh.columns),
                    bih: Matrix(rows: 1, columns: bih.columns), bhh: Matrix(rows: 1, columns: bhh.columns))
    }

    static func += (a: inout CellWeights, b: CellWeights) {
        a.Wih += b.Wih
        a.Whh += b.Whh
        a.bih += b.bih
        a.bhh += b.bhh
    }

    /// Adds these gradients to the parameters' (a layer without biases drops theirs).
    func accumulate(into weightIH: Parameter, _ weightHH: Parameter, _ biasIH: Parameter?, _ biasHH: Parameter?) {
        weightIH.accumulate(Wih)
        weightHH.accumulate(Whh)
        biasIH?.accumulate(bih)
        biasHH?.accumulate(bhh)
    }
}
