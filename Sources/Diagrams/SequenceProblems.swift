import Plot

extension BookDiagrams {
    /// The four shapes of sequence problems, each a small unrolled network, with the chapters
    /// of the book that solve one of that shape.
    static func sequenceProblems() -> Diagram {
        var d = Diagram(width: 760, height: 640)
        d.title("Sequence problems by the shape of their inputs and outputs")
        let panels: [(x: Double, y: Double, title: String, steps: Int, inputs: [Int], outputs: [Int], caption: [String])] = [
            (10, 50, "one to many", 4, [0], [0, 1, 2, 3],
             ["one input, then a sequence out: sampling", "text in chapters 2 and 3"]),
            (390, 50, "many to one", 4, [0, 1, 2, 3], [3],
             ["one answer after the whole sequence: the", "classifier (ch. 1), forecasting (ch. 4)"]),
            (10, 345, "many to many, aligned", 4, [0, 1, 2, 3], [0, 1, 2, 3],
             ["an output at every step: the language", "models (ch. 2, 3), the tagger (ch. 6)"]),
            (390, 345, "many to many, not aligned", 6, [0, 1, 2], [3, 4, 5],
             ["read it all, then write (encoder–decoder),", "as in translation: none in this book"]),
        ]
        for panel in panels {
            d.frame(Diagram.Rect(minX: panel.x, minY: panel.y, maxX: panel.x + 360, maxY: panel.y + 285))
            d.text(panel.title, at: P(panel.x + 180, panel.y + 28), size: 18, bold: true)
            let spacing = panel.steps > 4 ? 60.0 : 80.0, boxWidth = panel.steps > 4 ? 36.0 : 40.0
            let first = panel.x + 180 - spacing * Double(panel.steps - 1) / 2
            let yRow = panel.y + 72, hRow = panel.y + 136, xRow = panel.y + 200
            var previous: Int? = nil
            for k in 0..<panel.steps {
                let x = first + spacing * Double(k)
                let h = d.box("h_\(k + 1)", at: P(x, hRow), width: boxWidth, height: 32, style: Look.state, size: 16)
                if let previous { d.arrow(from: previous, to: h) }
                previous = h
                if let i = panel.inputs.firstIndex(of: k) {
                    let xIn = d.box("x_\(i + 1)", at: P(x, xRow), width: boxWidth, height: 32, style: Look.input, size: 16)
                    d.arrow(from: xIn, to: h)
                }
                if let o = panel.outputs.firstIndex(of: k) {
                    let y = d.box("y_\(o + 1)", at: P(x, yRow), width: boxWidth, height: 32, style: Look.output, size: 16)
                    d.arrow(from: h, to: y)
                }
            }
            d.lines(panel.caption, at: P(panel.x + 180, panel.y + 248), spacing: 22)
        }
        return d
    }
}
