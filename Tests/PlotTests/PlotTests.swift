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
    }

    @Test func logAxis() {
        var c = LineChart(title: "t", xLabel: "k", yLabel: "norm")
        c.logY = true
        c.series = [.init("s", x: [0, 1, 2], y: [1, 0.01, 1e-4])]
        let parsed = SVGReader.read(c.svg)
        #expect(parsed.ok)
        #expect(parsed.texts.contains("1e-4") && parsed.texts.contains("1"))
    }

    @Test func heatmapHasEveryLabel() {
        let labels = ["Arabic", "Chinese", "Czech"]
        let h = Heatmap(title: "Confusion", rowLabels: labels, columnLabels: labels,
                        values: [[1, 0, 0], [0.5, 0.5, 0], [0, 0.25, 0.75]],
                        rowAxisLabel: "true language", columnAxisLabel: "predicted language")
        let parsed = SVGReader.read(h.svg)
        #expect(parsed.ok)
        #expect(parsed.texts.filter { labels.contains($0) }.count == 6)
        #expect(parsed.texts.contains("true language (rows)") && parsed.texts.contains("predicted language (columns)"))
        #expect(Heatmap.colour(0) == "#ffffff" && Heatmap.colour(1) == "#08306b")
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
