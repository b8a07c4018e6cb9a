import Plot

extension BookDiagrams {
    /// A recurrent network folded (one cell with a loop) and unrolled over `T` steps, the same
    /// three weight matrices labelled on every step.
    static func unrolled() -> Diagram {
        var d = Diagram(width: 760, height: 480)
        d.title("A recurrent network, folded and unrolled in time")
        let yRow = 110.0, hRow = 215.0, xRow = 320.0

        // Folded: one cell and its loop.
        let fx = 80.0
        d.text("folded", at: P(fx, 70))
        let fy = d.box("y_t", at: P(fx, yRow), style: Look.output)
        let fh = d.box("h_t", at: P(fx, hRow), style: Look.state)
        let fxIn = d.box("x_t", at: P(fx, xRow), style: Look.input)
        d.arrow(from: fxIn, to: fh, label: "W_ih", side: .left)
        d.arrow(from: fh, to: fy, label: "W_hy", side: .left)
        d.curve(from: fh, to: fh, P(fx + 95, hRow - 70), P(fx + 95, hRow + 70), start: P(fx + 12, hRow - 10), end: P(fx + 12, hRow + 10),
                label: "W_hh", side: .right, labelGap: 4)
        d.text("=", at: P(236, hRow + 10), size: 30)

        // Unrolled: h_0, then one copy of the cell per step.
        d.text("unrolled: one copy of the cell per step, t = 1 … T", at: P(500, 70))
        let h0 = d.box("h_0", at: P(300, hRow), style: Look.state)
        var previous = h0
        let columns: [(x: Double, t: String)] = [(400, "1"), (510, "2"), (600, ""), (690, "T")]
        for (x, t) in columns {
            if t.isEmpty {
                let gap = d.textNode("⋯", at: P(x, hRow))
                d.arrow(from: previous, to: gap, label: "W_hh")
                previous = gap
                continue
            }
            let y = d.box("y_\(t)", at: P(x, yRow), style: Look.output)
            let h = d.box("h_\(t)", at: P(x, hRow), style: Look.state)
            let xIn = d.box("x_\(t)", at: P(x, xRow), style: Look.input)
            d.arrow(from: xIn, to: h, label: "W_ih", side: .right)
            d.arrow(from: h, to: y, label: "W_hy", side: .right)
            d.arrow(from: previous, to: h, label: "W_hh")
            previous = h
        }
        d.lines([
            "The same weights W_ih, W_hh, W_hy at every step: they are shared, and",
            "training adds up their gradients over the T steps (the course's W_x, W_s, W_y).",
            "h_t = tanh(x_t W_ih^T + h_{t−1} W_hh^T + b)      y_t = h_t W_hy^T + b_y",
            "x_t [B, I]     h_t [B, H]     y_t [B, C]     (B batch, I inputs, H hidden, C outputs)",
        ], at: P(380, 375))
        return d
    }
}
