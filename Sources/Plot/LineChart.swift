import Foundation

/// A line chart: several series, a legend, labelled axes with nice ticks, an optional log y axis,
/// optional vertical marker lines (a train/test split, say), annotated points and notes.
///
/// The renderer places what it draws: the range of each axis is the data's (or `yRange`) with a
/// margin, so no line runs along the frame; the legend goes where it covers no line, marker or
/// label, inside the plot if there is such a place and below it otherwise; a series of few points
/// gets a marker on each; a line that leaves a fixed `yRange` is cut at the frame, with an arrow
/// where it leaves and a note. `layout()` returns what was placed where.
public struct LineChart {
    public struct Series {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public var dashed: Bool
        /// A dash pattern of its own (an SVG `stroke-dasharray`), instead of `dashed`'s.
        public var dash: String?
        /// Its colour; by default the palette's, in series order.
        public var colour: String?
        /// A marker on every point: `nil` draws them when the series has at most
        /// `LineChart.markerLimit` points (measured values rather than a curve).
        public var markers: Bool?
        public var lineWidth = 1.8
        /// Listed in the legend.
        public var inLegend = true

        public init(_ name: String, points: [(x: Double, y: Double)], dashed: Bool = false) {
            self.name = name
            self.points = points
            self.dashed = dashed
        }
        public init(_ name: String, x: [Double], y: [Double], dashed: Bool = false) {
            self.init(name, points: Array(zip(x, y)).map { (x: $0.0, y: $0.1) }, dashed: dashed)
        }
    }

    /// A point marked with a cross and a text beside it, placed where it covers no data.
    public struct Annotation {
        public var x: Double, y: Double, text: String
        public init(x: Double, y: Double, text: String) {
            self.x = x
            self.y = y
            self.text = text
        }
    }

    /// Where the legend goes.
    public enum LegendPlacement { case automatic, below, hidden }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series] = []
    public var logY = false
    /// Vertical dashed lines at these x values, with a label each.
    public var markers: [(x: Double, label: String)] = []
    /// A fixed y range instead of one fitted to the data (still with a margin). Lines beyond it
    /// are cut at the frame, with an arrow where they leave it.
    public var yRange: (Double, Double)?
    /// A fixed x range instead of one fitted to the data.
    public var xRange: (Double, Double)?
    /// Ticks of the x axis at these values (the values measured, say) instead of nice ones.
    public var xTickValues: [Double]?
    public var annotations: [Annotation] = []
    /// Lines of text under the figure.
    public var notes: [String] = []
    /// The note explaining the arrows where a line leaves `yRange`; a generic one when `nil`.
    public var clipNote: String?
    public var legend = LegendPlacement.automatic
    public var width: Double = 720
    /// The height without the notes and a legend below the plot (which add to it).
    public var height: Double = 440

    /// The palette, in series order (colour-blind-safe, Okabe and Ito's, without their yellow,
    /// which is too faint on white; grey in its place).
    public static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#7F7F7F"]
    /// A series of at most this many points gets markers on them.
    public static let markerLimit = 20

    public init(title: String, xLabel: String, yLabel: String) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
    }

    /// What the renderer placed, in the figure's coordinates.
    public struct Layout {
        public var width: Double, height: Double
        /// The plot area (inside the frame).
        public var plot: Rect
        /// Every data line segment drawn, with its series.
        public var segments: [(series: Int, a: Point, b: Point)] = []
        /// Every point marker drawn, with its series.
        public var markers: [(series: Int, centre: Point)] = []
        /// The arrows where a line leaves the range shown (`up`: above it).
        public var exits: [(series: Int, at: Point, up: Bool)] = []
        public var legend: LegendLayout?
        public var xTicks: [Tick] = [], yTicks: [Tick] = []
        /// Unlabelled decades of a log axis.
        public var yMinorTicks: [Double] = []
        /// The boxes of the texts placed on the plot (marker labels, annotations).
        public var labels: [Rect] = []
        public var notes: [String] = []
        /// The y range shown (the value at the bottom and at the top of the plot area).
        public var yDomain: (Double, Double) = (0, 1)
    }

    public var svg: String { render().svg.text }

    public func layout() -> Layout { render().layout }

    func colour(_ i: Int) -> String { series[i].colour ?? Self.palette[i % Self.palette.count] }
    func dash(_ i: Int) -> String? { series[i].dash ?? (series[i].dashed ? "7 4" : nil) }
    func valid(_ p: (x: Double, y: Double)) -> Bool { p.x.isFinite && p.y.isFinite && (!logY || p.y > 0) }
    func hasMarkers(_ i: Int) -> Bool { series[i].markers ?? (series[i].points.filter(valid).count <= Self.markerLimit) }

    /// The figure: drawn as a chart of its own, or as a panel of `Panels` (a smaller title at
    /// the left, and the plot's left edge at `left` when given).
    func render(panel: Bool = false, left minimumLeft: Double? = nil) -> (svg: SVG, layout: Layout) {
        // Title.
        let titleSize = panel ? FontSize.panelTitle : FontSize.title
        let titleLines = TextMetrics.wrap(title, size: titleSize, bold: !panel, maxWidth: width - 24)
        let top = 30 + 23 * Double(titleLines.count - 1) + (panel ? 14 : 18)

        // Ranges, with a margin around the data (or around `yRange`).
        let drawn = series.flatMap { $0.points }.filter(valid)
        let xs = drawn.map(\.x) + markers.map(\.x) + annotations.map(\.x)
        var (x0, x1) = xRange ?? (xs.min() ?? 0, xs.max() ?? 1)
        if x0 == x1 { x0 -= 0.5; x1 += 0.5 }
        let xPad = 0.025 * (x1 - x0)
        (x0, x1) = (x0 - xPad, x1 + xPad)
        let ys = drawn.map(\.y) + annotations.map(\.y).filter { $0.isFinite && (!logY || $0 > 0) }
        var (t0, t1): (Double, Double)           // the y range, in log10 units on a log axis
        if let yRange {
            (t0, t1) = logY ? (Foundation.log10(yRange.0), Foundation.log10(yRange.1)) : yRange
        } else {
            let (lo, hi) = (ys.min() ?? (logY ? 1 : 0), ys.max() ?? (logY ? 10 : 1))
            (t0, t1) = logY ? (Foundation.log10(lo), Foundation.log10(hi)) : (lo, hi)
        }
        if t0 == t1 { t0 -= logY ? 0.5 : max(0.5, abs(t0) * 0.1); t1 += logY ? 0.5 : max(0.5, abs(t1) * 0.1) }
        let yPad = 0.05 * (t1 - t0)
        (t0, t1) = (t0 - yPad, t1 + yPad)
        if logY { (t0, t1) = (max(t0, -307), min(t1, 308)) }        // 10^t stays a finite, normal number

        // Ticks of the y axis, then the margins they need.
        var yTicks: [Tick], yMinor: [Double] = []
        if logY {
            (yTicks, yMinor) = Ticks.log(Foundation.pow(10, t0), Foundation.pow(10, t1), maxCount: 9)
        } else {
            yTicks = Ticks.linear(t0, t1, count: 6)
        }
        let tickWidth = yTicks.map { TextMetrics.width($0.label, size: FontSize.tick, markup: true) }.max() ?? 0
        let left = max(minimumLeft ?? 0, 40 + tickWidth + 8)
        let right = 24.0, bottom = xLabel.isEmpty ? 36.0 : 60.0
        let plot = Rect(left, top, width - left - right, height - top - bottom)
        func fx(_ x: Double) -> Double { plot.x + (x - x0) / (x1 - x0) * plot.width }
        func fy(_ y: Double) -> Double { plot.maxY - ((logY ? Foundation.log10(y) : y) - t0) / (t1 - t0) * plot.height }

        // Ticks of the x axis: as many as fit side by side.
        var xTicks: [Tick] = []
        if let xTickValues {
            let chosen = xTickValues.filter { $0 >= x0 && $0 <= x1 }
            let gaps = zip(chosen, chosen.dropFirst()).map { abs($0.1 - $0.0) }.filter { $0 > 0 }
            xTicks = zip(chosen, Ticks.labels(chosen, step: gaps.min() ?? 1)).map { Tick(value: $0.0, label: $0.1) }
        } else {
            xTicks = Ticks.fitting(x0, x1, counts: [8, 6, 5, 4, 3, 2], position: fx)
        }

        var layout = Layout(width: width, height: height, plot: plot)
        layout.xTicks = xTicks
        layout.yTicks = yTicks
        layout.yMinorTicks = yMinor
        layout.yDomain = logY ? (Foundation.pow(10, t0), Foundation.pow(10, t1)) : (t0, t1)

        // The lines: cut where they leave the plot area, split where a value is missing.
        var runs: [(series: Int, points: [Point])] = []
        for (i, s) in series.enumerated() {
            var current: [Point] = [], previous: Point?
            var beyond = 0                  // where the previous point lies: 1 above the range, -1 below, 0 within
            func flush() {
                if !current.isEmpty { runs.append((i, current)) }
                current = []
            }
            for p in s.points {
                guard valid(p) else {
                    flush()
                    previous = nil
                    beyond = 0
                    continue
                }
                let q = Point(fx(p.x), fy(p.y))
                let side = q.y < plot.y ? 1 : q.y > plot.maxY ? -1 : 0
                defer { beyond = side }
                // A point beyond the range that no line led out to (the first of a series, or
                // after a gap): an arrow on the frame above or below it.
                let exitsBefore = layout.exits.count
                defer {
                    if side != 0 && side != beyond && layout.exits.count == exitsBefore && q.x >= plot.x && q.x <= plot.maxX {
                        layout.exits.append((i, Point(q.x, side > 0 ? plot.y : plot.maxY), side > 0))
                    }
                }
                if let a = previous {
                    if let (u0, u1) = plot.clip(a, q) {
                        let c0 = Point(a.x + (q.x - a.x) * u0, a.y + (q.y - a.y) * u0)
                        let c1 = Point(a.x + (q.x - a.x) * u1, a.y + (q.y - a.y) * u1)
                        if u0 > 0 || current.isEmpty {
                            flush()
                            current = [c0]
                        }
                        current.append(c1)
                        if u1 < 1 {
                            if q.y < plot.y || q.y > plot.maxY { layout.exits.append((i, c1, q.y < plot.y)) }
                            flush()
                        }
                    }
                } else if plot.contains(q) {
                    current = [q]
                }
                previous = q
            }
            flush()
            if hasMarkers(i) {
                for p in s.points where valid(p) {
                    let q = Point(fx(p.x), fy(p.y))
                    if plot.contains(q) { layout.markers.append((i, q)) }
                }
            }
        }
        for r in runs {
            for (a, b) in zip(r.points, r.points.dropFirst()) { layout.segments.append((r.series, a, b)) }
            // A lone point between gaps, unless it has a marker already.
            if r.points.count == 1 && !hasMarkers(r.series) { layout.markers.append((r.series, r.points[0])) }
        }

        var obstacles = Obstacles()
        for s in layout.segments { obstacles.segments.append((s.a, s.b, series[s.series].lineWidth)) }
        for m in layout.markers { obstacles.discs.append((m.centre, MarkerShape.radius + 1.5)) }
        for e in layout.exits { obstacles.discs.append((e.at, 8)) }

        // Vertical marker lines, and their labels where they cover no data.
        var markerLabels: [(Rect, String)] = []
        for m in markers {
            let x = fx(m.x)
            obstacles.segments.append((Point(x, plot.y), Point(x, plot.maxY), 1.2))
        }
        for m in markers {
            let x = fx(m.x), w = TextMetrics.width(m.label, size: FontSize.note), h = 18.0
            let candidates = [Rect(x + 6, plot.y + 6, w, h), Rect(x - 6 - w, plot.y + 6, w, h),
                              Rect(x + 6, plot.maxY - 6 - h, w, h), Rect(x - 6 - w, plot.maxY - 6 - h, w, h)]
            let inside = candidates.filter { plot.inset(by: 2).contains($0) }
            let box = inside.first { !obstacles.hit($0, margin: 2) } ?? inside.first ?? candidates[0]
            markerLabels.append((box, m.label))
            obstacles.boxes.append(box)
        }

        // Annotations: a cross at the point, the text where it covers nothing.
        var annotationBoxes: [(Point, Rect, String)] = []
        for a in annotations where a.x.isFinite && a.y.isFinite && (!logY || a.y > 0) {
            let p = Point(fx(a.x), fy(min(max(a.y, logY ? Foundation.pow(10, t0) : t0), logY ? Foundation.pow(10, t1) : t1)))
            obstacles.discs.append((p, 6))
            let w = TextMetrics.width(a.text, size: FontSize.note, markup: true), h = 18.0
            var candidates: [Rect] = []
            for d in [9.0, 22.0, 40.0, 64.0, 96.0] {
                candidates += [Rect(p.x + d, p.y - h / 2, w, h), Rect(p.x - d - w, p.y - h / 2, w, h),
                               Rect(p.x + d * 0.7, p.y - d * 0.7 - h, w, h), Rect(p.x + d * 0.7, p.y + d * 0.7, w, h),
                               Rect(p.x - d * 0.7 - w, p.y - d * 0.7 - h, w, h), Rect(p.x - d * 0.7 - w, p.y + d * 0.7, w, h),
                               Rect(p.x - w / 2, p.y - d - h, w, h), Rect(p.x - w / 2, p.y + d, w, h)]
            }
            let inside = candidates.filter { plot.inset(by: 2).contains($0) }
            let box = inside.first { !obstacles.hit($0, margin: 2) } ?? inside.first ?? candidates[0]
            annotationBoxes.append((p, box, a.text))
            obstacles.boxes.append(box)
        }
        layout.labels = markerLabels.map(\.0) + annotationBoxes.map(\.1)

        // The legend.
        let items = series.indices.filter { series[$0].inLegend }.map { i in
            LegendItem(name: series[i].name, colour: colour(i), dash: dash(i), line: true,
                       marker: hasMarkers(i) ? MarkerShape.allCases[i % MarkerShape.allCases.count] : nil)
        }
        var below = plot.maxY + bottom
        if legend != .hidden && (items.count > 1 || (legend == .below && !items.isEmpty)) {
            let placed = legend == .automatic ? Legend.placeInside(items, plot: plot, obstacles: obstacles) : nil
            layout.legend = placed ?? Legend.placeBelow(items, x: plot.x, y: below, width: width - plot.x - 12)
            if let l = layout.legend, !l.inside { below = l.rect.maxY + 8 }
        }

        // Notes under the figure.
        var notes = notes
        if !layout.exits.isEmpty {
            let up = layout.exits.contains { $0.up }, down = layout.exits.contains { !$0.up }
            notes.insert(clipNote ?? ((up ? "▲" : "") + (down ? "▼" : "") + " where a line leaves the range shown"), at: 0)
        }
        layout.notes = notes
        let noteLines = notes.flatMap { TextMetrics.wrap($0, size: FontSize.note, maxWidth: width - plot.x - 12) }
        let noteTop = below + 4
        layout.height = noteLines.isEmpty ? max(height, below) : noteTop + 19 * Double(noteLines.count) + 6

        // Drawing: title, grid, axes, data, legend, notes.
        var svg = SVG(width: width, height: layout.height)
        for (k, line) in titleLines.enumerated() {
            if panel {
                svg.text(plot.x, 30 + 23 * Double(k), line, size: titleSize, weight: "600", markup: true)
            } else {
                svg.text(width / 2, 30 + 23 * Double(k), line, size: titleSize, anchor: .middle, weight: "bold", markup: true)
            }
        }
        for v in yMinor {
            svg.line(plot.x, fy(v), plot.maxX, fy(v), stroke: "#f2f2f2")
            svg.line(plot.x - 4, fy(v), plot.x, fy(v), stroke: "#888888")
        }
        for t in yTicks {
            svg.line(plot.x, fy(t.value), plot.maxX, fy(t.value), stroke: "#e2e2e2")
            svg.line(plot.x - 6, fy(t.value), plot.x, fy(t.value), stroke: "#444444")
            svg.text(plot.x - 9, fy(t.value) + FontSize.tick * 0.35, t.label, size: FontSize.tick, anchor: .end, markup: true)
        }
        for t in xTicks {
            svg.line(fx(t.value), plot.maxY, fx(t.value), plot.maxY + 6, stroke: "#444444")
            svg.text(fx(t.value), plot.maxY + 24, t.label, size: FontSize.tick, anchor: .middle, markup: true)
        }
        svg.text(plot.x + plot.width / 2, plot.maxY + 50, xLabel, size: FontSize.axis, anchor: .middle, markup: true)
        let ySize = min(FontSize.axis, FontSize.axis * plot.height / max(TextMetrics.width(yLabel, size: FontSize.axis, markup: true), 1))
        svg.text(26, plot.y + plot.height / 2, yLabel, size: max(ySize, 12), anchor: .middle, rotate: -90, markup: true)
        for m in markers {
            svg.line(fx(m.x), plot.y, fx(m.x), plot.maxY, stroke: "#555555", width: 1.2, dash: "6 4")
        }
        for (box, label) in markerLabels {
            svg.text(box.x, box.y + 13, label, size: FontSize.note, fill: "#333333", halo: true)
        }
        for r in runs where r.points.count > 1 {
            svg.polyline(r.points.map { ($0.x, $0.y) }, stroke: colour(r.series), width: series[r.series].lineWidth, dash: dash(r.series))
        }
        for m in layout.markers {
            if hasMarkers(m.series) {
                MarkerShape.allCases[m.series % MarkerShape.allCases.count].draw(&svg, at: m.centre, colour: colour(m.series))
            } else {
                svg.circle(m.centre.x, m.centre.y, r: 2.5, fill: colour(m.series))
            }
        }
        for e in layout.exits {
            let s = e.up ? -1.0 : 1.0
            svg.polygon([(e.at.x, e.at.y + s * 2), (e.at.x - 6, e.at.y - s * 8), (e.at.x + 6, e.at.y - s * 8)], fill: colour(e.series))
        }
        svg.rect(plot.x, plot.y, plot.width, plot.height, fill: "none", stroke: "#444444")
        for (p, box, text) in annotationBoxes {
            svg.line(p.x - 5, p.y - 5, p.x + 5, p.y + 5, stroke: "#222222", width: 2)
            svg.line(p.x - 5, p.y + 5, p.x + 5, p.y - 5, stroke: "#222222", width: 2)
            svg.text(box.x, box.y + 13, text, size: FontSize.note, fill: "#222222", markup: true, halo: true)
        }
        if let l = layout.legend { Legend.draw(&svg, items, l) }
        for (k, line) in noteLines.enumerated() {
            svg.text(plot.x, noteTop + 14 + 19 * Double(k), line, size: FontSize.note, fill: "#444444", markup: true)
        }
        return (svg, layout)
    }
}

/// Line charts stacked one above the other under one title, their plot areas aligned: a
/// quantity and its errors, say, or the same runs at two scales.
public struct Panels {
    public var title: String
    public var panels: [LineChart]
    public var width: Double = 720

    public init(title: String, panels: [LineChart]) {
        self.title = title
        self.panels = panels
    }

    public var svg: String { render().svg.text }

    /// Each panel's layout, and how far down the figure it starts.
    public func layouts() -> [(offset: Double, layout: LineChart.Layout)] { render().layouts }

    func render() -> (svg: SVG, layouts: [(offset: Double, layout: LineChart.Layout)]) {
        let titleLines = TextMetrics.wrap(title, size: FontSize.title, bold: true, maxWidth: width - 24)
        let charts = panels.map { p -> LineChart in
            var c = p
            c.width = width
            return c
        }
        let left = charts.map { $0.render(panel: true).layout.plot.x }.max() ?? 0
        let rendered = charts.map { $0.render(panel: true, left: left) }
        var y = 14 + 23 * Double(titleLines.count)
        var placed: [(Double, LineChart.Layout)] = []
        for r in rendered {
            placed.append((y, r.layout))
            y += r.layout.height
        }
        var svg = SVG(width: width, height: y + 4)
        for (k, line) in titleLines.enumerated() {
            svg.text(width / 2, 30 + 23 * Double(k), line, size: FontSize.title, anchor: .middle, weight: "bold", markup: true)
        }
        for (r, p) in zip(rendered, placed) { svg.append(r.svg, dy: p.0) }
        return (svg, placed)
    }
}
