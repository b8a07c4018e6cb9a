import Foundation

/// Points with a text label each (a 2-D projection of word vectors, say), with labelled axes.
public struct Scatter {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var points: [(x: Double, y: Double, label: String)] = []
    public var width: Double = 760
    public var height: Double = 560

    public init(title: String, xLabel: String, yLabel: String) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
    }

    public var svg: String {
        var svg = SVG(width: width, height: height)
        let left = 78.0, right = 24.0, top = 44.0, bottom = 58.0
        let plotW = width - left - right, plotH = height - top - bottom
        let xs = points.map(\.x), ys = points.map(\.y)
        let (x0, x1) = Ticks.nice(xs.min() ?? 0, xs.max() ?? 1, count: 8)
        let (y0, y1) = Ticks.nice(ys.min() ?? 0, ys.max() ?? 1, count: 6)
        func px(_ x: Double) -> Double { left + (x - x0) / max(x1 - x0, 1e-300) * plotW }
        func py(_ y: Double) -> Double { top + plotH - (y - y0) / max(y1 - y0, 1e-300) * plotH }
        svg.text(width / 2, 26, title, size: 16, anchor: .middle, weight: "bold")
        let yStep = Ticks.step(y0, y1, count: 6)
        for v in Ticks.values(y0, y1, count: 6) {
            svg.line(left, py(v), left + plotW, py(v), stroke: "#e5e5e5")
            svg.text(left - 8, py(v) + 4, Ticks.label(v, step: yStep), size: 11, anchor: .end)
        }
        let xStep = Ticks.step(x0, x1, count: 8)
        for v in Ticks.values(x0, x1, count: 8) {
            svg.line(px(v), top, px(v), top + plotH, stroke: "#e5e5e5")
            svg.text(px(v), top + plotH + 19, Ticks.label(v, step: xStep), size: 11, anchor: .middle)
        }
        svg.rect(left, top, plotW, plotH, fill: "none", stroke: "#444")
        svg.text(left + plotW / 2, height - 14, xLabel, size: 13, anchor: .middle)
        svg.text(20, top + plotH / 2, yLabel, size: 13, anchor: .middle, rotate: -90)
        for p in points {
            svg.circle(px(p.x), py(p.y), r: 2.5, fill: LineChart.palette[0])
            svg.text(px(p.x) + 4, py(p.y) - 4, p.label, size: 10)
        }
        return svg.text
    }
}
