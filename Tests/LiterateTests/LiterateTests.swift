import Foundation
import Testing
@testable import Literate

@Suite struct LiterateTests {
    let source = """
        struct A {
            // snippet.forward
            func f() -> Int {
                1
            }
            // snippet.end
        }
        """

    func sync() throws -> ChapterSync {
        var regions = SourceRegions()
        try regions.add(path: "Sources/A.swift", text: source)
        let files = ["c/summary.csv": "metric,value\naccuracy,0.8234\ncount,20074\n", "c/t.csv": "a,b\n1,\"x,y\"\n",
                     "c/out.txt": "line 1\nline 2\n"]
        return ChapterSync(regions: regions) { path in
            guard let f = files[path] else { throw LiterateError("missing \(path)") }
            return f
        }
    }

    @Test func regionsAreDedentedAndMarkersDropped() throws {
        var r = SourceRegions()
        try r.add(path: "A.swift", text: source)
        #expect(r.regions["A.swift#forward"] == ["func f() -> Int {", "    1", "}"])
    }

    @Test func numberedChaptersRefuseFastCodeInListingsAndAppendicesAllowIt() throws {
        var regions = SourceRegions()
        try regions.add(path: "Sources/Fast.swift", text: """
            // snippet.kernel
            x.withUnsafeBufferPointer { p in p.baseAddress! }
            // snippet.end
            // snippet.vector
            let v = SIMD4<Double>()
            // snippet.end
            """)
        var s = ChapterSync(regions: regions) { _ in "" }
        for region in ["kernel", "vector"] {
            let text = "<!-- listing: Sources/Fast.swift#\(region) -->\n<!-- /listing -->\n"
            #expect(throws: LiterateError.self) { try s.render(text, chapter: "Chapters/05-bptt.md") }
            let appendix = try s.render(text, chapter: "Chapters/A-speed.md")
            #expect(appendix.contains("```swift"))
        }
    }

    @Test func listingLinesWiderThan96CharactersAreErrorsInEveryChapter() throws {
        // Indented in the source (the region is dedented first), and with a character that takes
        // three bytes in UTF-8: the width counts characters as a reader sees them.
        func region(width: Int) -> String {
            let comment = " // ∂L/∂h" + String(repeating: "·", count: width - "let a = 1 // ∂L/∂h".count)
            return "    // snippet.wide\n    let a = 1\(comment)\n    // snippet.end\n"
        }
        let text = "<!-- listing: Sources/W.swift#wide -->\n<!-- /listing -->\n"
        for chapter in ["Chapters/05-bptt.md", "Chapters/A-speed.md"] {
            var fits = SourceRegions()
            try fits.add(path: "Sources/W.swift", text: region(width: 96))
            #expect(fits.regions["Sources/W.swift#wide"]?.map(\.count) == [96])
            var s = ChapterSync(regions: fits) { _ in "" }
            #expect(try s.render(text, chapter: chapter).contains("```swift\nlet a = 1 // ∂L/∂h"))

            var wide = SourceRegions()
            try wide.add(path: "Sources/W.swift", text: region(width: 97))
            let line = try #require(wide.regions["Sources/W.swift#wide"]?.first)
            #expect(line.count == 97)
            s = ChapterSync(regions: wide) { _ in "" }
            let error = #expect(throws: LiterateError.self) { try s.render("Intro.\n" + text, chapter: chapter) }
            let message = error?.description ?? ""
            #expect(message.hasPrefix("\(chapter):2: listing Sources/W.swift#wide has a line of 97 characters"))
            #expect(message.contains("'\(line)'"))
        }
    }

    @Test func valuesMustNotBreakSentencesOrSitInCodeSpans() throws {
        var s = try sync()
        let fine = "Accuracy is <!-- value: c/summary.csv#accuracy percent1 -->x<!-- /value --> on test.\n"
        #expect(try s.render(fine, chapter: "ch.md").contains(">82.3%<"))
        let startsALine = "Accuracy is\n<!-- value: c/summary.csv#accuracy percent1 -->x<!-- /value --> on test.\n"
        #expect(throws: LiterateError.self) { try s.render(startsALine, chapter: "ch.md") }
        let indented = "- item\n  <!-- /value --> text\n"
        #expect(throws: LiterateError.self) { try s.render(indented, chapter: "ch.md") }
        let inCode = "It prints `<!-- value: c/summary.csv#count int -->x<!-- /value -->` here.\n"
        #expect(throws: LiterateError.self) { try s.render(inCode, chapter: "ch.md") }
        let inFence = "```text\n<!-- value: c/summary.csv#count int -->x<!-- /value -->\n```\n"
        #expect(try s.render(inFence, chapter: "ch.md").contains("20,074"))
        #expect(ChapterSync.codeSpans("a `b` c ``d ` e`` f") == ["b", "d ` e"])
        let quoteStartsALine = "It printed\n<!-- quote: the tutorial -->0.2016<!-- /quote --> last.\n"
        #expect(throws: LiterateError.self) { try s.render(quoteStartsALine, chapter: "ch.md") }
        let dashes = "It printed <!-- quote: run with --data DIR -->0.2016<!-- /quote --> last.\n"
        #expect(throws: LiterateError.self) { try s.render(dashes, chapter: "ch.md") }
    }

    @Test func blocksInsideAListItemKeepItsIndentation() throws {
        var s = try sync()
        let text = "1. First:\n\n   <!-- output: c/out.txt -->\n   <!-- /output -->\n2. Second.\n"
        let out = try s.render(text, chapter: "ch.md")
        #expect(out.contains("   <!-- output: c/out.txt -->\n   ```text\n   line 1\n   line 2\n   ```\n   <!-- /output -->"))
    }

    @Test func longOutputLinesAreWrappedAtASpaceAndIndented() throws {
        #expect(ChapterSync.wrapped("short line", width: 20) == ["short line"])
        #expect(ChapterSync.wrapped("  the time traveller was here", width: 13)
                == ["  the time", "    traveller", "    was here"])
        // a space right after the room still breaks; a word wider than the room is cut
        #expect(ChapterSync.wrapped("abcde fgh", width: 5) == ["abcde", "  fgh"])
        #expect(ChapterSync.wrapped("abcdefghij", width: 4) == ["abcd", "  ef", "  gh", "  ij"])
        #expect(ChapterSync.wrapped("a bcdefghijklmnop qr", width: 10) == ["a", "  bcdefghi", "  jklmnop", "  qr"])
        // an indentation wider than half the page: the continuation keeps half of it
        #expect(ChapterSync.wrapped(String(repeating: " ", count: 8) + "xx yy", width: 10)
                == [String(repeating: " ", count: 8) + "xx", String(repeating: " ", count: 7) + "yy"])
        for line in ["  the time traveller was here", "a  b   c d e  f", String(repeating: "ab ", count: 70)] {
            let pieces = ChapterSync.wrapped(line, width: 14)                // no word is cut
            #expect(pieces.allSatisfy { $0.count <= 14 })
            // each continuation's two extra spaces stand for the space at its break
            let indent = String(line.prefix { $0 == " " })
            let rejoined = pieces.dropFirst().reduce(pieces[0]) { $0 + " " + $1.dropFirst(indent.count + 2) }
            #expect(rejoined == line)
        }
        var s = try sync()
        let files = ["c/long.txt": "short\n" + String(repeating: "word ", count: 30) + "end\n"]
        s = ChapterSync(regions: s.regions) { files[$0]! }
        let out = try s.render("<!-- output: c/long.txt -->\n<!-- /output -->\n", chapter: "ch.md")
        let lines = out.components(separatedBy: "\n")
        #expect(lines.allSatisfy { $0.count <= ChapterSync.listingWidth })
        // the block holds the short line, then the long one's pieces, which give it back
        let block = Array(lines.drop { $0 != "```text" }.dropFirst().prefix { $0 != "```" })
        #expect(block.first == "short" && block.count > 2)
        #expect(block.dropFirst(2).reduce(block[1]) { $0 + " " + $1.dropFirst(2) } == String(repeating: "word ", count: 30) + "end")
    }

    @Test func numbersInProseMustBeGeneratedQuotedOrCode() throws {
        var s = try sync()
        let fine = """
            Accuracy is <!-- value: c/summary.csv#accuracy percent1 -->x<!-- /value -->; the tutorial
            printed <!-- quote: PyTorch's tutorial -->0.2016<!-- /quote --> as its final loss, at `lr = 0.005`, as
            section 5.3 shows, with $`\\sigma(0.5)`$ and no typed number.

            | a | 0.5 |
            ```text
            1.25
            ```
            """
        _ = try s.render(fine, chapter: "ch.md")
        for planted in ["It reaches 82.3% accuracy.", "The loss falls to 0.2016 here.", "A loss of .5 and 12 % more."] {
            #expect(throws: LiterateError.self, "\(planted)") { try s.render(planted + "\n", chapter: "ch.md") }
        }
        do { _ = try s.render("First 1.5, then 2.25.\n", chapter: "ch.md") } catch {
            #expect("\(error)".contains("ch.md:1: '1.5'") && "\(error)".contains("ch.md:1: '2.25'"), "\(error)")
        }
    }

    @Test func tablesShowTheColumnsAskedForUnderTheirHeaders() throws {
        var s = try sync()
        let text = "<!-- table: c/summary.csv | value:percent1=Value | metric=What -->\n<!-- /table -->\n"
        let out = try s.render(text, chapter: "ch.md")
        #expect(out.contains("| Value | What |\n| --- | --- |\n| 82.3% | accuracy |\n| 2007400.0% | count |"), "\(out)")
        #expect(throws: LiterateError.self) { try s.render("<!-- table: c/summary.csv | nope -->\n<!-- /table -->\n", chapter: "ch.md") }
    }

    @Test func valueFormatsGroupThousands() throws {
        #expect(try ValueFormat.apply("grouped1", to: "4799.73", where: "t") == "4,799.7")
        #expect(try ValueFormat.apply("grouped1", to: "0", where: "t") == "0.0")
        #expect(try ValueFormat.apply("grouped1", to: "-1234567.75", where: "t") == "-1,234,567.8")
        #expect(try ValueFormat.apply("int", to: "20074", where: "t") == "20,074")
        #expect(throws: LiterateError.self) { try ValueFormat.apply("grouped1", to: "x", where: "t") }
    }

    @Test func badRegionsAreErrors() {
        var r = SourceRegions()
        #expect(throws: LiterateError.self) { try r.add(path: "B.swift", text: "// snippet.x\nlet a = 1\n") }
        #expect(throws: LiterateError.self) { try r.add(path: "C.swift", text: "// snippet.end\n") }
    }

    @Test func rendersListingsOutputsTablesAndValues() throws {
        var s = try sync()
        let chapter = """
            Accuracy <!-- value: c/summary.csv#accuracy percent1 -->old<!-- /value --> on <!-- value: c/summary.csv#count int -->?<!-- /value --> names.
            <!-- listing: Sources/A.swift#forward -->
            stale
            <!-- /listing -->
            <!-- output: c/out.txt -->
            <!-- /output -->
            <!-- table: c/t.csv -->
            <!-- /table -->
            """
        let out = try s.render(chapter, chapter: "x.md")
        #expect(out.contains("Accuracy <!-- value: c/summary.csv#accuracy percent1 -->82.3%<!-- /value --> on"))
        #expect(out.contains("-->20,074<!-- /value --> names."))
        #expect(out.contains("```swift\nfunc f() -> Int {\n    1\n}\n```"))
        #expect(!out.contains("stale"))
        #expect(out.contains("```text\nline 1\nline 2\n```"))
        #expect(out.contains("| a | b |\n| --- | --- |\n| 1 | x,y |"))
        #expect(s.used == ["Sources/A.swift#forward"])
        // Rendering is idempotent: a synced chapter is unchanged by another sync.
        #expect(try s.render(out, chapter: "x.md") == out)
    }

    @Test func unknownRegionsRowsAndFormatsAreErrors() throws {
        var s = try sync()
        for bad in ["<!-- listing: Sources/A.swift#nope -->\n<!-- /listing -->",
                    "<!-- value: c/summary.csv#nope percent1 -->x<!-- /value -->",
                    "<!-- value: c/summary.csv#accuracy pct -->x<!-- /value -->",
                    "<!-- output: c/missing.txt -->\n<!-- /output -->",
                    "<!-- listing: Sources/A.swift#forward -->\nno end marker"] {
            #expect(throws: LiterateError.self) { try s.render(bad, chapter: "x.md") }
        }
    }

    @Test func goldenDiffReportsLinesAndLargestNumber() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("golden-\(UUID().uuidString)")
        let a = root.appendingPathComponent("a"), b = root.appendingPathComponent("b")
        defer { try? FileManager.default.removeItem(at: root) }
        for d in [a, b] { try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true) }
        try "x,1.5\ny,2\n".write(to: a.appendingPathComponent("s.csv"), atomically: true, encoding: .utf8)
        try "x,1.25\ny,2\n".write(to: b.appendingPathComponent("s.csv"), atomically: true, encoding: .utf8)
        try "same\n".write(to: a.appendingPathComponent("t.txt"), atomically: true, encoding: .utf8)
        let report = try GoldenDiff.compare(expected: a, actual: b)
        #expect(!report.passed)
        let text = report.messages.joined(separator: "\n")
        #expect(text.contains("1 - x,1.5") && text.contains("1 + x,1.25"))
        #expect(text.contains("largest numeric difference 0.25"))
        #expect(text.contains("t.txt: committed but not generated"))
        try "same\n".write(to: b.appendingPathComponent("t.txt"), atomically: true, encoding: .utf8)
        try "x,1.5\ny,2\n".write(to: b.appendingPathComponent("s.csv"), atomically: true, encoding: .utf8)
        #expect(try GoldenDiff.compare(expected: a, actual: b).passed)
    }
}
