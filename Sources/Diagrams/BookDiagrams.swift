import Plot

/// Every diagram of the book, by file name. Each is laid out by hand on a canvas about 760 px
/// wide, in the book's symbols: `x_t`, `h_t`, `y_t`, PyTorch's `W_ih`, `W_hh` and the head's
/// `W_hy` (the course's `W_x`, `W_s`, `W_y`), losses `L_t` (its `E_t`), `δ_t = ∂L/∂h_t`, and `T`
/// time, `B` batch, `H` hidden.
enum BookDiagrams {
    static var all: [(file: String, diagram: Diagram)] {
        [
            ("unrolled.svg", unrolled()),
            ("sequence_problems.svg", sequenceProblems()),
            ("bptt.svg", bptt()),
            ("truncated_bptt.svg", truncatedBPTT()),
            ("cell_elman.svg", elmanCell()),
            ("cell_lstm.svg", lstmCell()),
            ("cell_gru.svg", gruCell()),
            ("stacked.svg", stacked()),
            ("bidirectional.svg", bidirectional()),
        ]
    }
}

/// The colours that mean the same in every diagram: inputs orange, states blue, outputs green,
/// losses purple, gradients vermillion and dashed.
enum Look {
    typealias Style = Diagram.Style
    typealias Ink = Diagram.Ink
    static let input = Style.tinted(Ink.orange, 0.22)
    static let state = Style.tinted(Ink.blue)
    static let output = Style.tinted(Ink.green)
    static let loss = Style.tinted(Ink.purple, 0.2)
    static let cell = Style(stroke: Ink.text, fill: "#f2f2f2")
    static let op = Style(stroke: Ink.text)
    static let gate = Style.tinted(Ink.sky, 0.2)
    static let forward = Style(stroke: Ink.text)
    static let gradient = Style(stroke: Ink.vermillion, dashed: true)
    /// The second direction of a bidirectional layer.
    static let backward = Style.tinted(Ink.purple, 0.2)
}

typealias P = Diagram.Point
