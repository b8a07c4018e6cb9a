import Foundation

/// A heatmap of a matrix with labelled rows and columns and a colour scale, such as a confusion
/// matrix (rows: true class, columns: predicted class).
///
/// The colour bar is one continuous gradient (the same piecewise-linear scale as the cells),
/// with ticks and a label saying what it measures, laid along the bottom of the grid so that the
/// grid gets the figure's whole width; each cell can show its value in a text that is drawn only
/// when it fits the cell. At 32 px a cell holds "100" at 15 px, which is still 8 px high when
/// GitHub shrinks a 720 px figure to a phone's 400.
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

    static let cell = 32.0, labelSize = 15.0, valueSize = 15.0

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
        let naturalWidth = left + gridW + 8 + tickWidth / 2
        let titleLines = TextMetrics.wrap(title, size: FontSize.title, bold: true, maxWidth: max(naturalWidth, 480) - 24)
        let width = max(naturalWidth, TextMetrics.width(titleLines.first ?? "", size: FontSize.title, bold: true) + 24)
        let top = 30 + 23 * Double(titleLines.count - 1) + 16 + columnLabelWidth + 10
        let grid = Rect(left, top, gridW, gridH)
        // The colour bar: under the column axis label, as wide as the grid, value 0 on the left.
        let bar = Rect(left, grid.maxY + 56, gridW, 14)
        var layout = Layout(width: width, height: 0, grid: grid, bar: bar)
        layout.barTicks = ticks

        let noteTop = bar.maxY + 30 + (scaleLabel == nil ? 0 : 24)
        let noteLines = notes.flatMap { TextMetrics.wrap($0, size: FontSize.note, maxWidth: width - 28) }
        let height = noteTop + 14 + 19 * Double(noteLines.count) + (noteLines.isEmpty ? 0 : 4)
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

        // The colour bar: one gradient through the scale's colours, value 0 on the left.
        let stopElements = Self.stops.enumerated().map { i, s in
            "<stop offset=\"\(SVG.num(Double(i) / Double(Self.stops.count - 1)))\" stop-color=\"\(String(format: "#%02x%02x%02x", Int(s.0), Int(s.1), Int(s.2)))\"/>"
        }
        svg.define("<linearGradient id=\"scale\" x1=\"0\" y1=\"0\" x2=\"1\" y2=\"0\">" + stopElements.joined() + "</linearGradient>")
        svg.rect(bar.x, bar.y, bar.width, bar.height, fill: "url(#scale)", stroke: "#444444")
        for t in ticks {
            let x = bar.x + bar.width * t.value / scale
            svg.line(x, bar.maxY, x, bar.maxY + 5, stroke: "#444444")
            svg.text(x, bar.maxY + 20, t.label, size: FontSize.tick, anchor: .middle)
        }
        if let scaleLabel {
            svg.text(bar.x + bar.width / 2, bar.maxY + 44, scaleLabel, size: FontSize.axis, anchor: .middle, markup: true)
        }
        for (k, line) in noteLines.enumerated() {
            svg.text(14, noteTop + 14 + 19 * Double(k), line, size: FontSize.note, fill: "#444444", markup: true)
        }
        return (svg, layout)
    }
}
