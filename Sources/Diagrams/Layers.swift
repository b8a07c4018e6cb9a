import Plot

extension BookDiagrams {
    /// Two stacked layers: layer 2 reads layer 1's states as its inputs.
    static func stacked() -> Diagram {
        var d = Diagram(width: 760, height: 560)
        d.title("Two stacked layers")
        let yRow = 80.0, top = 185.0, bottom = 300.0, xRow = 405.0
        let top0 = d.box("h_0^{(2)}", at: P(80, top), style: Look.state)
        let bottom0 = d.box("h_0^{(1)}", at: P(80, bottom), style: Look.state)
        var previous = (top: top0, bottom: bottom0)
        for t in 1...3 {
            let x = 80 + 170 * Double(t)
            let y = d.box("y_\(t)", at: P(x, yRow), style: Look.output)
            let h2 = d.box("h_\(t)^{(2)}", at: P(x, top), style: Look.state)
            let h1 = d.box("h_\(t)^{(1)}", at: P(x, bottom), style: Look.state)
            let xIn = d.box("x_\(t)", at: P(x, xRow), style: Look.input)
            d.arrow(from: xIn, to: h1, label: "W_ih^{(1)}", side: .right)
            d.arrow(from: h1, to: h2, label: "W_ih^{(2)}", side: .right)
            d.arrow(from: h2, to: y, label: "W_hy", side: .right, at: 0.7)
            d.arrow(from: previous.bottom, to: h1, label: "W_hh^{(1)}")
            d.arrow(from: previous.top, to: h2, label: "W_hh^{(2)}")
            previous = (h2, h1)
        }
        d.frame(Diagram.Rect(minX: 30, minY: top - 48, maxX: 730, maxY: top + 26), label: "layer 2", labelSide: .end)
        d.frame(Diagram.Rect(minX: 30, minY: bottom - 48, maxX: 730, maxY: bottom + 26), label: "layer 1", labelSide: .end)
        d.lines([
            "Layer 2 reads layer 1's states h_t^{(1)} as its inputs (after dropout, if any).",
            "Each layer has its own W_ih, W_hh, biases and initial state, shared across t;",
            "the head W_hy reads the top layer. The final states h_n, [layers · directions, B, H],",
            "hold the last state of every layer.",
        ], at: P(380, 458))
        return d
    }

    /// A bidirectional layer: one direction reads t = 1 … T, the other T … 1, and each step's
    /// output is the two states side by side.
    static func bidirectional() -> Diagram {
        var d = Diagram(width: 760, height: 580)
        d.title("A bidirectional layer")
        let outRow = 90.0, forwardRow = 200.0, backwardRow = 290.0, xRow = 385.0
        let forward0 = d.box("h→_0", at: P(70, forwardRow), style: Look.state)
        let backward4 = d.box("h←_4", at: P(705, backwardRow), style: Look.backward)
        var forward = [forward0], backward: [Int] = [], inputs: [Int] = []
        for t in 1...3 {
            let x = 70 + 160 * Double(t)
            let output = d.box("[h→_\(t) | h←_\(t)]", at: P(x, outRow), style: Look.output, size: 16)
            let f = d.box("h→_\(t)", at: P(x - 34, forwardRow), style: Look.state)
            let b = d.box("h←_\(t)", at: P(x + 34, backwardRow), style: Look.backward)
            let xIn = d.box("x_\(t)", at: P(x, xRow), style: Look.input)
            d.arrow(from: forward[t - 1], to: f, style: Look.Style(stroke: Diagram.Ink.blue))
            d.arrow(from: f, to: output, end: P(x - 28, outRow))
            d.arrow(from: b, to: output, end: P(x + 28, outRow))
            d.arrow(from: xIn, to: f, start: P(x - 8, xRow))
            d.arrow(from: xIn, to: b, start: P(x + 8, xRow))
            forward.append(f)
            backward.append(b)
            inputs.append(xIn)
        }
        backward.append(backward4)
        for t in stride(from: 3, through: 1, by: -1) {
            d.arrow(from: backward[t], to: backward[t - 1], style: Look.Style(stroke: Diagram.Ink.purple))
        }
        d.lines(["forward,", "t = 1 … T"], at: P(70, forwardRow + 45), spacing: 21)
        d.lines(["backward,", "t = T … 1"], at: P(705, backwardRow - 52), spacing: 21)
        d.lines([
            "h→_t = cell→(x_t, h→_{t−1})      h←_t = cell←(x_t, h←_{t+1})",
            "output_t = [h→_t | h←_t],  [T, B, 2H]",
            "Two sets of weights (W_ih, W_hh per direction, shared across t) and two initial",
            "states, here h→_0 and h←_4 (T = 3): the directions share only the input. The output",
            "at t has seen everything up to t through h→_t, and everything from t on through h←_t.",
        ], at: P(380, 440))
        return d
    }
}
