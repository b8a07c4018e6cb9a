import Plot

extension BookDiagrams {
    /// The Elman cell: two products, a sum and a tanh.
    static func elmanCell() -> Diagram {
        var d = Diagram(width: 760, height: 520)
        d.title("The Elman cell (PyTorch's nn.RNN, tanh)")
        let row = 190.0
        let hPrev = d.box("h_{t−1}", at: P(62, row), style: Look.state)
        let hh = d.box("h_{t−1} W_hh^T", at: P(270, row), style: Look.cell)
        let ih = d.box("x_t W_ih^T", at: P(270, 285), style: Look.cell)
        let xIn = d.box("x_t", at: P(270, 375), style: Look.input)
        let bias = d.box("b_ih + b_hh", at: P(440, 100), style: Look.cell)
        let plus = d.circle("+", at: P(440, row))
        let act = d.circle("tanh", at: P(560, row), radius: 26, size: 16)
        let fork = d.dot(at: P(640, row))
        let hNext = d.box("h_t", at: P(715, row), style: Look.state)
        let hUp = d.box("h_t", at: P(640, 95), style: Look.state)
        d.arrow(from: hPrev, to: hh)
        d.arrow(from: xIn, to: ih)
        d.arrow(from: hh, to: plus)
        d.arrow(from: ih, to: plus, through: [P(440, 285)])
        d.arrow(from: bias, to: plus)
        d.arrow(from: plus, to: act)
        d.arrow(from: act, to: fork, head: false)
        d.arrow(from: fork, to: hNext)
        d.arrow(from: fork, to: hUp)
        d.text("to the head, or the layer above", at: P(750, 60), anchor: .end)
        d.text("to step t + 1", at: P(750, row + 45), anchor: .end)
        d.frame(Diagram.Rect(minX: 150, minY: 135, maxX: 605, maxY: 325), label: "one step; the same weights at every t")
        d.lines([
            "h_t = tanh(x_t W_ih^T + b_ih + h_{t−1} W_hh^T + b_hh)          x_t [B, I],  h_t [B, H]",
            "PyTorch keeps two biases, which add up: b = b_ih + b_hh. In the course's notation",
            "S_t = g_1(W_s S_{t−1} + W_x X_t): W_ih is W_x, W_hh is W_s, g_1 is tanh.",
        ], at: P(380, 440))
        return d
    }

    /// The LSTM cell: the cell state along the top, four gates from one product.
    static func lstmCell() -> Diagram {
        var d = Diagram(width: 760, height: 640)
        d.title("The LSTM cell (PyTorch's nn.LSTM)")
        let cRow = 100.0, mid = 180.0, gateRow = 265.0, linRow = 355.0
        let cPrev = d.box("c_{t−1}", at: P(60, cRow), style: Look.state)
        let forget = d.circle("⊙", at: P(240, cRow))
        let add = d.circle("+", at: P(400, cRow))
        let cFork = d.dot(at: P(590, cRow))
        let cNext = d.box("c_t", at: P(712, cRow), style: Look.state)
        let squash = d.circle("tanh", at: P(590, mid), radius: 26, size: 16)
        let inputGate = d.circle("⊙", at: P(400, mid))
        let f = d.circle("σ", at: P(240, gateRow), style: Look.gate)
        let i = d.circle("σ", at: P(320, gateRow), style: Look.gate)
        let g = d.circle("tanh", at: P(400, gateRow), radius: 26, style: Look.gate, size: 16)
        let o = d.circle("σ", at: P(490, gateRow), style: Look.gate)
        let out = d.circle("⊙", at: P(590, gateRow))
        let hNext = d.box("h_t", at: P(712, gateRow), style: Look.state)
        let linear = d.box("a = x_t W_ih^T + h_{t−1} W_hh^T + b", at: P(370, linRow), width: 380, style: Look.cell)
        let hPrev = d.box("h_{t−1}", at: P(60, linRow), style: Look.state)
        let xIn = d.box("x_t", at: P(370, 445), style: Look.input)

        d.arrow(from: cPrev, to: forget)
        d.arrow(from: forget, to: add)
        d.arrow(from: add, to: cFork, head: false)
        d.arrow(from: cFork, to: cNext)
        d.arrow(from: cFork, to: squash)
        d.arrow(from: squash, to: out)
        d.arrow(from: f, to: forget, label: "f", side: .left, at: 0.3)
        d.arrow(from: i, to: inputGate, through: [P(320, mid)], label: "i", side: .left, at: 0.3)
        d.arrow(from: g, to: inputGate, label: "g", side: .right)
        d.arrow(from: inputGate, to: add)
        d.arrow(from: o, to: out, label: "o", side: .above)
        d.arrow(from: out, to: hNext)
        d.arrow(from: hPrev, to: linear)
        d.arrow(from: xIn, to: linear)
        for (gate, x, name) in [(f, 240.0, "a_f"), (i, 320.0, "a_i"), (g, 400.0, "a_g"), (o, 490.0, "a_o")] {
            d.arrow(from: linear, to: gate, start: P(x, linRow), label: name, side: .right, labelGap: 3)
        }
        d.frame(Diagram.Rect(minX: 150, minY: 50, maxX: 640, maxY: 395), label: "one step")
        d.lines([
            "a = x_t W_ih^T + b_ih + h_{t−1} W_hh^T + b_hh,  [B, 4H],",
            "split in PyTorch's order: [a_i | a_f | a_g | a_o]",
            "i = σ(a_i)    f = σ(a_f)    g = tanh(a_g)    o = σ(a_o)",
            "c_t = f ⊙ c_{t−1} + i ⊙ g        h_t = o ⊙ tanh(c_t)",
            "h_t goes to the head (or the layer above) and, with c_t, to step t + 1.",
        ], at: P(380, 510))
        return d
    }

    /// The GRU cell in PyTorch's form: the reset gate multiplies `W_hn h + b_hn`.
    static func gruCell() -> Diagram {
        var d = Diagram(width: 760, height: 795)
        d.title("The GRU cell (PyTorch's nn.GRU)")
        let top = 95.0, mixRow = 170.0, nRow = 260.0, rRow = 330.0, zRow = 400.0
        let hPrev = d.box("h_{t−1}", at: P(62, top), style: Look.state)
        let fork = d.dot(at: P(215, top))
        let keep = d.circle("⊙", at: P(370, top))
        let add = d.circle("+", at: P(650, top))
        let hNext = d.box("h_t", at: P(722, top), style: Look.state)
        let gh = d.box("gh =\nh_{t−1} W_hh^T\n+ b_hh", at: P(215, 330), width: 150, height: 220, style: Look.cell)
        let gi = d.box("gi = x_t W_ih^T + b_ih", at: P(495, 505), width: 350, height: 44, style: Look.cell)
        let xIn = d.box("x_t", at: P(495, 585), style: Look.input)
        let z = d.circle("σ", at: P(370, zRow), style: Look.gate)
        let r = d.circle("σ", at: P(470, rRow), style: Look.gate)
        let reset = d.circle("⊙", at: P(560, nRow))
        let n = d.circle("tanh", at: P(650, nRow), radius: 26, style: Look.gate, size: 16)
        let zFork = d.dot(at: P(370, mixRow))
        let oneMinus = d.circle("1−", at: P(495, mixRow), size: 16)
        let mix = d.circle("⊙", at: P(650, mixRow))

        d.arrow(from: hPrev, to: fork, head: false)
        d.arrow(from: fork, to: keep)
        d.arrow(from: keep, to: add)
        d.arrow(from: add, to: hNext)
        d.arrow(from: fork, to: gh)
        d.arrow(from: xIn, to: gi)
        d.arrow(from: gh, to: z, start: P(215, zRow), label: "gh_z", at: 0.45)
        d.arrow(from: gh, to: r, start: P(215, rRow), label: "gh_r", at: 0.25)
        d.arrow(from: gh, to: reset, start: P(215, nRow), label: "gh_n", at: 0.16)
        d.arrow(from: gi, to: z, start: P(370, 505), label: "gi_z", side: .right, at: 0.45, labelGap: 3)
        d.arrow(from: gi, to: r, start: P(470, 505), label: "gi_r", side: .right, at: 0.45, labelGap: 3)
        d.arrow(from: gi, to: n, start: P(650, 505), label: "gi_n", side: .right, at: 0.45, labelGap: 3)
        d.arrow(from: r, to: reset, through: [P(560, rRow)], label: "r", side: .above, at: 0.3)
        d.arrow(from: reset, to: n)
        d.arrow(from: n, to: mix, label: "n", side: .right, labelGap: 6)
        d.arrow(from: z, to: zFork, head: false)
        d.arrow(from: zFork, to: keep, label: "z", side: .right)
        d.arrow(from: zFork, to: oneMinus)
        d.arrow(from: oneMinus, to: mix, label: "1 − z", side: .above)
        d.arrow(from: mix, to: add)
        d.frame(Diagram.Rect(minX: 125, minY: 50, maxX: 690, maxY: 545), label: "one step")
        d.lines([
            "gi = x_t W_ih^T + b_ih,   gh = h_{t−1} W_hh^T + b_hh,   [B, 3H] each,",
            "each split into [r | z | n]",
            "r = σ(gi_r + gh_r)      z = σ(gi_z + gh_z)      n = tanh(gi_n + r ⊙ gh_n)",
            "h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}",
            "PyTorch's form: r multiplies gh_n = h_{t−1} W_hn^T + b_hn, bias included",
            "(Cho et al. and d2l reset h_{t−1} before the product instead).",
        ], at: P(380, 640))
        return d
    }
}
