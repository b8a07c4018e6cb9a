import Foundation
import Testing
@testable import Diagrams
@testable import Plot

/// What a reader trips on in a diagram, found from the geometry the diagram records: each
/// function returns one line per problem, empty when there is none.
enum DiagramCheck {
    typealias Point = Diagram.Point

    /// How far `p` is from the outline of node `n` (0 on it).
    static func distance(_ p: Point, to n: Diagram.Node) -> Double {
        switch n.outline {
        case .circle(let c, let r): return abs((p - c).length - r)
        case .box(let rect), .text(let rect):
            let dx = max(rect.minX - p.x, 0, p.x - rect.maxX), dy = max(rect.minY - p.y, 0, p.y - rect.maxY)
            if dx > 0 || dy > 0 { return (dx * dx + dy * dy).squareRoot() }
            return min(p.x - rect.minX, rect.maxX - p.x, p.y - rect.minY, rect.maxY - p.y)
        }
    }

    /// Whether `p` lies inside node `n`, at least `margin` from its outline.
    static func deepInside(_ p: Point, _ n: Diagram.Node, margin: Double) -> Bool {
        switch n.outline {
        case .circle(let c, let r): return (p - c).length < r - margin
        case .box(let rect), .text(let rect): return rect.inset(by: margin).contains(p)
        }
    }

    static func describe(_ d: Diagram, node i: Int) -> String {
        if let l = d.nodes[i].label { return "node \(i) '\(d.labels[l].text)'" }
        return "node \(i) (a dot at \(Int(d.nodes[i].center.x)),\(Int(d.nodes[i].center.y)))"
    }

    /// Every arrow starts on the outline of a node and its tip touches the outline of a node
    /// (within half a pixel): none starts or ends in empty space, or inside a box.
    static func looseArrowEnds(_ d: Diagram) -> [String] {
        var problems: [String] = []
        for (k, a) in d.arrows.enumerated() {
            for (what, p) in [("starts", a.start), ("ends", a.end)] {
                let nearest = d.nodes.indices.min { distance(p, to: d.nodes[$0]) < distance(p, to: d.nodes[$1]) }!
                let gap = distance(p, to: d.nodes[nearest])
                if gap > 0.5 {
                    problems.append("arrow \(k) \(what) at (\(Int(p.x)), \(Int(p.y))), \(String(format: "%.1f", gap)) px from the nearest outline, \(describe(d, node: nearest))")
                }
            }
        }
        return problems
    }

    /// No two labels overlap.
    static func overlappingLabels(_ d: Diagram) -> [String] {
        var problems: [String] = []
        for i in d.labels.indices {
            for j in d.labels.indices where j > i && d.labels[i].rect.overlaps(d.labels[j].rect) {
                problems.append("label '\(d.labels[i].text)' overlaps label '\(d.labels[j].text)'")
            }
        }
        return problems
    }

    /// A node's labels fit inside it, and no other label lies on a node.
    static func labelsOnNodes(_ d: Diagram) -> [String] {
        var problems: [String] = [], own = [Int: Int]()
        for (n, node) in d.nodes.enumerated() {
            guard let first = node.label else { continue }
            for l in first..<(first + node.labelCount) {
                own[l] = n
                let r = d.labels[l].rect
                let fits: Bool
                switch node.outline {
                case .box(let box): fits = box.inset(by: 2).contains(r)
                case .text(let box): fits = box.contains(r)
                case .circle(let c, let radius):
                    fits = [Point(r.minX, r.minY), Point(r.maxX, r.minY), Point(r.minX, r.maxY), Point(r.maxX, r.maxY)]
                        .allSatisfy { ($0 - c).length <= radius - 1 }
                }
                if !fits { problems.append("label '\(d.labels[l].text)' does not fit inside its \(describe(d, node: n))") }
            }
        }
        for (l, label) in d.labels.enumerated() where own[l] == nil {
            for (n, node) in d.nodes.enumerated() {
                let r = label.rect
                let hits: Bool
                switch node.outline {
                case .box(let box), .text(let box): hits = box.overlaps(r)
                case .circle(let c, let radius):
                    let nearest = Point(min(max(c.x, r.minX), r.maxX), min(max(c.y, r.minY), r.maxY))
                    hits = (nearest - c).length < radius
                }
                if hits { problems.append("label '\(label.text)' lies on \(describe(d, node: n))") }
            }
        }
        return problems
    }

    /// No arrow runs through a node other than the two it joins.
    static func arrowsThroughNodes(_ d: Diagram) -> [String] {
        var problems: [String] = []
        for (k, a) in d.arrows.enumerated() {
            for (n, node) in d.nodes.enumerated() where n != a.from && n != a.to {
                if a.samples.contains(where: { deepInside($0, node, margin: 1) }) {
                    problems.append("arrow \(k) from \(describe(d, node: a.from)) to \(describe(d, node: a.to)) runs through \(describe(d, node: n))")
                }
            }
        }
        return problems
    }

    /// Every label, node and frame lies inside the picture.
    static func outsideThePicture(_ d: Diagram) -> [String] {
        let canvas = Diagram.Rect(minX: 0, minY: 0, maxX: d.width, maxY: d.height)
        var problems: [String] = []
        for label in d.labels where !canvas.contains(label.rect) { problems.append("label '\(label.text)' is cut off by the edge") }
        for (n, node) in d.nodes.enumerated() where !canvas.contains(node.outline.bounds) { problems.append("\(describe(d, node: n)) is cut off") }
        for frame in d.frames where !canvas.contains(frame) { problems.append("a frame is cut off") }
        return problems
    }

    static func all(_ d: Diagram) -> [String] {
        looseArrowEnds(d) + overlappingLabels(d) + labelsOnNodes(d) + arrowsThroughNodes(d) + outsideThePicture(d)
    }
}

@Suite struct DiagramTests {
    typealias P = Diagram.Point

    @Test func everyFigureIsDeterministic() {
        let first = BookDiagrams.all.map { ($0.file, $0.diagram.svg) }
        let second = BookDiagrams.all.map { ($0.file, $0.diagram.svg) }
        #expect(first.map(\.0) == second.map(\.0))
        for ((file, a), (_, b)) in zip(first, second) {
            #expect(a == b, "\(file) differs between two renders")
            #expect(a.hasSuffix("</svg>\n") && !a.contains("\r"), "\(file): LF endings and a final newline")
            #expect(a.contains("viewBox=\"0 0 "), "\(file) has no viewBox")
            #expect(!a.contains(" id=\""), "\(file) has ids")
        }
        #expect(Set(first.map(\.0)).count == first.count, "two figures with one file name")
    }

    @Test(arguments: BookDiagrams.all.map(\.file))
    func arrowsTouchNodes(_ file: String) {
        let d = BookDiagrams.all.first { $0.file == file }!.diagram
        #expect(!d.arrows.isEmpty)
        #expect(DiagramCheck.looseArrowEnds(d) == [], "\(file)")
        #expect(DiagramCheck.arrowsThroughNodes(d) == [], "\(file)")
    }

    @Test(arguments: BookDiagrams.all.map(\.file))
    func labelsDoNotOverlap(_ file: String) {
        let d = BookDiagrams.all.first { $0.file == file }!.diagram
        #expect(DiagramCheck.overlappingLabels(d) == [], "\(file)")
        #expect(DiagramCheck.labelsOnNodes(d) == [], "\(file)")
        #expect(DiagramCheck.outsideThePicture(d) == [], "\(file)")
    }

    /// Sub- and superscripts are `<tspan>`s shifted off the baseline: no text a reader sees has
    /// an underscore or a caret, and every scripted label has its tspan.
    @Test(arguments: BookDiagrams.all.map(\.file))
    func scriptsAreTspans(_ file: String) {
        let d = BookDiagrams.all.first { $0.file == file }!.diagram
        let svg = d.svg
        let parsed = SVGReader.read(svg)
        #expect(parsed.ok && parsed.root == "svg", "\(file) is not well-formed")
        for text in parsed.texts { #expect(!text.contains("_") && !text.contains("^"), "\(file): '\(text)'") }
        for label in d.labels where label.markup.contains("_") || label.markup.contains("^") {
            for run in Diagram.parse(label.markup) where run.script != .none {
                #expect(svg.contains("font-size=\"\(SVG.num(Diagram.scriptSize(for: label.size)))\">\(SVG.escape(run.text))</tspan>"),
                        "\(file): '\(label.markup)' has no tspan for '\(run.text)'")
            }
        }
    }

    /// Legible at 400 px wide: no font below 14 px at the design width of about 760 px.
    @Test(arguments: BookDiagrams.all.map(\.file))
    func fontsAreLegible(_ file: String) throws {
        let d = BookDiagrams.all.first { $0.file == file }!.diagram
        #expect(d.width >= 700 && d.width <= 800)
        let sizes = try Regex("font-size=\"([0-9.]+)\"")
        for match in d.svg.matches(of: sizes) {
            let size = Double(String(match.output[1].substring!))!
            #expect(size >= 14, "\(file): font-size \(size)")
        }
    }

    @Test func coloursAreThePlotsPalette() {
        let I = Diagram.Ink.self
        for ink in [I.blue, I.vermillion, I.green, I.purple, I.orange, I.sky, I.black] {
            #expect(LineChart.palette.contains(ink), "\(ink) is not an Okabe–Ito colour of LineChart.palette")
        }
        #expect(Diagram.tint("#0072B2", 0) == "#ffffff" && Diagram.tint("#0072B2", 1) == "#0072b2")
    }

    @Test func markup() {
        #expect(Diagram.parse("W_hh^T") == [.init(text: "W", script: .none), .init(text: "hh", script: .sub), .init(text: "T", script: .sup)])
        #expect(Diagram.parse("x_{t+1} + h_t") == [.init(text: "x", script: .none), .init(text: "t+1", script: .sub),
                                                   .init(text: " + h", script: .none), .init(text: "t", script: .sub)])
        #expect(Diagram.parse("g′(z_t)").map(\.text) == ["g′(z", "t", ")"])
        var d = Diagram(width: 200, height: 100)
        d.text("δ_{t+1}", at: P(100, 50))
        #expect(d.svg.contains(">δ<tspan dy=\"5\" font-size=\"14\">t+1</tspan></text>"))
    }

    // MARK: - Each check catches the defect it is for.

    /// Two boxes and an arrow between them: nothing wrong.
    func pair() -> (Diagram, Int, Int) {
        var d = Diagram(width: 400, height: 200)
        let a = d.box("h_0", at: P(80, 100)), b = d.box("h_1", at: P(300, 100))
        return (d, a, b)
    }

    @Test func aCleanDiagramPasses() {
        var (d, a, b) = pair()
        d.arrow(from: a, to: b, label: "W_hh")
        d.curve(from: b, to: b, P(380, 40), P(380, 160), start: P(310, 90), end: P(310, 110))
        #expect(DiagramCheck.all(d) == [])
    }

    @Test func plantedLooseArrowIsFound() {
        var (d, a, b) = pair()
        d.arrow(from: a, to: b, end: P(250, 100))  // stops 28 px short of h_1
        #expect(DiagramCheck.looseArrowEnds(d) == ["arrow 0 ends at (250, 100), 27.8 px from the nearest outline, node 1 'h1'"])
    }

    @Test func plantedOverlappingLabelsAreFound() {
        var (d, a, b) = pair()
        d.arrow(from: a, to: b, label: "W_hh")
        d.text("shared", at: P(190, 90))  // on the arrow's label
        #expect(DiagramCheck.overlappingLabels(d) == ["label 'Whh' overlaps label 'shared'"])
    }

    @Test func plantedLabelOnANodeIsFound() {
        var (d, _, _) = pair()
        d.text("δ_1", at: P(300, 96))
        d.circle("tanh", at: P(200, 160), radius: 12)  // too small for its label
        #expect(DiagramCheck.labelsOnNodes(d) == ["label 'tanh' does not fit inside its node 2 'tanh'", "label 'δ1' lies on node 1 'h1'"])
    }

    @Test func plantedArrowThroughANodeIsFound() {
        var (d, a, _) = pair()
        let c = d.box("h_2", at: P(380, 100), width: 30)
        d.arrow(from: a, to: c)  // straight through h_1
        #expect(DiagramCheck.arrowsThroughNodes(d) == ["arrow 0 from node 0 'h0' to node 2 'h2' runs through node 1 'h1'"])
    }

    @Test func plantedCutOffTextIsFound() {
        var (d, _, _) = pair()
        d.text("the last step", at: P(390, 190), anchor: .start)
        #expect(DiagramCheck.outsideThePicture(d) == ["label 'the last step' is cut off by the edge"])
    }

    @Test func plantedLiteralUnderscoreIsFound() {
        var d = Diagram(width: 200, height: 100)
        d.text("h_", at: P(100, 50))  // nothing after the underscore: it stays a character
        #expect(SVGReader.read(d.svg).texts.contains { $0.contains("_") })
    }
}
