import Plot

extension BookDiagrams {
    /// The computation graph of BPTT at T = 3: the forward pass, and δ_t = ∂L/∂h_t flowing back
    /// from each loss and from the next step, in chapter 5's notation (rows, `L_t` for the
    /// course's `E_t`), with the course's column form beside it.
    static func bptt() -> Diagram {
        var d = Diagram(width: 760, height: 615)
        d.title("Backpropagation through time, T = 3")
        legend(&d, y: 62)
        let eRow = 110.0, yRow = 200.0, hRow = 305.0, xRow = 410.0
        let h0 = d.box("h_0", at: P(90, hRow), style: Look.state)
        var hs = [h0]
        for t in 1...3 {
            let x = 90 + 180 * Double(t)
            let e = d.box("L_\(t)", at: P(x, eRow), style: Look.loss)
            let y = d.box("y_\(t)", at: P(x, yRow), style: Look.output)
            let h = d.box("h_\(t)", at: P(x, hRow), style: Look.state)
            let xIn = d.box("x_\(t)", at: P(x, xRow), style: Look.input)
            d.arrow(from: xIn, to: h, label: "W_ih", side: .left)
            d.arrow(from: hs[t - 1], to: h, offset: P(0, -9), label: "W_hh")
            d.arrow(from: h, to: y, offset: P(-9, 0), label: "W_hy", side: .left)
            d.arrow(from: y, to: e, offset: P(-9, 0))
            d.arrow(from: e, to: y, offset: P(9, 0), style: Look.gradient)
            d.arrow(from: y, to: h, offset: P(9, 0), label: "∂L_\(t)/∂h_\(t)", side: .right, labelInk: Diagram.Ink.vermillion,
                    style: Look.gradient)
            hs.append(h)
        }
        for t in stride(from: 3, through: 1, by: -1) {
            d.arrow(from: hs[t], to: hs[t - 1], offset: P(0, 9), label: "δ_\(t)", side: .below, labelInk: Diagram.Ink.vermillion,
                    style: Look.gradient)
        }
        d.lines([
            "δ_3 = ∂L_3/∂h_3        δ_t = ∂L_t/∂h_t + (δ_{t+1} ⊙ φ′(a_{t+1})) W_hh,   t = 2, 1",
            "∂L/∂W_hh = Σ_t (δ^a_t)^T h_{t−1}      ∂L/∂W_ih = Σ_t (δ^a_t)^T x_t      δ^a_t = δ_t ⊙ φ′(a_t)",
            "a_t = x_t W_ih^T + b_ih + h_{t−1} W_hh^T + b_hh,   h_t = φ(a_t),   L = L_1 + L_2 + L_3",
            "In the course's columns: δ_t = ∂E_t/∂S_t + W_s^T (g′_1 ⊙ δ_{t+1}), E_t = L_t, W_s = W_hh.",
            "Each step back is one product with W_hh: the backward pass is O(T), not O(T²).",
        ], at: P(380, 480))
        return d
    }

    /// The solid forward arrow and the dashed gradient arrow, named, at the top right.
    static func legend(_ d: inout Diagram, y: Double) {
        d.rule(P(380, y - 5), P(416, y - 5), ink: Diagram.Ink.text)
        d.text("forward", at: P(424, y), anchor: .start)
        d.rule(P(510, y - 5), P(546, y - 5), ink: Diagram.Ink.vermillion, dashed: true)
        d.text("backward: δ_t = ∂L/∂h_t", at: P(554, y), anchor: .start, ink: Diagram.Ink.vermillion)
    }

    /// Truncated BPTT: T = 6 cut into chunks of k = 3 steps. The state crosses the cut as a
    /// value; the gradient stops at it.
    static func truncatedBPTT() -> Diagram {
        var d = Diagram(width: 760, height: 550)
        d.title("Truncated BPTT: T = 6 in chunks of k = 3")
        legend(&d, y: 62)
        let eRow = 150.0, hRow = 255.0, xRow = 350.0
        let h0 = d.box("h_0", at: P(52, hRow), style: Look.state)
        var hs = [h0]
        func column(_ t: Int) -> Double { 148 + 100 * Double(t - 1) + (t > 3 ? 40 : 0) }
        for t in 1...6 {
            let x = column(t)
            let e = d.box("L_\(t)", at: P(x, eRow), style: Look.loss)
            let h = d.box("h_\(t)", at: P(x, hRow), style: Look.state)
            let xIn = d.box("x_\(t)", at: P(x, xRow), style: Look.input)
            d.arrow(from: xIn, to: h)
            d.arrow(from: hs[t - 1], to: h, offset: P(0, -9))
            d.arrow(from: h, to: e, offset: P(-9, 0))
            d.arrow(from: e, to: h, offset: P(9, 0), style: Look.gradient)
            hs.append(h)
        }
        for t in [3, 2, 6, 5] {
            d.arrow(from: hs[t], to: hs[t - 1], offset: P(0, 9), style: Look.gradient)
        }
        // The cut between steps 3 and 4: the gradient of h_4 stops there.
        let cutX = (column(3) + column(4)) / 2
        d.rule(P(cutX, 100), P(cutX, 395), ink: Diagram.Ink.vermillion, width: 2)
        d.text("the cut", at: P(cutX, 92), ink: Diagram.Ink.vermillion)
        let stop = d.textNode("×", at: P(cutX, hRow + 9), size: 24, ink: Diagram.Ink.vermillion)
        d.arrow(from: hs[4], to: stop, start: P(column(4), hRow + 9), style: Look.gradient)
        d.frame(Diagram.Rect(minX: column(1) - 42, minY: 100, maxX: column(3) + 40, maxY: 395), label: "chunk 1: steps 1–3")
        d.frame(Diagram.Rect(minX: column(4) - 40, minY: 100, maxX: column(6) + 42, maxY: 395), label: "chunk 2: steps 4–6")
        d.lines([
            "Each chunk runs forward k steps, backpropagates through those k steps",
            "only, and updates the weights. The next chunk starts from h_3 as a plain",
            "value: the forward pass still sees the whole past, but no gradient crosses",
            "the cut (×), so training cannot learn a dependency longer than a chunk.",
        ], at: P(380, 442))
        return d
    }
}
