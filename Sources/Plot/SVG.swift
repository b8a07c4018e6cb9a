import Foundation

/// A minimal SVG writer with deterministic bytes: elements in the order they are added,
/// attributes in the order given, coordinates with two decimals, negative zero written as zero,
/// LF line endings, a final newline, and no dates or metadata.
///
/// The document has a `viewBox`, so it scales with the page (GitHub shows an image at most as wide
/// as its column), and its `width` and `height` give its natural size.
public struct SVG {
    public let width: Double, height: Double
    private var body: [String] = []
    private var definitions: [String] = []

    /// The fonts asked for: Helvetica's metrics, which `TextMetrics` assumes (Arial and Liberation
    /// Sans share them).
    public static let fontFamily = "Helvetica, Arial, sans-serif"

    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// A coordinate or length with two decimals.
    public static func num(_ x: Double) -> String {
        var s = String(format: "%.2f", x)
        if s == "-0.00" { s = "0.00" }
        // Trim trailing zeros to keep files small; still a fixed function of the value.
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }

    public static func escape(_ text: String) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(ch)
            }
        }
        return out
    }

    public mutating func raw(_ element: String) { body.append(element) }

    /// An element of the document's `<defs>` (a gradient, say).
    public mutating func define(_ element: String) { definitions.append(element) }

    /// Every element of `other`, moved down by `dy`, in a group.
    public mutating func append(_ other: SVG, dy: Double) {
        definitions += other.definitions
        body.append("<g transform=\"translate(0 \(Self.num(dy)))\">")
        body += other.body
        body.append("</g>")
    }

    public mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double,
                              stroke: String, width: Double = 1, dash: String? = nil) {
        var s = "<line x1=\"\(Self.num(x1))\" y1=\"\(Self.num(y1))\" x2=\"\(Self.num(x2))\" y2=\"\(Self.num(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(Self.num(width))\""
        if let dash { s += " stroke-dasharray=\"\(dash)\"" }
        body.append(s + "/>")
    }

    public mutating func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: String, stroke: String? = nil) {
        var s = "<rect x=\"\(Self.num(x))\" y=\"\(Self.num(y))\" width=\"\(Self.num(w))\" height=\"\(Self.num(h))\" fill=\"\(fill)\""
        if let stroke { s += " stroke=\"\(stroke)\"" }
        body.append(s + "/>")
    }

    public mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 1.5, dash: String? = nil) {
        let pts = points.map { "\(Self.num($0.0)),\(Self.num($0.1))" }.joined(separator: " ")
        var s = "<polyline points=\"\(pts)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(Self.num(width))\" stroke-linejoin=\"round\""
        if let dash { s += " stroke-dasharray=\"\(dash)\"" }
        body.append(s + "/>")
    }

    /// A closed shape; `fill: "none"` for an outline.
    public mutating func polygon(_ points: [(Double, Double)], fill: String, stroke: String? = nil, width: Double = 1.5) {
        let pts = points.map { "\(Self.num($0.0)),\(Self.num($0.1))" }.joined(separator: " ")
        var s = "<polygon points=\"\(pts)\" fill=\"\(fill)\""
        if let stroke { s += " stroke=\"\(stroke)\" stroke-width=\"\(Self.num(width))\" stroke-linejoin=\"round\"" }
        body.append(s + "/>")
    }

    public mutating func circle(_ x: Double, _ y: Double, r: Double, fill: String, stroke: String? = nil, width: Double = 1.5) {
        var s = "<circle cx=\"\(Self.num(x))\" cy=\"\(Self.num(y))\" r=\"\(Self.num(r))\" fill=\"\(fill)\""
        if let stroke { s += " stroke=\"\(stroke)\" stroke-width=\"\(Self.num(width))\"" }
        body.append(s + "/>")
    }

    public enum Anchor: String { case start, middle, end }

    /// A text. With `markup`, `_` and `^` start a subscript and a superscript: `x_50`, `x_{t−1}`,
    /// `10^-5`, `10^{−5}` (see `RichText`); without it the text is written as it is. With `halo`,
    /// a white outline keeps it legible over lines.
    public mutating func text(_ x: Double, _ y: Double, _ content: String, size: Double = 12,
                              anchor: Anchor = .start, rotate: Double? = nil, weight: String? = nil, fill: String = "#222",
                              markup: Bool = false, halo: Bool = false) {
        var s = "<text x=\"\(Self.num(x))\" y=\"\(Self.num(y))\" font-size=\"\(Self.num(size))\" text-anchor=\"\(anchor.rawValue)\" fill=\"\(fill)\""
        if let weight { s += " font-weight=\"\(weight)\"" }
        if let rotate { s += " transform=\"rotate(\(Self.num(rotate)) \(Self.num(x)) \(Self.num(y)))\"" }
        if halo { s += " stroke=\"#ffffff\" stroke-width=\"4\" stroke-linejoin=\"round\" paint-order=\"stroke\"" }
        let inner = markup ? RichText.tspans(content, size: size) : Self.escape(content)
        body.append(s + ">\(inner)</text>")
    }

    /// The document.
    public var text: String {
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Self.num(width))\" height=\"\(Self.num(height))\" viewBox=\"0 0 \(Self.num(width)) \(Self.num(height))\" font-family=\"\(Self.fontFamily)\">\n"
        if !definitions.isEmpty { out += "<defs>\n" + definitions.map { $0 + "\n" }.joined() + "</defs>\n" }
        out += "<rect x=\"0\" y=\"0\" width=\"\(Self.num(width))\" height=\"\(Self.num(height))\" fill=\"#ffffff\"/>\n"
        for element in body { out += element + "\n" }
        return out + "</svg>\n"
    }
}

/// Text with subscripts and superscripts: `_` or `^` followed by `{…}`, or by an optional sign and
/// a run of letters, digits and points (`x_50`, `h_{T−k}`, `10^-5`). Written as `<tspan>`s that
/// move the baseline with `dy` (which every SVG viewer honours) in a smaller font.
public enum RichText {
    /// A run of text and its position: 0 on the baseline, 1 raised, -1 lowered.
    public typealias Run = (text: String, shift: Int)

    /// The relative size of a raised or lowered run.
    static let scriptScale = 0.72

    public static func runs(_ s: String) -> [Run] {
        let chars = Array(s)
        var out: [Run] = [], plain = "", i = 0
        func isWord(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "." }
        while i < chars.count {
            let c = chars[i]
            if (c == "_" || c == "^") && i + 1 < chars.count {
                var j = i + 1, script = ""
                if chars[j] == "{" {
                    if let close = chars[j...].firstIndex(of: "}") {
                        script = String(chars[(j + 1)..<close])
                        j = close + 1
                    }
                } else {
                    if "-−+".contains(chars[j]) && j + 1 < chars.count && isWord(chars[j + 1]) { script.append(chars[j]); j += 1 }
                    while j < chars.count && isWord(chars[j]) && !(chars[j] == "." && (j + 1 == chars.count || !isWord(chars[j + 1]))) {
                        script.append(chars[j])
                        j += 1
                    }
                }
                if !script.isEmpty {
                    if !plain.isEmpty { out.append((plain, 0)) }
                    plain = ""
                    out.append((script.replacingOccurrences(of: "-", with: "−"), c == "^" ? 1 : -1))
                    i = j
                    continue
                }
            }
            plain.append(c)
            i += 1
        }
        if !plain.isEmpty { out.append((plain, 0)) }
        return out
    }

    /// The text without markup (what a reader reads).
    public static func plain(_ s: String) -> String { runs(s).map(\.text).joined() }

    /// The content of a `<text>` element of font size `size`.
    static func tspans(_ s: String, size: Double) -> String {
        let parts = runs(s)
        if parts.allSatisfy({ $0.shift == 0 }) { return SVG.escape(s) }
        var out = "", offset = 0.0
        for part in parts {
            let target = part.shift > 0 ? -0.38 * size : part.shift < 0 ? 0.22 * size : 0
            let dy = target - offset
            offset = target
            if part.shift == 0 && dy == 0 {
                out += SVG.escape(part.text)
                continue
            }
            out += "<tspan dy=\"\(SVG.num(dy))\""
            if part.shift != 0 { out += " font-size=\"\(SVG.num(size * scriptScale))\"" }
            out += ">\(SVG.escape(part.text))</tspan>"
        }
        return out
    }
}

/// Estimated text widths, from Helvetica's advance widths (Arial and Liberation Sans have the
/// same), widened by 6 % so that a wider fallback font still fits the space measured for it.
public enum TextMetrics {
    /// Advance widths of ASCII 32…126, in thousandths of the font size.
    private static let ascii: [Double] = [
        278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
        556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
        1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
        667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
        333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
        556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
    ]
    private static let others: [Character: Double] = [
        "−": 584, "–": 556, "—": 1000, "·": 278, "×": 584, "²": 333, "³": 333, "‖": 420, "∂": 520, "∇": 700,
        "ρ": 580, "σ": 600, "γ": 500, "≥": 584, "≤": 584, "∞": 730, "…": 1000, "’": 222, "‘": 222,
        "\u{a0}": 278, "é": 556, "è": 556, "ü": 556, "ö": 556, "ä": 556, "▲": 800, "▼": 800,
    ]
    static let safety = 1.06

    static func advance(_ c: Character) -> Double {
        if let a = c.asciiValue, a >= 32, a < 127 { return ascii[Int(a) - 32] }
        return others[c] ?? 600
    }

    /// The width of `text` at font size `size`; with `markup`, as `RichText` draws it.
    public static func width(_ text: String, size: Double, bold: Bool = false, markup: Bool = false) -> Double {
        let parts: [RichText.Run] = markup ? RichText.runs(text) : [(text, 0)]
        var w = 0.0
        for part in parts {
            let s = part.shift == 0 ? size : size * RichText.scriptScale
            w += part.text.reduce(0.0) { $0 + advance($1) } * s / 1000
        }
        return w * safety * (bold ? 1.08 : 1)
    }

    /// `text` broken at spaces into lines no wider than `maxWidth` (a word longer than that keeps
    /// a line of its own).
    public static func wrap(_ text: String, size: Double, bold: Bool = false, maxWidth: Double) -> [String] {
        var lines: [String] = [], line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false).map(String.init) {
            let candidate = line.isEmpty ? word : line + " " + word
            if !line.isEmpty && width(candidate, size: size, bold: bold, markup: true) > maxWidth {
                lines.append(line)
                line = word
            } else {
                line = candidate
            }
        }
        if !line.isEmpty || lines.isEmpty { lines.append(line) }
        return lines
    }
}

// MARK: - Geometry

/// A point in the figure's coordinates (y grows downwards).
public struct Point: Equatable {
    public var x: Double, y: Double
    public init(_ x: Double, _ y: Double) {
        self.x = x
        self.y = y
    }
}

/// An axis-aligned rectangle in the figure's coordinates.
public struct Rect: Equatable {
    public var x: Double, y: Double, width: Double, height: Double
    public init(_ x: Double, _ y: Double, _ width: Double, _ height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }
    public var maxX: Double { x + width }
    public var maxY: Double { y + height }

    /// The rectangle grown by `d` on every side (shrunk for a negative `d`).
    public func inset(by d: Double) -> Rect { Rect(x + d, y + d, width - 2 * d, height - 2 * d) }
    public func expanded(by d: Double) -> Rect { inset(by: -d) }

    /// Whether the two rectangles share interior points (touching edges do not count).
    public func intersects(_ o: Rect) -> Bool { x < o.maxX && o.x < maxX && y < o.maxY && o.y < maxY }

    public func contains(_ o: Rect) -> Bool { o.x >= x && o.maxX <= maxX && o.y >= y && o.maxY <= maxY }
    public func contains(_ p: Point) -> Bool { p.x >= x && p.x <= maxX && p.y >= y && p.y <= maxY }

    /// The part of the segment `a`–`b` inside the rectangle, as parameters `t0 ≤ t1` along it
    /// (Liang and Barsky's clipping), or `nil` when the segment misses the rectangle.
    public func clip(_ a: Point, _ b: Point) -> (Double, Double)? {
        let dx = b.x - a.x, dy = b.y - a.y
        let p = [-dx, dx, -dy, dy], q = [a.x - x, maxX - a.x, a.y - y, maxY - a.y]
        var t0 = 0.0, t1 = 1.0
        for i in 0..<4 {
            if p[i] == 0 {
                if q[i] < 0 { return nil }
            } else {
                let t = q[i] / p[i]
                if p[i] < 0 { t0 = max(t0, t) } else { t1 = min(t1, t) }
                if t0 > t1 { return nil }
            }
        }
        return (t0, t1)
    }

    /// Whether the segment `a`–`b` touches the rectangle.
    public func intersects(_ a: Point, _ b: Point) -> Bool {
        if max(a.x, b.x) < x || min(a.x, b.x) > maxX || max(a.y, b.y) < y || min(a.y, b.y) > maxY { return false }
        return clip(a, b) != nil
    }

    /// Whether a disc touches the rectangle.
    public func intersects(circle c: Point, radius r: Double) -> Bool {
        let nx = min(max(c.x, x), maxX), ny = min(max(c.y, y), maxY)
        return (nx - c.x) * (nx - c.x) + (ny - c.y) * (ny - c.y) < r * r
    }
}

/// What a figure has drawn, for placing more on it: line segments (with their stroke width),
/// markers (discs) and boxes (text, legends).
public struct Obstacles {
    public var segments: [(a: Point, b: Point, width: Double)] = []
    public var discs: [(centre: Point, radius: Double)] = []
    public var boxes: [Rect] = []

    public init() {}

    /// Whether `r`, grown by `margin`, touches anything drawn.
    public func hit(_ r: Rect, margin: Double = 0) -> Bool {
        for s in segments where r.expanded(by: margin + s.width / 2).intersects(s.a, s.b) { return true }
        for d in discs where r.intersects(circle: d.centre, radius: d.radius + margin) { return true }
        for b in boxes where r.expanded(by: margin).intersects(b) { return true }
        return false
    }
}

// MARK: - Markers and legends

/// The shape drawn at a measured point.
public enum MarkerShape: Int, CaseIterable {
    case circle, square, diamond, triangle, downTriangle

    /// Half the marker's width.
    static let radius = 4.5

    /// The shape at `p`, filled or outlined (an outline lets markers of other series at the same
    /// point show through).
    func draw(_ svg: inout SVG, at p: Point, colour: String, radius r: Double = MarkerShape.radius, filled: Bool = false) {
        let fill = filled ? colour : "none"
        switch self {
        case .circle: svg.circle(p.x, p.y, r: r, fill: fill, stroke: colour)
        case .square:
            let s = r * 0.9
            svg.polygon([(p.x - s, p.y - s), (p.x + s, p.y - s), (p.x + s, p.y + s), (p.x - s, p.y + s)], fill: fill, stroke: colour)
        case .diamond:
            let s = r * 1.2
            svg.polygon([(p.x, p.y - s), (p.x + s, p.y), (p.x, p.y + s), (p.x - s, p.y)], fill: fill, stroke: colour)
        case .triangle:
            let s = r * 1.15
            svg.polygon([(p.x, p.y - s), (p.x + s, p.y + s * 0.8), (p.x - s, p.y + s * 0.8)], fill: fill, stroke: colour)
        case .downTriangle:
            let s = r * 1.15
            svg.polygon([(p.x, p.y + s), (p.x + s, p.y - s * 0.8), (p.x - s, p.y - s * 0.8)], fill: fill, stroke: colour)
        }
    }
}

/// One entry of a legend: a line sample (with its dash pattern) and/or a marker, and a name.
public struct LegendItem {
    public var name: String
    public var colour: String
    public var dash: String?
    public var line: Bool
    public var marker: MarkerShape?
    public var filledMarker: Bool = false
}

/// A legend placed on a figure, and where each entry's sample and text start.
public struct LegendLayout {
    public var rect: Rect
    /// Inside the plot area (`true`) or below it.
    public var inside: Bool
    public var columns: Int
    /// Per entry: the left end of its sample, on the entry's middle line.
    public var origins: [Point]
}

enum Legend {
    static let fontSize = 15.0, rowHeight = 21.0, sample = 30.0, gap = 7.0, padding = 8.0, columnGap = 18.0

    static func itemWidth(_ item: LegendItem) -> Double {
        sample + gap + TextMetrics.width(item.name, size: fontSize, markup: true)
    }

    /// The size of a legend of `columns` columns, filled column by column.
    static func size(_ items: [LegendItem], columns: Int) -> (width: Double, height: Double, columnWidths: [Double]) {
        let rows = (items.count + columns - 1) / columns
        var widths: [Double] = []
        for c in 0..<columns {
            let column = items.indices.filter { $0 / rows == c }
            widths.append(column.map { itemWidth(items[$0]) }.max() ?? 0)
        }
        let w = 2 * padding + widths.reduce(0, +) + columnGap * Double(columns - 1)
        return (w, 2 * padding + rowHeight * Double(rows) - 4, widths)
    }

    static func origins(_ items: [LegendItem], at r: Rect, columns: Int, columnWidths: [Double]) -> [Point] {
        let rows = (items.count + columns - 1) / columns
        return items.indices.map { i in
            let c = i / rows, row = i % rows
            let x = r.x + padding + columnWidths[..<c].reduce(0, +) + columnGap * Double(c)
            return Point(x, r.y + padding + rowHeight * (Double(row) + 0.5) - 2)
        }
    }

    /// A place inside `plot` where the legend touches nothing in `obstacles` (one column, then
    /// two), as near a corner as there is one; `nil` when there is no such place.
    static func placeInside(_ items: [LegendItem], plot: Rect, obstacles: Obstacles) -> LegendLayout? {
        let inset = 6.0, clearance = 5.0, step = 4.0
        for columns in 1...min(2, max(items.count, 1)) {
            let (w, h, widths) = size(items, columns: columns)
            let room = plot.inset(by: inset)
            guard w <= room.width, h <= room.height else { continue }
            var candidates: [(cost: Double, rank: Int, rect: Rect)] = []
            let nx = Int(((room.width - w) / step).rounded(.down)), ny = Int(((room.height - h) / step).rounded(.down))
            for i in 0...nx {
                for j in 0...ny {
                    // Flush against the far edges as well as stepped from the near ones.
                    let x = i == nx ? room.maxX - w : room.x + Double(i) * step
                    let y = j == ny ? room.maxY - h : room.y + Double(j) * step
                    let dx = min(x - room.x, room.maxX - (x + w)), dy = min(y - room.y, room.maxY - (y + h))
                    // Nearest a corner first; among equals top right, top left, bottom right, bottom left.
                    let right = (room.maxX - (x + w)) <= (x - room.x), top = (y - room.y) <= (room.maxY - (y + h))
                    let rank = (top ? 0 : 2) + (right ? 0 : 1)
                    candidates.append((dx + dy, rank, Rect(x, y, w, h)))
                }
            }
            candidates.sort { $0.cost != $1.cost ? $0.cost < $1.cost : $0.rank != $1.rank ? $0.rank < $1.rank : ($0.rect.y, $0.rect.x) < ($1.rect.y, $1.rect.x) }
            for c in candidates where !obstacles.hit(c.rect, margin: clearance) {
                return LegendLayout(rect: c.rect, inside: true, columns: columns, origins: origins(items, at: c.rect, columns: columns, columnWidths: widths))
            }
        }
        return nil
    }

    /// A legend in as many columns as fit `width`, its top left corner at `(x, y)`.
    static func placeBelow(_ items: [LegendItem], x: Double, y: Double, width: Double) -> LegendLayout {
        var columns = max(items.count, 1)
        while columns > 1 && size(items, columns: columns).width > width { columns -= 1 }
        let (w, h, widths) = size(items, columns: columns)
        let r = Rect(x, y, w, h)
        return LegendLayout(rect: r, inside: false, columns: columns, origins: origins(items, at: r, columns: columns, columnWidths: widths))
    }

    static func draw(_ svg: inout SVG, _ items: [LegendItem], _ layout: LegendLayout) {
        let r = layout.rect
        svg.rect(r.x, r.y, r.width, r.height, fill: "#ffffff", stroke: layout.inside ? "#bbbbbb" : "none")
        for (item, o) in zip(items, layout.origins) {
            if item.line { svg.line(o.x, o.y, o.x + sample, o.y, stroke: item.colour, width: 2, dash: item.dash) }
            item.marker?.draw(&svg, at: Point(o.x + sample / 2, o.y), colour: item.colour, filled: item.filledMarker)
            svg.text(o.x + sample + gap, o.y + fontSize * 0.35, item.name, size: fontSize, markup: true)
        }
    }
}

/// Font sizes shared by the figures, chosen for a design width of about 720 px that GitHub
/// shrinks to a phone's 400: a 15 px tick label is then still 8 px high.
enum FontSize {
    static let title = 18.0, axis = 16.0, tick = 15.0, note = 14.0, panelTitle = 16.0
}
