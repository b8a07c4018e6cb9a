import Foundation

/// A diagram of a network: boxes and operator circles with centred labels, arrows between them
/// (straight, elbowed or curved, with arrowheads and optional labels), free text, and dashed
/// frames around groups. Positions are given by the code that draws a figure; the diagram keeps
/// every node's outline, every arrow's two ends and every label's rectangle, so that tests can
/// check what a reader would trip on: a label on top of another, an arrow that ends in empty
/// space, text outside the picture.
///
/// Labels are written in a small markup for the book's symbols: `h_t`, `W_hh`, `x_{t+1}` are
/// subscripts and `W_hh^T`, `h^{(2)}` superscripts, each drawn as a `<tspan>` shifted off the
/// baseline (`dy`) in a smaller font, never as a literal underscore or caret. The output has the
/// same deterministic bytes as `SVG`'s (numbers through `SVG.num`, elements in the order drawn,
/// no ids, no dates, LF endings), and a `viewBox`, so that it scales with the page.
public struct Diagram {
    public struct Point: Equatable, Sendable {
        public var x: Double, y: Double
        public init(_ x: Double, _ y: Double) {
            self.x = x
            self.y = y
        }
        public static func + (a: Point, b: Point) -> Point { Point(a.x + b.x, a.y + b.y) }
        public static func - (a: Point, b: Point) -> Point { Point(a.x - b.x, a.y - b.y) }
        public static func * (s: Double, a: Point) -> Point { Point(s * a.x, s * a.y) }
        public var length: Double { (x * x + y * y).squareRoot() }
    }

    public struct Rect: Equatable, Sendable {
        public var minX: Double, minY: Double, maxX: Double, maxY: Double
        public init(minX: Double, minY: Double, maxX: Double, maxY: Double) {
            self.minX = minX
            self.minY = minY
            self.maxX = maxX
            self.maxY = maxY
        }
        public init(center c: Point, width: Double, height: Double) {
            self.init(minX: c.x - width / 2, minY: c.y - height / 2, maxX: c.x + width / 2, maxY: c.y + height / 2)
        }
        public var width: Double { maxX - minX }
        public var height: Double { maxY - minY }
        public var center: Point { Point((minX + maxX) / 2, (minY + maxY) / 2) }
        /// Whether the two rectangles share more than an edge.
        public func overlaps(_ other: Rect) -> Bool {
            minX < other.maxX && other.minX < maxX && minY < other.maxY && other.minY < maxY
        }
        public func contains(_ other: Rect) -> Bool {
            minX <= other.minX && other.maxX <= maxX && minY <= other.minY && other.maxY <= maxY
        }
        public func contains(_ p: Point) -> Bool { minX <= p.x && p.x <= maxX && minY <= p.y && p.y <= maxY }
        public func inset(by d: Double) -> Rect { Rect(minX: minX + d, minY: minY + d, maxX: maxX - d, maxY: maxY - d) }
    }

    /// What a node looks like, which decides where arrows meet it.
    public enum Outline: Equatable, Sendable {
        /// A rounded rectangle; arrows meet its rectangle.
        case box(Rect)
        /// A circle: an operator (`⊙`, `+`, `σ`, `tanh`) or a junction dot.
        case circle(center: Point, radius: Double)
        /// Text without a border (`⋯`); arrows meet the rectangle around the text.
        case text(Rect)

        public var bounds: Rect {
            switch self {
            case .box(let r), .text(let r): return r
            case .circle(let c, let r): return Rect(center: c, width: 2 * r, height: 2 * r)
            }
        }
        public func contains(_ p: Point) -> Bool {
            switch self {
            case .box(let r), .text(let r): return r.contains(p)
            case .circle(let c, let r): return (p - c).length <= r
            }
        }
    }

    public struct Node: Sendable {
        public let outline: Outline
        /// The index of its (first) label in `labels`, if it has one.
        public let label: Int?
        /// How many labels it has, one per line, from `label` on.
        public let labelCount: Int
        public var center: Point { outline.bounds.center }
    }

    /// A piece of text as placed: its markup, the text a reader sees, and the rectangle it covers.
    public struct Label: Sendable {
        public enum Role: Sendable { case title, node, arrow, text, frame }
        public let markup: String
        /// The characters drawn, without markup.
        public let text: String
        public let rect: Rect
        public let size: Double
        public let role: Role
    }

    /// An arrow as drawn: its two ends (the tip is `end`) and the nodes it was drawn between.
    public struct Arrow: Sendable {
        public let from: Int, to: Int
        public let start: Point, end: Point
        /// Points along the drawn path, every few pixels, for checks.
        public let samples: [Point]
        public let label: Int?
    }

    /// The Okabe–Ito colours of the book's plots (`LineChart.palette`); their yellow is too light
    /// for lines and text on white, and is not used.
    public enum Ink {
        public static let blue = "#0072B2"
        public static let vermillion = "#D55E00"
        public static let green = "#009E73"
        public static let purple = "#CC79A7"
        public static let orange = "#E69F00"
        public static let sky = "#56B4E9"
        public static let black = "#000000"
        /// Text and neutral strokes.
        public static let text = "#222222"
        public static let grey = "#555555"
    }

    /// How a node or an arrow is drawn.
    public struct Style: Sendable {
        public var stroke: String
        public var fill: String
        public var dashed: Bool
        public init(stroke: String, fill: String = "#ffffff", dashed: Bool = false) {
            self.stroke = stroke
            self.fill = fill
            self.dashed = dashed
        }
        /// A stroke of `ink` over a light tint of it.
        public static func tinted(_ ink: String, _ amount: Double = 0.16) -> Style {
            Style(stroke: ink, fill: Diagram.tint(ink, amount))
        }
        public static let plain = Style(stroke: Ink.text)
    }

    public enum Side: Sendable { case above, below, left, right }

    public let width: Double, height: Double
    public private(set) var nodes: [Node] = []
    public private(set) var labels: [Label] = []
    public private(set) var arrows: [Arrow] = []
    public private(set) var frames: [Rect] = []
    /// Elements by layer, so that nothing drawn later hides what a reader needs: frames at the
    /// back, then arrows, then nodes, then text.
    private var frameLayer: [String] = [], arrowLayer: [String] = [], nodeLayer: [String] = [], textLayer: [String] = []

    /// Font sizes: labels and captions, sub- and superscripts, the title. At the design width of
    /// about 760 px none is below 14 px.
    public static let labelSize = 18.0, captionSize = 16.0, scriptSize = 14.0, titleSize = 20.0
    public static let strokeWidth = 1.8, arrowHeadLength = 11.0, arrowHeadHalfWidth = 5.0

    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    // MARK: - Nodes

    /// A rounded box centred at `center`, `width` wide (by default fitted to the label).
    @discardableResult
    public mutating func box(_ label: String, at center: Point, width: Double? = nil, height: Double = 40,
                             style: Style = .plain, size: Double = labelSize) -> Int {
        let widest = label.split(separator: "\n").map { Self.textWidth(String($0), size: size) }.max() ?? 0
        let w = width ?? max(height, widest + 24)
        let rect = Rect(center: center, width: w, height: height)
        var s = "<rect x=\"\(SVG.num(rect.minX))\" y=\"\(SVG.num(rect.minY))\" width=\"\(SVG.num(w))\" height=\"\(SVG.num(height))\" rx=\"8\""
        s += " fill=\"\(style.fill)\" stroke=\"\(style.stroke)\" stroke-width=\"\(SVG.num(Self.strokeWidth))\""
        if style.dashed { s += " stroke-dasharray=\"6 4\"" }
        nodeLayer.append(s + "/>")
        return addNode(.box(rect), label: label, size: size)
    }

    /// A circle of radius `radius` centred at `center`: an operator such as `⊙`, `+`, `σ`, `tanh`.
    @discardableResult
    public mutating func circle(_ label: String, at center: Point, radius: Double = 18, style: Style = .plain,
                                size: Double = labelSize) -> Int {
        nodeLayer.append(circleElement(center, radius, fill: style.fill, stroke: style.stroke, dashed: style.dashed))
        return addNode(.circle(center: center, radius: radius), label: label, size: size)
    }

    /// A junction: a small filled dot where one value goes to two places.
    @discardableResult
    public mutating func dot(at center: Point, ink: String = Ink.text) -> Int {
        nodeLayer.append(circleElement(center, 4, fill: ink, stroke: nil, dashed: false))
        return addNode(.circle(center: center, radius: 4), label: nil, size: 0)
    }

    /// Text without a border that arrows can start or end at (`⋯` between two steps).
    @discardableResult
    public mutating func textNode(_ label: String, at center: Point, size: Double = labelSize, ink: String = Ink.text) -> Int {
        let w = Self.textWidth(label, size: size)
        let rect = Rect(center: center, width: w + 8, height: size + 8)
        return addNode(.text(rect), label: label, size: size, ink: ink)
    }

    private func circleElement(_ c: Point, _ r: Double, fill: String, stroke: String?, dashed: Bool) -> String {
        var s = "<circle cx=\"\(SVG.num(c.x))\" cy=\"\(SVG.num(c.y))\" r=\"\(SVG.num(r))\" fill=\"\(fill)\""
        if let stroke { s += " stroke=\"\(stroke)\" stroke-width=\"\(SVG.num(Self.strokeWidth))\"" }
        if dashed { s += " stroke-dasharray=\"6 4\"" }
        return s + "/>"
    }

    private mutating func addNode(_ outline: Outline, label: String?, size: Double, ink: String = Ink.text) -> Int {
        // One label per line, the lines centred on the node together.
        let lines = (label ?? "").isEmpty ? [] : label!.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let c = outline.bounds.center, spacing = size * 1.45
        var first: Int? = nil
        for (i, line) in lines.enumerated() {
            let y = c.y + Self.centringDrop(line, size: size) + (Double(i) - Double(lines.count - 1) / 2) * spacing
            let index = place(line, at: Point(c.x, y), size: size, anchor: .middle, role: .node, halo: false, ink: ink)
            if first == nil { first = index }
        }
        nodes.append(Node(outline: outline, label: first, labelCount: lines.count))
        return nodes.count - 1
    }

    // MARK: - Arrows

    /// An arrow from node `from` to node `to` along `through` (elbow points; none for a straight
    /// arrow between the centres). `offset` moves the whole route sideways, for two arrows
    /// between the same nodes. The route is cut where it leaves `from` and where it enters `to`,
    /// so the arrow starts on one outline and its tip touches the other.
    @discardableResult
    public mutating func arrow(from: Int, to: Int, through: [Point] = [], offset: Point = Point(0, 0),
                               start: Point? = nil, end: Point? = nil,
                               label: String? = nil, side: Side = .above, at fraction: Double = 0.5, labelGap: Double = 5,
                               labelInk: String = Ink.text, labelSize: Double = labelSize,
                               style: Style = .plain, head: Bool = true) -> Int {
        let route = [start ?? nodes[from].center + offset] + through + [end ?? nodes[to].center + offset]
        let path = Self.clip(polyline: route, from: nodes[from].outline, to: nodes[to].outline)
        return addArrow(from: from, to: to, samples: path.samples, corners: path.points, cubic: nil,
                        label: label, side: side, fraction: fraction, labelGap: labelGap, labelInk: labelInk, labelSize: labelSize,
                        style: style, head: head)
    }

    /// A curved arrow: the cubic Bézier curve from `start` (inside node `from`, its centre by
    /// default) through the control points `c1`, `c2` to `end` (inside node `to`), cut at the
    /// two outlines. With `from == to` it is a loop back into the same node.
    @discardableResult
    public mutating func curve(from: Int, to: Int, _ c1: Point, _ c2: Point, start: Point? = nil, end: Point? = nil,
                               label: String? = nil, side: Side = .above, at fraction: Double = 0.5, labelGap: Double = 5,
                               labelInk: String = Ink.text, labelSize: Double = labelSize, style: Style = .plain) -> Int {
        let p0 = start ?? nodes[from].center, p3 = end ?? nodes[to].center
        let bezier = Self.clip(cubic: [p0, c1, c2, p3], from: nodes[from].outline, to: nodes[to].outline)
        let samples = (0...200).map { Self.bezierPoint(bezier, Double($0) / 200) }
        return addArrow(from: from, to: to, samples: samples, corners: [], cubic: bezier,
                        label: label, side: side, fraction: fraction, labelGap: labelGap, labelInk: labelInk, labelSize: labelSize,
                        style: style, head: true)
    }

    private mutating func addArrow(from: Int, to: Int, samples: [Point], corners: [Point], cubic: [Point]?,
                                   label: String?, side: Side, fraction: Double, labelGap: Double, labelInk: String,
                                   labelSize: Double, style: Style, head: Bool) -> Int {
        let tip = samples.last!, start = samples.first!
        // The direction at the tip, from the last stretch of the path that is not degenerate.
        var back = samples.count - 2
        while back > 0 && (tip - samples[back]).length < 3 { back -= 1 }
        var direction = tip - samples[max(back, 0)]
        if direction.length == 0 { direction = Point(1, 0) }
        direction = (1 / direction.length) * direction
        let normal = Point(-direction.y, direction.x)
        // The line stops inside the head, so its end never shows past the tip.
        let cut = head ? Self.arrowHeadLength * 0.8 : 0
        var d = "M\(SVG.num(start.x)),\(SVG.num(start.y))"
        if var b = cubic {
            b[2] = b[2] - cut * direction
            b[3] = b[3] - cut * direction
            d += " C\(SVG.num(b[1].x)),\(SVG.num(b[1].y)) \(SVG.num(b[2].x)),\(SVG.num(b[2].y)) \(SVG.num(b[3].x)),\(SVG.num(b[3].y))"
        } else {
            var points = corners
            points[points.count - 1] = tip - cut * direction
            for p in points.dropFirst() { d += " L\(SVG.num(p.x)),\(SVG.num(p.y))" }
        }
        var s = "<path d=\"\(d)\" fill=\"none\" stroke=\"\(style.stroke)\" stroke-width=\"\(SVG.num(Self.strokeWidth))\" stroke-linejoin=\"round\""
        if style.dashed { s += " stroke-dasharray=\"6 4\"" }
        arrowLayer.append(s + "/>")
        if head {
            let base = tip - Self.arrowHeadLength * direction
            let a = base + Self.arrowHeadHalfWidth * normal, b = base - Self.arrowHeadHalfWidth * normal
            arrowLayer.append("<path d=\"M\(SVG.num(tip.x)),\(SVG.num(tip.y)) L\(SVG.num(a.x)),\(SVG.num(a.y)) L\(SVG.num(b.x)),\(SVG.num(b.y)) Z\" fill=\"\(style.stroke)\"/>")
        }
        var labelIndex: Int? = nil
        if let label {
            let at = Self.pointAlong(samples, fraction: fraction)
            labelIndex = placeBeside(label, at: at, side: side, gap: labelGap, size: labelSize, role: .arrow, ink: labelInk)
        }
        arrows.append(Arrow(from: from, to: to, start: start, end: tip, samples: samples, label: labelIndex))
        return arrows.count - 1
    }

    // MARK: - Text and frames

    /// Free text with its baseline at `at.y`.
    @discardableResult
    public mutating func text(_ markup: String, at: Point, size: Double = captionSize, anchor: SVG.Anchor = .middle,
                              bold: Bool = false, ink: String = Ink.text) -> Int {
        place(markup, at: at, size: size, anchor: anchor, role: bold ? .title : .text, halo: true, bold: bold, ink: ink)
    }

    /// Free text next to a point: above it, below it, or to its left or right.
    @discardableResult
    public mutating func text(_ markup: String, beside point: Point, side: Side, gap: Double = 5, size: Double = captionSize,
                              ink: String = Ink.text) -> Int {
        placeBeside(markup, at: point, side: side, gap: gap, size: size, role: .text, ink: ink)
    }

    /// The figure's title, bold, centred at the top.
    @discardableResult
    public mutating func title(_ markup: String, y: Double = 28) -> Int {
        text(markup, at: Point(width / 2, y), size: Self.titleSize, bold: true)
    }

    /// Lines of text, one below the other, `spacing` apart.
    public mutating func lines(_ lines: [String], at: Point, size: Double = captionSize, anchor: SVG.Anchor = .middle,
                               spacing: Double = 27) {
        for (i, line) in lines.enumerated() {
            text(line, at: Point(at.x, at.y + Double(i) * spacing), size: size, anchor: anchor)
        }
    }

    /// A dashed rounded frame around a group, with an optional label inside its top-left corner.
    public mutating func frame(_ rect: Rect, label: String? = nil, ink: String = Ink.grey, labelSide: SVG.Anchor = .start) {
        frames.append(rect)
        frameLayer.append("<rect x=\"\(SVG.num(rect.minX))\" y=\"\(SVG.num(rect.minY))\" width=\"\(SVG.num(rect.width))\" height=\"\(SVG.num(rect.height))\" rx=\"10\" fill=\"none\" stroke=\"\(ink)\" stroke-width=\"1.5\" stroke-dasharray=\"7 5\"/>")
        if let label {
            let x = labelSide == .start ? rect.minX + 10 : labelSide == .end ? rect.maxX - 10 : rect.center.x
            place(label, at: Point(x, rect.minY + 22), size: Self.captionSize, anchor: labelSide, role: .frame, halo: true, ink: ink)
        }
    }

    /// A plain line without a head (a cut, a legend's sample), which no check treats as an arrow.
    public mutating func rule(_ a: Point, _ b: Point, ink: String = Ink.grey, dashed: Bool = false, width: Double = strokeWidth) {
        var s = "<line x1=\"\(SVG.num(a.x))\" y1=\"\(SVG.num(a.y))\" x2=\"\(SVG.num(b.x))\" y2=\"\(SVG.num(b.y))\" stroke=\"\(ink)\" stroke-width=\"\(SVG.num(width))\""
        if dashed { s += " stroke-dasharray=\"6 4\"" }
        frameLayer.append(s + "/>")
    }

    /// The fonts asked for. Labels are measured with the wider of DejaVu Sans and Liberation Sans
    /// (Arial's and Helvetica's metrics), so they fit in whichever of these a browser uses.
    public static let fontFamily = "Helvetica, Arial, sans-serif"

    /// The document, at `width` × `height` with a matching `viewBox`, so that it scales with the
    /// page: a white background, then frames, arrows, nodes and text.
    public var svg: String {
        let w = SVG.num(width), h = SVG.num(height)
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(w)\" height=\"\(h)\" viewBox=\"0 0 \(w) \(h)\" font-family=\"\(Self.fontFamily)\">\n"
        out += "<rect x=\"0\" y=\"0\" width=\"\(w)\" height=\"\(h)\" fill=\"#ffffff\"/>\n"
        for element in frameLayer + arrowLayer + nodeLayer + textLayer { out += element + "\n" }
        return out + "</svg>\n"
    }

    @discardableResult
    private mutating func placeBeside(_ markup: String, at p: Point, side: Side, gap: Double, size: Double, role: Label.Role,
                                      ink: String = Ink.text) -> Int {
        let m = Self.metrics(markup, size: size)
        switch side {
        case .above: return place(markup, at: Point(p.x, p.y - gap - m.descent), size: size, anchor: .middle, role: role, halo: true, ink: ink)
        case .below: return place(markup, at: Point(p.x, p.y + gap + m.ascent), size: size, anchor: .middle, role: role, halo: true, ink: ink)
        case .left:
            return place(markup, at: Point(p.x - gap, p.y + Self.centringDrop(markup, size: size)), size: size, anchor: .end, role: role,
                         halo: true, ink: ink)
        case .right:
            return place(markup, at: Point(p.x + gap, p.y + Self.centringDrop(markup, size: size)), size: size, anchor: .start, role: role,
                         halo: true, ink: ink)
        }
    }

    /// Draws `markup` with its baseline at `at.y` and records the rectangle it covers.
    @discardableResult
    private mutating func place(_ markup: String, at: Point, size: Double, anchor: SVG.Anchor, role: Label.Role, halo: Bool,
                                bold: Bool = false, ink: String = Ink.text) -> Int {
        let runs = Self.parse(markup)
        let m = Self.metrics(runs, size: size, bold: bold)
        let left = anchor == .start ? at.x : anchor == .middle ? at.x - m.width / 2 : at.x - m.width
        let rect = Rect(minX: left, minY: at.y - m.ascent, maxX: left + m.width, maxY: at.y + m.descent)
        var s = "<text x=\"\(SVG.num(at.x))\" y=\"\(SVG.num(at.y))\" font-size=\"\(SVG.num(size))\" text-anchor=\"\(anchor.rawValue)\" fill=\"\(ink)\""
        if bold { s += " font-weight=\"bold\"" }
        // A white outline under the letters keeps a label readable where it crosses a line.
        if halo { s += " stroke=\"#ffffff\" stroke-width=\"4\" stroke-linejoin=\"round\" paint-order=\"stroke\"" }
        s += ">"
        var shift = 0.0
        // SVG collapses a run of spaces into one: every space after the first is a no-break space.
        var previous: Character = "x"
        let drawn = runs.map { run -> Run in
            var out = run
            out.text = String(run.text.map { c -> Character in
                defer { previous = c }
                return c == " " && previous == " " ? "\u{00A0}" : c
            })
            return out
        }
        for run in drawn {
            let target = run.script.shift(size)
            let scriptSize = run.script == .none ? size : Self.scriptSize(for: size)
            if target == shift && run.script == .none {
                s += SVG.escape(run.text)
            } else {
                s += "<tspan dy=\"\(SVG.num(target - shift))\""
                if run.script != .none { s += " font-size=\"\(SVG.num(scriptSize))\"" }
                s += ">\(SVG.escape(run.text))</tspan>"
            }
            shift = target
        }
        textLayer.append(s + "</text>")
        labels.append(Label(markup: markup, text: runs.map(\.text).joined(), rect: rect, size: size, role: role))
        return labels.count - 1
    }

    // MARK: - Text metrics

    /// A stretch of text on the baseline, below it or above it.
    struct Run: Equatable {
        enum Script: Equatable {
            case none, sub, sup
            /// How far below the baseline (positive: down) the run sits.
            func shift(_ size: Double) -> Double {
                switch self {
                case .none: return 0
                case .sub: return (0.3 * size).rounded()
                case .sup: return -(0.4 * size).rounded()
                }
            }
        }
        var text: String
        var script: Script
    }

    /// Splits markup into runs: `_x` or `_{...}` is a subscript, `^x` or `^{...}` a superscript,
    /// where `x` is a run of letters, digits and primes.
    static func parse(_ markup: String) -> [Run] {
        var runs: [Run] = []
        func append(_ text: String, _ script: Run.Script) {
            guard !text.isEmpty else { return }
            if let last = runs.last, last.script == script { runs[runs.count - 1].text += text } else { runs.append(Run(text: text, script: script)) }
        }
        let chars = Array(markup)
        var i = 0, plain = ""
        while i < chars.count {
            let c = chars[i]
            if (c == "_" || c == "^") && i + 1 < chars.count {
                append(plain, .none)
                plain = ""
                let script: Run.Script = c == "_" ? .sub : .sup
                var group = ""
                i += 1
                if chars[i] == "{" {
                    i += 1
                    while i < chars.count && chars[i] != "}" { group.append(chars[i]); i += 1 }
                    i += 1
                } else {
                    while i < chars.count && (chars[i].isLetter || chars[i].isNumber || chars[i] == "′") { group.append(chars[i]); i += 1 }
                }
                append(group, script)
            } else {
                plain.append(c)
                i += 1
            }
        }
        append(plain, .none)
        return runs
    }

    static func scriptSize(for size: Double) -> Double { max(scriptSize, (size * 0.78).rounded()) }

    /// The width of `markup` drawn at `size`, and how far it reaches above and below its baseline.
    public static func metrics(_ markup: String, size: Double, bold: Bool = false) -> (width: Double, ascent: Double, descent: Double) {
        metrics(parse(markup), size: size, bold: bold)
    }

    static func metrics(_ runs: [Run], size: Double, bold: Bool) -> (width: Double, ascent: Double, descent: Double) {
        var width = 0.0, ascent = 0.76 * size, descent = 0.24 * size
        for run in runs {
            let s = run.script == .none ? size : scriptSize(for: size)
            width += run.text.reduce(0) { $0 + advance($1) } * s * (bold ? 1.1 : 1)
            let shift = run.script.shift(size)
            ascent = max(ascent, 0.76 * s - shift)
            descent = max(descent, 0.24 * s + shift)
        }
        return (width, ascent, descent)
    }

    public static func textWidth(_ markup: String, size: Double) -> Double { metrics(markup, size: size).width }

    /// How far below the centre of a node the baseline goes, so that the letters look centred.
    static func centringDrop(_ markup: String, size: Double) -> Double {
        let runs = parse(markup)
        let sub = runs.contains { $0.script == .sub }, sup = runs.contains { $0.script == .sup }
        return (0.35 - (sub ? 0.1 : 0) + (sup ? 0.07 : 0)) * size
    }

    /// The advance of a character in ems: the wider of DejaVu Sans and Liberation Sans (the
    /// sans-serif fonts of a Linux browser, wider than Helvetica or Arial), so that a label's
    /// rectangle holds it in any of them. Characters not listed count as a full em.
    static func advance(_ c: Character) -> Double {
        if let w = advances[c] { return w }
        if c.isUppercase { return 0.78 }
        if c.isLowercase { return 0.64 }
        return 1.0
    }

    private static let advances: [Character: Double] = {
        var table: [Character: Double] = [
            " ": 0.318, "\u{00A0}": 0.318, "(": 0.39, ")": 0.39, "[": 0.39, "]": 0.39, ",": 0.318, ".": 0.318, ":": 0.337, ";": 0.337,
            "-": 0.361, "+": 0.838, "=": 0.838, "/": 0.337, "|": 0.337, "'": 0.275, "*": 0.5, "<": 0.838, ">": 0.838,
            "δ": 0.612, "σ": 0.634, "∂": 0.517, "Σ": 0.632, "Π": 0.752, "⊙": 0.838, "→": 1.0, "←": 1.0, "−": 0.838,
            "′": 0.227, "⋯": 1.0, "…": 1.0, "×": 0.838, "·": 0.318, "–": 0.556, "—": 1.0, "≤": 0.838, "≥": 0.838,
            "I": 0.295, "J": 0.5, "M": 0.863, "W": 0.989, "f": 0.352, "i": 0.278, "j": 0.278, "l": 0.278, "m": 0.974,
            "r": 0.411, "t": 0.392, "w": 0.818,
        ]
        for d in "0123456789" { table[d] = 0.636 }
        return table
    }()

    // MARK: - Geometry

    /// A light tint of a colour `#rrggbb`: `amount` of it over white.
    public static func tint(_ hex: String, _ amount: Double) -> String {
        let value = Int(hex.dropFirst(), radix: 16) ?? 0
        let channels = [(value >> 16) & 255, (value >> 8) & 255, value & 255].map { c -> Int in
            Int((255 - Double(255 - c) * amount).rounded())
        }
        return "#" + channels.map { String(format: "%02x", $0) }.joined()
    }

    /// The point a fraction of the way along a path of samples, by length.
    static func pointAlong(_ samples: [Point], fraction: Double) -> Point {
        var lengths = [0.0]
        for i in 1..<samples.count { lengths.append(lengths[i - 1] + (samples[i] - samples[i - 1]).length) }
        let goal = fraction * lengths.last!
        for i in 1..<samples.count where lengths[i] >= goal {
            let span = lengths[i] - lengths[i - 1]
            let f = span > 0 ? (goal - lengths[i - 1]) / span : 0
            return samples[i - 1] + f * (samples[i] - samples[i - 1])
        }
        return samples.last!
    }

    /// The point where the segment from `inside` to `outside` crosses the outline (bisection).
    static func crossing(_ outline: Outline, inside: Point, outside: Point) -> Point {
        var a = inside, b = outside
        for _ in 0..<60 {
            let m = 0.5 * (a + b)
            if outline.contains(m) { a = m } else { b = m }
        }
        return 0.5 * (a + b)
    }

    /// A polyline cut to the stretch between the two outlines; also samples every few pixels.
    static func clip(polyline route: [Point], from: Outline, to: Outline) -> (points: [Point], samples: [Point]) {
        var points = route
        // Drop leading corners inside the start node, then cut the first segment at its outline.
        if from.contains(points[0]) {
            while points.count > 2 && from.contains(points[1]) { points.removeFirst() }
            if !from.contains(points[1]) { points[0] = crossing(from, inside: points[0], outside: points[1]) }
        }
        let n = points.count
        if to.contains(points[n - 1]) {
            while points.count > 2 && to.contains(points[points.count - 2]) { points.remove(at: points.count - 2) }
            let m = points.count
            if !to.contains(points[m - 2]) { points[m - 1] = crossing(to, inside: points[m - 1], outside: points[m - 2]) }
        }
        var samples: [Point] = [points[0]]
        for i in 1..<points.count {
            let a = points[i - 1], b = points[i]
            let steps = max(1, Int(((b - a).length / 3).rounded(.up)))
            for k in 1...steps { samples.append(a + (Double(k) / Double(steps)) * (b - a)) }
        }
        return (points, samples)
    }

    static func bezierPoint(_ p: [Point], _ t: Double) -> Point {
        let u = 1 - t
        return (u * u * u) * p[0] + (3 * u * u * t) * p[1] + (3 * u * t * t) * p[2] + (t * t * t) * p[3]
    }

    /// The part of a cubic Bézier curve between parameters `t0` and `t1`, as a cubic curve.
    static func segment(_ p: [Point], _ t0: Double, _ t1: Double) -> [Point] {
        func split(_ p: [Point], _ t: Double) -> (left: [Point], right: [Point]) {
            let a = p[0] + t * (p[1] - p[0]), b = p[1] + t * (p[2] - p[1]), c = p[2] + t * (p[3] - p[2])
            let d = a + t * (b - a), e = b + t * (c - b), f = d + t * (e - d)
            return ([p[0], a, d, f], [f, e, c, p[3]])
        }
        let right = split(p, t0).right
        return split(right, t0 < 1 ? (t1 - t0) / (1 - t0) : 0).left
    }

    /// A cubic curve cut where it first leaves `from` and where it last enters `to`.
    static func clip(cubic p: [Point], from: Outline, to: Outline) -> [Point] {
        func refine(_ outline: Outline, _ inside: Double, _ outside: Double) -> Double {
            var a = inside, b = outside
            for _ in 0..<60 {
                let m = 0.5 * (a + b)
                if outline.contains(bezierPoint(p, m)) { a = m } else { b = m }
            }
            return 0.5 * (a + b)
        }
        let steps = 800
        var t0 = 0.0, t1 = 1.0
        if from.contains(p[0]) {
            var k = 1
            while k < steps && from.contains(bezierPoint(p, Double(k) / Double(steps))) { k += 1 }
            t0 = refine(from, Double(k - 1) / Double(steps), Double(k) / Double(steps))
        }
        if to.contains(p[3]) {
            var k = steps - 1
            while k > 0 && to.contains(bezierPoint(p, Double(k) / Double(steps))) { k -= 1 }
            t1 = refine(to, Double(k + 1) / Double(steps), Double(k) / Double(steps))
        }
        return segment(p, t0, t1)
    }
}
