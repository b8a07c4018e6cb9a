import Foundation
import Testing
@testable import Plot

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Parses an SVG and collects the text of its `<text>` elements.
final class SVGReader: NSObject, XMLParserDelegate {
    var texts: [String] = [], current: String? = nil, root = ""
    func parser(_ p: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        if root.isEmpty { root = name }
        if name == "text" { current = "" }
    }
    func parser(_ p: XMLParser, foundCharacters s: String) { current? += s }
    func parser(_ p: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "text", let c = current { texts.append(c); current = nil }
    }
    static func read(_ svg: String) -> (ok: Bool, root: String, texts: [String]) {
        let reader = SVGReader()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = reader
        let ok = parser.parse()
        return (ok, reader.root, reader.texts)
    }
}

@Suite struct PlotTests {
    @Test func niceTicks() {
        #expect(Ticks.values(0, 1, count: 5) == [0, 0.2, 0.4, 0.6, 0.8, 1])
        #expect(Ticks.values(0, 60000, count: 8) == stride(from: 0.0, through: 60000, by: 10000).map { $0 })
        #expect(Ticks.step(0, 3, count: 6) == 0.5)
        #expect(Ticks.label(0.30000000000000004, step: 0.1) == "0.3")
        #expect(Ticks.label(60000, step: 10000) == "60,000")
        #expect(Ticks.nice(0.13, 2.87, count: 6) == (0, 3))
        #expect(Ticks.logValues(1e-3, 10) == [1e-3, 1e-2, 0.1, 1, 10])
        #expect(Ticks.labels([-1, 0, 1], step: 1) == ["−1", "0", "1"])
        #expect(Ticks.labels([8000, 9000, 10000], step: 1000) == ["8,000", "9,000", "10,000"])
    }

    func chart() -> LineChart {
        var c = LineChart(title: "Loss & more", xLabel: "iteration", yLabel: "loss (nats)")
        c.series = [.init("a < b", x: [1, 2, 3], y: [3, 2, 1]), .init("b", x: [1, 2, 3], y: [2.5, .nan, 0.5], dashed: true)]
        c.markers = [(2, "split")]
        return c
    }

    @Test func lineChartIsWellFormedLabelledAndDeterministic() {
        let svg = chart().svg
        let parsed = SVGReader.read(svg)
        #expect(parsed.ok && parsed.root == "svg")
        for label in ["Loss & more", "iteration", "loss (nats)", "a < b", "b", "split"] { #expect(parsed.texts.contains(label)) }
        #expect(svg == chart().svg)
        #expect(svg.hasSuffix("</svg>\n") && !svg.contains("\r") && !svg.contains("-0 ") && !svg.contains("\"-0\""))
        #expect(svg.contains("viewBox=\"0 0 "))
    }

    @Test func logAxis() {
        var c = LineChart(title: "t", xLabel: "k", yLabel: "norm")
        c.logY = true
        c.series = [.init("s", x: [0, 1, 2], y: [1, 0.01, 1e-4])]
        let parsed = SVGReader.read(c.svg)
        #expect(parsed.ok)
        // Written 10 with a raised −4 (a tspan), read as "10−4".
        #expect(parsed.texts.contains("10−4") && parsed.texts.contains("100"))
        #expect(c.svg.contains("<tspan dy="))
    }

    @Test func subscriptsAndSuperscripts() {
        #expect(RichText.runs("L = (x_50 − 0.7)²").map(\.text) == ["L = (x", "50", " − 0.7)²"])
        #expect(RichText.runs("L = (x_50 − 0.7)²").map(\.shift) == [0, -1, 0])
        #expect(RichText.runs("10^-5").map(\.text) == ["10", "−5"] && RichText.runs("10^-5").map(\.shift) == [0, 1])
        #expect(RichText.runs("h_{T−k} and more").map(\.text) == ["h", "T−k", " and more"])
        #expect(RichText.plain("a_b, c^2.") == "ab, c2.")
        #expect(RichText.runs("snake_") .map(\.text) == ["snake_"])
        var svg = SVG(width: 10, height: 10)
        svg.text(0, 0, "x_50 y", size: 10, markup: true)
        #expect(svg.text.contains("x<tspan dy=\"2.2\" font-size=\"7.2\">50</tspan><tspan dy=\"-2.2\"> y</tspan>"))
        var plain = SVG(width: 10, height: 10)
        plain.text(0, 0, "_Time_", size: 10)
        #expect(plain.text.contains(">_Time_</text>"))
    }

    @Test func heatmapHasEveryLabel() {
        let labels = ["Arabic", "Chinese", "Czech"]
        var h = Heatmap(title: "Confusion", rowLabels: labels, columnLabels: labels,
                        values: [[1, 0, 0], [0.5, 0.5, 0], [0, 0.25, 0.75]],
                        rowAxisLabel: "true language", columnAxisLabel: "predicted language")
        h.cellText = { $0 > 0 ? String(Int((100 * $0).rounded())) : nil }
        h.scaleLabel = "share of the row"
        let parsed = SVGReader.read(h.svg)
        #expect(parsed.ok)
        #expect(parsed.texts.filter { labels.contains($0) }.count == 6)
        #expect(parsed.texts.contains("true language (rows)") && parsed.texts.contains("predicted language (columns)"))
        #expect(parsed.texts.contains("share of the row") && parsed.texts.contains("75"))
        #expect(Heatmap.colour(0) == "#ffffff" && Heatmap.colour(1) == "#08306b")
        // One smooth gradient for the colour bar, not a stack of bands.
        #expect(h.svg.contains("<linearGradient") && h.svg.contains("fill=\"url(#scale)\""))
        let layout = h.layout()
        #expect(layout.cellTexts.count == 5)
        // The colour bar lies under the grid, as wide as it, and the figure holds its label.
        #expect(layout.bar.y > layout.grid.maxY && layout.bar.x == layout.grid.x && layout.bar.width == layout.grid.width)
        #expect(layout.height >= layout.bar.maxY + 44 && layout.width >= layout.grid.maxX)
        for t in layout.cellTexts {
            let cell = Rect(layout.grid.x + Heatmap.cell * Double(t.column), layout.grid.y + Heatmap.cell * Double(t.row), Heatmap.cell, Heatmap.cell)
            #expect(cell.contains(t.rect), "the value \(t.text) does not fit its cell")
        }
    }
}

// MARK: - The renderer's geometry

/// Charts like the book's that crowd the usual legend corner.
enum Fixtures {
    /// A fan of curves from one point, like the gradient norms k steps back (log scale).
    static func fan() -> LineChart {
        var c = LineChart(title: "Gradient norm k steps back", xLabel: "k", yLabel: "norm (log scale)")
        c.logY = true
        let ks = (0..<60).map(Double.init)
        for (i, rate) in [0.5, 0.9, 1.0, 1.1, 1.5, 0.62, 0.99, 0.63].enumerated() {
            c.series.append(.init("curve \(i)", x: ks, y: ks.map { Foundation.pow(rate, $0) }))
        }
        return c
    }

    /// Seasonal curves over the whole width, like the airline passengers' test months.
    static func seasons() -> LineChart {
        var c = LineChart(title: "Test months", xLabel: "month", yLabel: "passengers")
        let months = (96..<144).map(Double.init)
        for (i, shift) in [0.0, 0.3, -0.2, 0.5].enumerated() {
            c.series.append(.init("forecast \(i)", x: months, y: months.map { 300 + 2.5 * ($0 - 96) + 120 * sin(($0 + shift) / 12 * 2 * .pi) }))
        }
        return c
    }

    /// Curves that end high on the right, like a validation loss that climbs.
    static func climb() -> LineChart {
        var c = LineChart(title: "Perplexity", xLabel: "epoch", yLabel: "perplexity (log scale)")
        c.logY = true
        let e = (1...50).map(Double.init)
        c.series = [.init("training", x: e, y: e.map { 900 * Foundation.pow(0.9, $0) + 5 }),
                    .init("validation", x: e, y: e.map { 600 * Foundation.pow(0.9, $0) + 150 + 6 * max(0, $0 - 10) }),
                    .init("3-gram", x: e, y: e.map { _ in 290 }, dashed: true)]
        return c
    }

    /// A few measured points per series, all at 1.0 for small x, like accuracy against delay.
    static func sparse() -> LineChart {
        var c = LineChart(title: "Accuracy", xLabel: "delay d", yLabel: "accuracy")
        c.yRange = (0.4, 1.0)
        let d: [Double] = [1, 2, 3, 4, 6, 8, 12]
        c.series = [.init("k = 2", x: d, y: [1, 0.54, 0.53, 0.56, 0.59, 0.49, 0.5]),
                    .init("k = 4", x: d, y: [1, 1, 1, 0.57, 0.53, 0.63, 0.5]),
                    .init("k = 8", x: d, y: [1, 1, 1, 1, 0.87, 0.49, 0.5]),
                    .init("k = 24", x: d, y: [1, 1, 1, 1, 1, 1, 0.92])]
        c.xTickValues = d
        return c
    }

    /// Noise over the whole plot: no room for a legend inside.
    static func noise() -> LineChart {
        var c = LineChart(title: "Noise", xLabel: "x", yLabel: "y")
        var state: UInt64 = 12345
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        let xs = (0..<400).map(Double.init)
        c.series = [.init("one", x: xs, y: xs.map { _ in next() }), .init("two", x: xs, y: xs.map { _ in next() })]
        return c
    }

    static var all: [(String, LineChart)] {
        [("fan", fan()), ("seasons", seasons()), ("climb", climb()), ("sparse", sparse()), ("noise", noise())]
    }
}

@Suite struct LayoutTests {
    /// The legend's box touches no drawn line segment (with its stroke), no marker and no label,
    /// and lies inside the plot or wholly below it.
    @Test(arguments: Fixtures.all.map(\.0)) func legendCoversNoData(_ name: String) throws {
        let chart = Fixtures.all.first { $0.0 == name }!.1
        let layout = chart.layout()
        let legend = try #require(layout.legend)
        if legend.inside {
            #expect(layout.plot.contains(legend.rect), "\(name): legend leaves the plot")
        } else {
            #expect(legend.rect.y >= layout.plot.maxY, "\(name): legend neither inside nor below the plot")
        }
        for s in layout.segments {
            #expect(!legend.rect.expanded(by: chart.series[s.series].lineWidth / 2).intersects(s.a, s.b),
                    "\(name): legend covers a segment of \(chart.series[s.series].name) at \(s.a)")
        }
        for m in layout.markers {
            #expect(!legend.rect.intersects(circle: m.centre, radius: MarkerShape.radius), "\(name): legend covers a marker at \(m.centre)")
        }
        for l in layout.labels { #expect(!legend.rect.intersects(l), "\(name): legend covers a label") }
    }

    /// Where there is room the legend stays inside; where there is none it goes below.
    @Test func legendInsideWhenThereIsRoomBelowOtherwise() {
        #expect(Fixtures.fan().layout().legend?.inside == true)
        #expect(Fixtures.noise().layout().legend?.inside == false)
        let below = Fixtures.noise().layout()
        #expect(below.height > Fixtures.noise().height - 1)
    }

    /// No line runs along the frame: a margin around the data, also around a fixed `yRange`.
    @Test(arguments: Fixtures.all.map(\.0)) func linesStayOffTheFrame(_ name: String) {
        let layout = Fixtures.all.first { $0.0 == name }!.1.layout()
        for s in layout.segments {
            let flat = abs(s.a.y - s.b.y) < 1e-9
            #expect(!(flat && (abs(s.a.y - layout.plot.y) < 2 || abs(s.a.y - layout.plot.maxY) < 2)), "\(name): a line on the frame")
            for p in [s.a, s.b] { #expect(layout.plot.contains(p)) }
        }
    }

    /// A series of a few points has a marker on each; a long one has none unless asked.
    @Test func sparseSeriesHaveMarkers() {
        let sparse = Fixtures.sparse()
        let layout = sparse.layout()
        for i in sparse.series.indices {
            #expect(layout.markers.filter { $0.series == i }.count == 7, "series \(i) lacks markers")
        }
        #expect(Fixtures.fan().layout().markers.isEmpty)
        var asked = Fixtures.seasons()
        asked.series[1].markers = true
        asked.series[0].markers = false
        #expect(asked.layout().markers.filter { $0.series == 1 }.count == 48)
        var level = Fixtures.sparse()
        level.series[0].markers = false
        #expect(level.layout().markers.filter { $0.series == 0 }.isEmpty)
        // The legend shows the marker of a series that has them.
        #expect(sparse.svg.components(separatedBy: "<circle").count - 1 == 7 + 1)
    }

    /// Log ticks sit on whole decades, evenly spaced by 1, 2, 5, 10, 20, 25, 50 … decades, at most
    /// nine, and at multiples of their spacing.
    @Test func logTicksAtWholeDecades() {
        for (low, high) in [(1e-20, 10.0), (1e-3, 1e3), (3e-3, 2e305), (0.02, 7e36), (1e-300, 1e300), (5e-7, 0.3), (1.0, 1e8)] {
            let ticks = Ticks.log(low, high).major
            #expect(ticks.count >= 2 && ticks.count <= 9, "\(low)…\(high): \(ticks.count) ticks")
            let exponents = ticks.map { Foundation.log10($0.value) }
            for e in exponents { #expect(abs(e - e.rounded()) < 1e-9, "\(low)…\(high): a tick at 10^\(e)") }
            let steps = Set(zip(exponents, exponents.dropFirst()).map { Int(($0.1 - $0.0).rounded()) })
            #expect(steps.count == 1, "\(low)…\(high): uneven steps \(steps)")
            if let step = steps.first {
                #expect(Ticks.decadeSteps.contains(step))
                for e in exponents { #expect(Int(e.rounded()) % step == 0, "\(low)…\(high): 10^\(e) is not a multiple of \(step) decades") }
            }
            for t in ticks { #expect(t.value >= low && t.value <= high) }
        }
        // On a chart: the fan spans 18 decades.
        let layout = Fixtures.fan().layout()
        for t in layout.yTicks { #expect(abs(Foundation.log10(t.value) - Foundation.log10(t.value).rounded()) < 1e-9) }
    }

    /// Every tick label of an axis has one style: all powers of ten, or all plain numbers, with
    /// thousands grouped on all of them or on none, and on a linear axis the same decimals.
    @Test func tickLabelsHaveOneStyle() {
        func check(_ ticks: [Tick], linear: Bool, _ what: String) {
            let labels = ticks.map(\.label)
            #expect(Set(labels.map(Ticks.style)).count <= 1, "\(what): mixed styles \(labels)")
            let long = labels.filter { $0.filter(\.isNumber).count - ($0.split(separator: ".").dropFirst().first?.count ?? 0) >= 4 }
            #expect(Set(long.map { $0.contains(",") }).count <= 1, "\(what): grouping mixed \(labels)")
            if linear {
                #expect(Set(labels.map { $0.split(separator: ".").dropFirst().first?.count ?? 0 }).count <= 1, "\(what): decimals mixed \(labels)")
            }
        }
        for (low, high) in [(1e-20, 10.0), (1e-3, 1e3), (1e-5, 20.0), (0.05, 1e4), (3e-3, 2e305), (100, 1e4), (0.5, 20), (2e-8, 9e-7), (90, 1100)] {
            check(Ticks.log(low, high).major, linear: false, "log \(low)…\(high)")
        }
        for (low, high) in [(0.0, 1.0), (8500, 10500), (-3.2, 4.1), (0.0, 60000), (0.37, 0.41), (-1e-3, 2e-3)] {
            check(Ticks.linear(low, high, count: 6), linear: true, "linear \(low)…\(high)")
        }
        for (name, chart) in Fixtures.all {
            let l = chart.layout()
            check(l.yTicks, linear: !chart.logY, "\(name) y")
            check(l.xTicks, linear: true, "\(name) x")
        }
    }

    /// A line that leaves a fixed range is cut at the frame, with an arrow there and a note.
    @Test func clippedRangeSaysSo() {
        var c = LineChart(title: "Loss", xLabel: "step", yLabel: "loss")
        c.logY = true
        let steps = (1...100).map(Double.init)
        c.series = [.init("exploding", x: steps, y: steps.map { 0.1 * Foundation.pow(10, $0 * 3) }),
                    .init("clipped", x: steps, y: steps.map { 0.05 + 0.01 * sin($0) })]
        c.yRange = (0.03, 0.07)
        let layout = c.layout()
        #expect(layout.exits.count == 1 && layout.exits[0].up && layout.exits[0].series == 0)
        #expect(layout.notes.first?.hasPrefix("▲") == true)
        for s in layout.segments { #expect(layout.plot.expanded(by: 1e-6).contains(s.a) && layout.plot.expanded(by: 1e-6).contains(s.b)) }
        // A series wholly beyond the range still gets its arrow.
        var beyond = c
        beyond.series[0].points = beyond.series[0].points.map { (x: $0.x, y: $0.y * 100) }
        #expect(beyond.layout().exits.count == 1)
    }

    /// An annotation's text is placed where it covers no line.
    @Test func annotationCoversNoLine() {
        var c = Fixtures.fan()
        c.annotations = [.init(x: 59, y: Foundation.pow(1.5, 59), text: "the run stops here")]
        let layout = c.layout()
        let box = layout.labels.last!
        #expect(layout.plot.contains(box))
        for s in layout.segments { #expect(!box.intersects(s.a, s.b)) }
    }

    /// Panels share the plot's left edge and stack without overlapping.
    @Test func panelsStack() {
        var top = Fixtures.seasons()
        top.xLabel = ""
        let p = Panels(title: "Two panels", panels: [top, Fixtures.fan()])
        let layouts = p.layouts()
        #expect(layouts.count == 2 && layouts[0].layout.plot.x == layouts[1].layout.plot.x)
        #expect(layouts[0].offset + layouts[0].layout.height <= layouts[1].offset)
        let parsed = SVGReader.read(p.svg)
        #expect(parsed.ok && parsed.texts.contains("Two panels") && parsed.texts.contains("Gradient norm k steps back"))
    }

    static func words() -> [(x: Double, y: Double, label: String)] {
        var state: UInt64 = 99
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        let vocabulary = ["the", "and", "to", "of", "I", "a", "was", "in", "that", "my", "it", "had", "me", "with", "as", "at", "for",
                          "but", "is", "not", "this", "we", "be", "his", "upon", "or", "into", "came", "from", "said", "there", "they",
                          "were", "which", "so", "then", "little", "on", "by", "all", "been", "seemed", "must", "could", "saw", "our",
                          "about", "time", "what", "one", "out", "up", "down", "would", "their", "its", "an", "these", "more", "some",
                          "thought", "went", "felt", "through", "could,", "like", "her", "them", "have", "you", "no", "very", "Time",
                          "me.", "me,", "The", "And", "Then", "him", "are"]
        return vocabulary.map { w in
            // Clustered near the middle, as a projection's points are.
            let r = 2.5 * next() * next(), t = 2 * Double.pi * next()
            return (r * cos(t), r * sin(t) * 0.8, w)
        }
    }

    /// No two scatter labels overlap, none covers a point, all stay inside the plot, and every
    /// label left out is counted in a note.
    @Test func scatterLabelsDoNotOverlap() {
        var s = Scatter(title: "Words", xLabel: "first", yLabel: "second")
        s.points = Self.words()
        s.groups = [("pronouns", ["I", "me", "we", "they", "his", "our", "my", "me.", "me,"]), ("verbs", ["was", "were", "came", "been"])]
        let layout = s.layout()
        #expect(layout.labels.count + layout.dropped == s.points.count)
        #expect(layout.labels.count > s.points.count / 2)
        for (i, a) in layout.labels.enumerated() {
            #expect(layout.plot.contains(a.rect), "\(a.text) leaves the plot")
            for b in layout.labels[(i + 1)...] { #expect(!a.rect.intersects(b.rect), "\(a.text) overlaps \(b.text)") }
            for p in layout.points { #expect(!a.rect.intersects(circle: p.centre, radius: p.radius), "\(a.text) covers a point") }
            if let legend = layout.legend { #expect(!a.rect.intersects(legend.rect), "\(a.text) is under the legend") }
        }
        if layout.dropped > 0 { #expect(layout.notes.contains { $0.hasPrefix("\(layout.dropped) of \(s.points.count) labels") }) }
        // The grouped points' labels are placed first: of twenty words on one spot, the three in a
        // group, listed last, keep theirs.
        var crowd = Scatter(title: "Crowd", xLabel: "x", yLabel: "y")
        crowd.points = (0..<20).map { (x: 0, y: 0, label: "word\($0)") } + [(x: -1, y: -1, label: "corner"), (x: 1, y: 1, label: "other")]
        crowd.groups = [("some", ["word17", "word18", "word19"])]
        let crowded = crowd.layout()
        #expect(Set(crowded.labels.map(\.text)).isSuperset(of: ["word17", "word18", "word19"]) && crowded.dropped > 0)
        let parsed = SVGReader.read(s.svg)
        #expect(parsed.ok && parsed.texts.contains("pronouns") && parsed.texts.contains("other"))
    }

    /// Text is large enough to read at a phone's width: the figure's design width over 400 px
    /// shrinks a tick label to at least 8 px.
    @Test func legibleAtPhoneWidth() {
        let c = Fixtures.fan()
        #expect(FontSize.tick * 400 / c.width >= 8)
        #expect(c.svg.contains("font-size=\"15\""))
    }
}

@Suite struct CommittedFigureTests {
    /// Every committed SVG parses as XML and carries a title and text labels.
    @Test func everyFigureIsWellFormedAndLabelled() throws {
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { root.deleteLastPathComponent() }
        let figures = root.appendingPathComponent("Figures")
        let svgs = (FileManager.default.enumerator(atPath: figures.path)?.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix(".svg") }
        #expect(!svgs.isEmpty)
        for path in svgs {
            let text = try String(contentsOf: figures.appendingPathComponent(path), encoding: .utf8)
            let parsed = SVGReader.read(text)
            #expect(parsed.ok && parsed.root == "svg", "\(path) is not well-formed SVG")
            #expect(parsed.texts.count >= 3, "\(path) has no title or axis labels")
            #expect(text.contains("font-weight=\"bold\""), "\(path) has no title")
        }
    }
}
