import Foundation

/// A line chart: several series, a legend, labelled axes with nice ticks, an optional log y axis
/// and optional vertical marker lines (a train/test split, say).
public struct LineChart {
    public struct Series {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public var dashed: Bool
        public init(_ name: String, points: [(x: Double, y: Double)], dashed: Bool = false) {
            self.name = name
            self.points = points
            self.dashed = dashed
        }
        public init(_ name: String, x: [Double], y: [Double], dashed: Bool = false) {
            self.init(name, points: Array(zip(x, y)).map { (x: $0.0, y: $0.1) }, dashed: dashed)
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series] = []
    public var logY = false
    /// Vertical dashed lines at these x values, with a label each.
    public var markers: [(x: Double, label: String)] = []
    /// Fixed y range instead of one fitted to the data.
    public var yRange: (Double, Double)?
    public var width: Double = 720
    public var height: Double = 420

    /// The palette, in series order (colour-blind-safe, Okabe and Ito).
    public static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]

    public init(title: String, xLabel: String, yLabel: String) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
    }

    public var svg: String {
        var svg = SVG(width: width, height: height)
        let left = 78.0, right = 24.0, top = 44.0, bottom = 58.0
        let plotW = width - left - right, plotH = height - top - bottom
        let all = series.flatMap { $0.points }.filter { $0.x.isFinite && $0.y.isFinite && (!logY || $0.y > 0) }
        let xs = all.map(\.x) + markers.map(\.x), ys = all.map(\.y)
        var (x0, x1) = (xs.min() ?? 0, xs.max() ?? 1)
        if x0 == x1 { x0 -= 0.5; x1 += 0.5 }
        var (y0, y1): (Double, Double)
        if let yRange { (y0, y1) = yRange } else { (y0, y1) = (ys.min() ?? 0, ys.max() ?? 1) }
        if logY {
            y0 = Foundation.pow(10, Foundation.floor(Foundation.log10(max(y0, 1e-300))))
            y1 = Foundation.pow(10, Foundation.ceil(Foundation.log10(max(y1, 1e-300))))
            if y0 == y1 { y1 = y0 * 10 }
        } else if yRange == nil {
            (y0, y1) = Ticks.nice(y0, y1, count: 6)
        }
        func px(_ x: Double) -> Double { left + (x - x0) / (x1 - x0) * plotW }
        func py(_ y: Double) -> Double {
            let f = logY ? (Foundation.log10(y) - Foundation.log10(y0)) / (Foundation.log10(y1) - Foundation.log10(y0)) : (y - y0) / (y1 - y0)
            return top + plotH - f * plotH
        }
        svg.text(width / 2, 26, title, size: 16, anchor: .middle, weight: "bold")
        // Grid and y ticks.
        let yTicks = logY ? Ticks.logValues(y0, y1) : Ticks.values(y0, y1, count: 6)
        let yStep = logY ? 1 : Ticks.step(y0, y1, count: 6)
        for v in yTicks {
            svg.line(left, py(v), left + plotW, py(v), stroke: "#e5e5e5")
            svg.text(left - 8, py(v) + 4, logY ? Ticks.logLabel(v) : Ticks.label(v, step: yStep), size: 11, anchor: .end)
        }
        let xStep = Ticks.step(x0, x1, count: 8)
        for v in Ticks.values(x0, x1, count: 8) {
            svg.line(px(v), top + plotH, px(v), top + plotH + 5, stroke: "#444")
            svg.text(px(v), top + plotH + 19, Ticks.label(v, step: xStep), size: 11, anchor: .middle)
        }
        svg.rect(left, top, plotW, plotH, fill: "none", stroke: "#444")
        svg.text(left + plotW / 2, height - 14, xLabel, size: 13, anchor: .middle)
        svg.text(20, top + plotH / 2, yLabel, size: 13, anchor: .middle, rotate: -90)
        for m in markers {
            svg.line(px(m.x), top, px(m.x), top + plotH, stroke: "#555", width: 1.2, dash: "6 4")
            svg.text(px(m.x) + 5, top + 14, m.label, size: 11)
        }
        for (i, s) in series.enumerated() {
            let colour = Self.palette[i % Self.palette.count]
            // Split at non-finite points so a diverged run shows as a gap, not a wild line.
            var run: [(Double, Double)] = []
            func flush() { if run.count > 1 { svg.polyline(run, stroke: colour, dash: s.dashed ? "6 4" : nil) } else if run.count == 1 { svg.circle(run[0].0, run[0].1, r: 2, fill: colour) }; run = [] }
            for p in s.points {
                if p.x.isFinite && p.y.isFinite && (!logY || p.y > 0) && p.y >= min(y0, y1) - 1e9 {
                    run.append((px(p.x), py(min(max(p.y, y0), y1))))
                } else { flush() }
            }
            flush()
        }
        if series.count > 1 {
            let rowH = 18.0
            let boxW = 16 + 30 + Double(series.map(\.name.count).max() ?? 0) * 7
            let bx = left + plotW - boxW - 8, by = top + 8
            svg.rect(bx, by, boxW, rowH * Double(series.count) + 8, fill: "#ffffff", stroke: "#bbb")
            for (i, s) in series.enumerated() {
                let y = by + 4 + rowH * (Double(i) + 0.5)
                let colour = Self.palette[i % Self.palette.count]
                svg.line(bx + 8, y, bx + 34, y, stroke: colour, width: 2, dash: s.dashed ? "6 4" : nil)
                svg.text(bx + 40, y + 4, s.name, size: 11)
            }
        }
        return svg.text
    }
}
