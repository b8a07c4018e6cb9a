import Foundation

/// A heatmap of a matrix with labelled rows and columns and a colour scale, such as a confusion
/// matrix (rows: true class, columns: predicted class).
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

    public init(title: String, rowLabels: [String], columnLabels: [String], values: [[Double]],
                rowAxisLabel: String, columnAxisLabel: String) {
        self.title = title
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
        self.values = values
        self.rowAxisLabel = rowAxisLabel
        self.columnAxisLabel = columnAxisLabel
    }

    /// White through blue to dark navy, linear in the value.
    public static func colour(_ f: Double) -> String {
        let t = min(max(f.isFinite ? f : 0, 0), 1)
        let stops: [(Double, Double, Double)] = [(255, 255, 255), (158, 202, 225), (49, 130, 189), (8, 48, 107)]
        let scaled = t * Double(stops.count - 1)
        let i = min(Int(scaled), stops.count - 2)
        let u = scaled - Double(i)
        let a = stops[i], b = stops[i + 1]
        func mix(_ x: Double, _ y: Double) -> Int { Int((x + (y - x) * u).rounded()) }
        return String(format: "#%02x%02x%02x", mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
    }

    public var svg: String {
        let rows = rowLabels.count, cols = columnLabels.count
        let cell = 26.0
        let left = 24.0 + 8.0 * Double(rowLabels.map(\.count).max() ?? 4) + 8
        let top = 48.0 + 7.0 * Double(columnLabels.map(\.count).max() ?? 4)
        let gridW = cell * Double(cols), gridH = cell * Double(rows)
        let width = left + gridW + 110, height = top + gridH + 44
        var svg = SVG(width: width, height: height)
        let maxValue = maximum ?? (values.flatMap { $0 }.filter(\.isFinite).max() ?? 1)
        let scale = maxValue > 0 ? maxValue : 1
        svg.text(width / 2, 24, title, size: 16, anchor: .middle, weight: "bold")
        for r in 0..<rows {
            for c in 0..<cols {
                let v = values[r][c]
                svg.rect(left + cell * Double(c), top + cell * Double(r), cell, cell, fill: Self.colour(v / scale))
                if let d = cellDecimals, v != 0 {
                    let dark = v / scale > 0.5
                    svg.text(left + cell * (Double(c) + 0.5), top + cell * (Double(r) + 0.5) + 3.5,
                             String(format: "%.\(d)f", v), size: 8, anchor: .middle, fill: dark ? "#ffffff" : "#222")
                }
            }
            svg.text(left - 6, top + cell * (Double(r) + 0.5) + 4, rowLabels[r], size: 11, anchor: .end)
        }
        for c in 0..<cols {
            let x = left + cell * (Double(c) + 0.5) + 4, y = top - 6
            svg.text(x, y, columnLabels[c], size: 11, anchor: .start, rotate: -90)
        }
        svg.rect(left, top, gridW, gridH, fill: "none", stroke: "#444")
        svg.text(left + gridW / 2, top + gridH + 28, columnAxisLabel + " (columns)", size: 13, anchor: .middle)
        svg.text(14, top + gridH / 2, rowAxisLabel + " (rows)", size: 13, anchor: .middle, rotate: -90)
        // Colour bar with ticks.
        let barX = left + gridW + 24, barW = 16.0, steps = 40
        for i in 0..<steps {
            let f0 = Double(i) / Double(steps)
            svg.rect(barX, top + gridH * (1 - f0 - 1 / Double(steps)), barW, gridH / Double(steps) + 0.3, fill: Self.colour(f0 + 0.5 / Double(steps)))
        }
        svg.rect(barX, top, barW, gridH, fill: "none", stroke: "#444")
        let step = Ticks.step(0, scale, count: 5)
        for v in Ticks.values(0, scale, count: 5) {
            let y = top + gridH * (1 - v / scale)
            svg.line(barX + barW, y, barX + barW + 4, y, stroke: "#444")
            svg.text(barX + barW + 7, y + 4, Ticks.label(v, step: step), size: 10)
        }
        return svg.text
    }
}
