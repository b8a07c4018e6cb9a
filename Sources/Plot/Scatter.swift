import Foundation

/// Points with a text label each (a 2-D projection of word vectors, say), with labelled axes.
///
/// Labels are placed without overlaps: each tries eight places around its point, in the order
/// of the points (those in a group first), and one that fits nowhere is left out, which a note
/// under the figure counts. Points in `groups` get a colour and a marker of their own and a
/// legend; the rest are grey.
public struct Scatter {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var points: [(x: Double, y: Double, label: String)] = []
    /// Named sets of labels, drawn in colours of their own.
    public var groups: [(name: String, members: Set<String>)] = []
    /// The legend's name for the points in no group.
    public var otherName = "other"
    /// One unit is as long on both axes (for a projection, where distances mean something).
    public var equalScales = false
    /// Lines of text under the figure.
    public var notes: [String] = []
    public var width: Double = 760
    /// The height without the notes and a legend below the plot.
    public var height: Double = 560

    public init(title: String, xLabel: String, yLabel: String) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
    }

    /// What the renderer placed, in the figure's coordinates.
    public struct Layout {
        public var width: Double, height: Double
        public var plot: Rect
        /// Every point, with its group (`nil`: none).
        public var points: [(centre: Point, radius: Double, group: Int?)] = []
        /// The labels drawn, with the index of their point.
        public var labels: [(rect: Rect, text: String, point: Int)] = []
        /// How many labels were left out.
        public var dropped = 0
        public var legend: LegendLayout?
        public var xTicks: [Tick] = [], yTicks: [Tick] = []
        public var notes: [String] = []
    }

    public var svg: String { render().svg.text }
    public func layout() -> Layout { render().layout }

    static let labelSize = 14.0, otherColour = "#8a8a8a"

    func group(of label: String) -> Int? { groups.firstIndex { $0.members.contains(label) } }

    func render() -> (svg: SVG, layout: Layout) {
        let titleLines = TextMetrics.wrap(title, size: FontSize.title, bold: true, maxWidth: width - 24)
        let top = 30 + 23 * Double(titleLines.count - 1) + 18
        let xs = points.map(\.x), ys = points.map(\.y)
        func padded(_ v: [Double]) -> (Double, Double) {
            var (lo, hi) = (v.min() ?? 0, v.max() ?? 1)
            if lo == hi { lo -= 0.5; hi += 0.5 }
            let pad = 0.05 * (hi - lo)
            return (lo - pad, hi + pad)
        }
        var (x0, x1) = padded(xs), (y0, y1) = padded(ys)
        var yTicks = Ticks.linear(y0, y1, count: 6)
        // The margin for the labels of the y axis (widening a range for equal scales below keeps
        // labels of about the same width).
        let tickWidth = yTicks.map { TextMetrics.width($0.label, size: FontSize.tick, markup: true) }.max() ?? 0
        let left = 40 + tickWidth + 8
        let right = 24.0, bottom = 60.0
        let plot = Rect(left, top, width - left - right, height - top - bottom)
        if equalScales {
            // Widen the range of the axis that would be drawn at the larger scale.
            let sx = plot.width / (x1 - x0), sy = plot.height / (y1 - y0)
            if sx > sy {
                let extra = plot.width / sy - (x1 - x0)
                (x0, x1) = (x0 - extra / 2, x1 + extra / 2)
            } else {
                let extra = plot.height / sx - (y1 - y0)
                (y0, y1) = (y0 - extra / 2, y1 + extra / 2)
            }
            yTicks = Ticks.linear(y0, y1, count: 6)
        }
        func fx(_ x: Double) -> Double { plot.x + (x - x0) / (x1 - x0) * plot.width }
        func fy(_ y: Double) -> Double { plot.maxY - (y - y0) / (y1 - y0) * plot.height }
        let xTicks = Ticks.fitting(x0, x1, counts: [8, 6, 5, 4, 3], position: fx)

        var layout = Layout(width: width, height: height, plot: plot)
        layout.xTicks = xTicks
        layout.yTicks = yTicks
        for p in points {
            let g = group(of: p.label)
            layout.points.append((Point(fx(p.x), fy(p.y)), g == nil ? 3 : 4, g))
        }
        var obstacles = Obstacles()
        for p in layout.points { obstacles.discs.append((p.centre, p.radius + 1)) }

        // Labels: the points of a group first, then the rest, each in the first of eight places
        // around its point that stays inside the plot and overlaps no label and no point.
        let order = points.indices.filter { layout.points[$0].group != nil } + points.indices.filter { layout.points[$0].group == nil }
        let h = Self.labelSize * 1.1
        for i in order {
            let c = layout.points[i].centre, r = layout.points[i].radius + 2
            let w = TextMetrics.width(points[i].label, size: Self.labelSize)
            // Right, left, above and below (clear of the first two), then the four diagonals.
            let candidates = [Rect(c.x + r + 1, c.y - h / 2, w, h), Rect(c.x - r - 1 - w, c.y - h / 2, w, h),
                              Rect(c.x - w / 2, c.y - h / 2 - 1 - h, w, h), Rect(c.x - w / 2, c.y + h / 2 + 1, w, h),
                              Rect(c.x + r * 0.8, c.y - r * 0.8 - h, w, h), Rect(c.x - r * 0.8 - w, c.y - r * 0.8 - h, w, h),
                              Rect(c.x + r * 0.8, c.y + r * 0.8, w, h), Rect(c.x - r * 0.8 - w, c.y + r * 0.8, w, h)]
            if let box = candidates.first(where: { plot.inset(by: 2).contains($0) && !obstacles.hit($0, margin: 1) }) {
                layout.labels.append((box, points[i].label, i))
                obstacles.boxes.append(box)
            } else {
                layout.dropped += 1
            }
        }

        // The legend of the groups.
        let items = groups.enumerated().map { g, group in
            LegendItem(name: group.name, colour: LineChart.palette[g % LineChart.palette.count], dash: nil, line: false,
                       marker: MarkerShape.allCases[g % MarkerShape.allCases.count], filledMarker: true)
        } + (groups.isEmpty ? [] : [LegendItem(name: otherName, colour: Self.otherColour, dash: nil, line: false, marker: .circle, filledMarker: true)])
        var below = plot.maxY + bottom
        if !items.isEmpty {
            layout.legend = Legend.placeInside(items, plot: plot, obstacles: obstacles)
                ?? Legend.placeBelow(items, x: plot.x, y: below, width: width - plot.x - 12)
            if let l = layout.legend, !l.inside { below = l.rect.maxY + 8 }
        }
        var notes = notes
        if layout.dropped > 0 {
            notes.append("\(layout.dropped) of \(points.count) labels are left out: they would overlap another label or a point.")
        }
        layout.notes = notes
        let noteLines = notes.flatMap { TextMetrics.wrap($0, size: FontSize.note, maxWidth: width - plot.x - 12) }
        let noteTop = below + 4
        layout.height = noteLines.isEmpty ? max(height, below) : noteTop + 19 * Double(noteLines.count) + 6

        var svg = SVG(width: width, height: layout.height)
        for (k, line) in titleLines.enumerated() {
            svg.text(width / 2, 30 + 23 * Double(k), line, size: FontSize.title, anchor: .middle, weight: "bold", markup: true)
        }
        for t in yTicks {
            svg.line(plot.x, fy(t.value), plot.maxX, fy(t.value), stroke: "#e8e8e8")
            svg.line(plot.x - 6, fy(t.value), plot.x, fy(t.value), stroke: "#444444")
            svg.text(plot.x - 9, fy(t.value) + FontSize.tick * 0.35, t.label, size: FontSize.tick, anchor: .end, markup: true)
        }
        for t in xTicks {
            svg.line(fx(t.value), plot.y, fx(t.value), plot.maxY, stroke: "#e8e8e8")
            svg.line(fx(t.value), plot.maxY, fx(t.value), plot.maxY + 6, stroke: "#444444")
            svg.text(fx(t.value), plot.maxY + 24, t.label, size: FontSize.tick, anchor: .middle, markup: true)
        }
        svg.rect(plot.x, plot.y, plot.width, plot.height, fill: "none", stroke: "#444444")
        svg.text(plot.x + plot.width / 2, plot.maxY + 50, xLabel, size: FontSize.axis, anchor: .middle, markup: true)
        svg.text(26, plot.y + plot.height / 2, yLabel, size: FontSize.axis, anchor: .middle, rotate: -90, markup: true)
        // Ungrouped points first, so that the grouped ones are drawn on top.
        for p in layout.points where p.group == nil { svg.circle(p.centre.x, p.centre.y, r: p.radius, fill: Self.otherColour) }
        for p in layout.points {
            guard let g = p.group else { continue }
            MarkerShape.allCases[g % MarkerShape.allCases.count].draw(&svg, at: p.centre, colour: LineChart.palette[g % LineChart.palette.count],
                                                                      radius: p.radius, filled: true)
        }
        for l in layout.labels {
            svg.text(l.rect.x, l.rect.y + Self.labelSize * 0.85, l.text, size: Self.labelSize, fill: layout.points[l.point].group == nil ? "#555555" : "#111111")
        }
        if let l = layout.legend { Legend.draw(&svg, items, l) }
        for (k, line) in noteLines.enumerated() {
            svg.text(plot.x, noteTop + 14 + 19 * Double(k), line, size: FontSize.note, fill: "#444444", markup: true)
        }
        return (svg, layout)
    }
}
