import Foundation

/// A heatmap of a matrix with labelled rows and columns and a colour scale, such as a confusion
/// matrix (rows: true class, columns: predicted class).
///
/// The colour bar is one continuous gradient (the same piecewise-linear scale as the cells),
/// with ticks and a label saying what it measures; each cell can show its value in a text that
/// is drawn only when it fits the cell.
public struct Heatmap {
    public var title: String
    public var rowLabels: [String]
    public var columnLabels: [String]
    /// `values[r][c]`.
    public var values: [[Double]]
    public var rowAxisLabel: String
    public var columnAxisLabel: String
    /// The value drawn darkest (`max` of the values when `nil`); the lightest is 0.
    public var maximum: Double?
    /// Print each cell's value (with this many decimals) when not `nil`.
    public var cellDecimals: Int?
    /// The text of a cell, from its value (`nil` leaves the cell without one); takes precedence
    /// over `cellDecimals`.
    public var cellText: ((Double) -> String?)?
    /// What the colour scale measures, written along the colour bar.
    public var scaleLabel: String?
    /// A colour bar tick's label, from its value (by default the number).
    public var scaleFormat: ((Double) -> String)?
    /// Lines of text under the figure.
    public var notes: [String] = []

    public init(title: String, rowLabels: [String], columnLabels: [String], values: [[Double]],
                rowAxisLabel: String, columnAxisLabel: String) {
        self.title = title
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
        self.values = values
        self.rowAxisLabel = rowAxisLabel
        self.columnAxisLabel = columnAxisLabel
    }

    /// The colours the scale passes through, at equal steps from 0 to the maximum.
    static let stops: [(Double, Double, Double)] = [(255, 255, 255), (158, 202, 225), (49, 130, 189), (8, 48, 107)]

    /// White through blue to dark navy, linear in the value.
    public static func colour(_ f: Double) -> String {
        let t = min(max(f.isFinite ? f : 0, 0), 1)
        let scaled = t * Double(stops.count - 1)
        let i = min(Int(scaled), stops.count - 2)
        let u = scaled - Double(i)
        let a = stops[i], b = stops[i + 1]
        func mix(_ x: Double, _ y: Double) -> Int { Int((x + (y - x) * u).rounded()) }
        return String(format: "#%02x%02x%02x", mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
    }

    /// What the renderer placed.
    public struct Layout {
        public var width: Double, height: Double
        public var grid: Rect
        public var bar: Rect
        /// The value texts drawn, with their cell.
        public var cellTexts: [(row: Int, column: Int, text: String, rect: Rect)] = []
        public var barTicks: [Tick] = []
    }

    public var svg: String { render().svg.text }
    public func layout() -> Layout { render().layout }

    static let cell = 30.0, labelSize = 14.0, valueSize = 12.0

    func render() -> (svg: SVG, layout: Layout) {
        let rows = rowLabels.count, cols = columnLabels.count
        let cell = Self.cell
        let rowLabelWidth = rowLabels.map { TextMetrics.width($0, size: Self.labelSize) }.max() ?? 40
        let columnLabelWidth = columnLabels.map { TextMetrics.width($0, size: Self.labelSize) }.max() ?? 40
        let maxValue = maximum ?? (values.flatMap { $0 }.filter(\.isFinite).max() ?? 1)
        let scale = maxValue > 0 ? maxValue : 1
        let step = Ticks.step(0, scale, count: 5)
        let tickValues = Ticks.values(0, scale, count: 5)
        let tickLabels = scaleFormat.map { f in tickValues.map(f) } ?? Ticks.labels(tickValues, step: step)
        let ticks = zip(tickValues, tickLabels).map { Tick(value: $0.0, label: $0.1) }
        let tickWidth = ticks.map { TextMetrics.width($0.label, size: FontSize.tick) }.max() ?? 20

        let gridW = cell * Double(cols), gridH = cell * Double(rows)
        let left = 14 + 22 + 8 + rowLabelWidth + 8
        let barX = left + gridW + 24, barW = 16.0
        let naturalWidth = barX + barW + 10 + tickWidth + (scaleLabel == nil ? 0 : 30) + 14
        let titleLines = TextMetrics.wrap(title, size: FontSize.title, bold: true, maxWidth: max(naturalWidth, 480) - 24)
        let width = max(naturalWidth, TextMetrics.width(titleLines.first ?? "", size: FontSize.title, bold: true) + 24)
        let top = 30 + 23 * Double(titleLines.count - 1) + 16 + columnLabelWidth + 10
        let grid = Rect(left, top, gridW, gridH)
        let bar = Rect(barX, top, barW, gridH)
        var layout = Layout(width: width, height: 0, grid: grid, bar: bar)
        layout.barTicks = ticks

        let noteLines = notes.flatMap { TextMetrics.wrap($0, size: FontSize.note, maxWidth: width - 28) }
        let height = grid.maxY + 52 + 19 * Double(noteLines.count) + (noteLines.isEmpty ? 0 : 4)
        layout.height = height

        var svg = SVG(width: width, height: height)
        for (k, line) in titleLines.enumerated() {
            svg.text(width / 2, 30 + 23 * Double(k), line, size: FontSize.title, anchor: .middle, weight: "bold", markup: true)
        }
        for r in 0..<rows {
            for c in 0..<cols {
                let v = values[r][c]
                let x = left + cell * Double(c), y = top + cell * Double(r)
                svg.rect(x, y, cell, cell, fill: Self.colour(v / scale))
                let text = cellText.map { $0(v) } ?? cellDecimals.map { v != 0 ? String(format: "%.\($0)f", v) : nil } ?? nil
                if let text, !text.isEmpty {
                    let w = TextMetrics.width(text, size: Self.valueSize)
                    guard w <= cell - 4 else { continue }
                    let dark = v / scale > 0.5
                    svg.text(x + cell / 2, y + cell / 2 + Self.valueSize * 0.35, text, size: Self.valueSize, anchor: .middle,
                             fill: dark ? "#ffffff" : "#222222")
                    layout.cellTexts.append((r, c, text, Rect(x + (cell - w) / 2, y + (cell - Self.valueSize) / 2, w, Self.valueSize)))
                }
            }
            svg.text(left - 8, top + cell * (Double(r) + 0.5) + Self.labelSize * 0.35, rowLabels[r], size: Self.labelSize, anchor: .end)
        }
        for c in 0..<cols {
            let x = left + cell * (Double(c) + 0.5) + Self.labelSize * 0.35, y = top - 8
            svg.text(x, y, columnLabels[c], size: Self.labelSize, anchor: .start, rotate: -90)
        }
        svg.rect(left, top, gridW, gridH, fill: "none", stroke: "#444444")
        svg.text(left + gridW / 2, grid.maxY + 36, columnAxisLabel + " (columns)", size: FontSize.axis, anchor: .middle, markup: true)
        svg.text(26, top + gridH / 2, rowAxisLabel + " (rows)", size: FontSize.axis, anchor: .middle, rotate: -90, markup: true)

        // The colour bar: one gradient through the scale's colours, value 0 at the bottom.
        let stopElements = Self.stops.enumerated().map { i, s in
            "<stop offset=\"\(SVG.num(Double(i) / Double(Self.stops.count - 1)))\" stop-color=\"\(String(format: "#%02x%02x%02x", Int(s.0), Int(s.1), Int(s.2)))\"/>"
        }
        svg.define("<linearGradient id=\"scale\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">" + stopElements.joined() + "</linearGradient>")
        svg.rect(barX, top, barW, gridH, fill: "url(#scale)", stroke: "#444444")
        for t in ticks {
            let y = top + gridH * (1 - t.value / scale)
            svg.line(barX + barW, y, barX + barW + 5, y, stroke: "#444444")
            svg.text(barX + barW + 8, y + FontSize.tick * 0.35, t.label, size: FontSize.tick)
        }
        if let scaleLabel {
            let x = barX + barW + 10 + tickWidth + 20
            let size = min(FontSize.axis, FontSize.axis * gridH / max(TextMetrics.width(scaleLabel, size: FontSize.axis, markup: true), 1))
            svg.text(x, top + gridH / 2, scaleLabel, size: max(size, 11), anchor: .middle, rotate: -90, markup: true)
        }
        for (k, line) in noteLines.enumerated() {
            svg.text(14, grid.maxY + 64 + 19 * Double(k), line, size: FontSize.note, fill: "#444444", markup: true)
        }
        return (svg, layout)
    }
}
