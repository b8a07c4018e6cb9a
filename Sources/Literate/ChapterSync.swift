import Foundation

/// Fills a chapter's generated blocks from the real sources and the generated outputs.
///
/// Markers (HTML comments, invisible when the Markdown is rendered):
///
/// - `<!-- listing: PATH#REGION -->` … `<!-- /listing -->`: a Swift code block holding the region.
///   No line of it may be wider than `listingWidth` characters (GitHub cuts off the rest).
/// - `<!-- output: FILE -->` … `<!-- /output -->`: a text block holding a generated file. A line
///   wider than `listingWidth` is shown wrapped at a space, its continuation indented further
///   than the line itself (`wrapped`); the file keeps it whole.
/// - `<!-- table: FILE.csv -->` … `<!-- /table -->`: a generated CSV as a Markdown table.
/// - `<!-- value: FILE.csv#ROW[@COLUMN] FORMAT -->TEXT<!-- /value -->`, inline: one number of a
///   generated CSV (the row whose first field is `ROW`; the second column unless `@COLUMN`),
///   formatted by `FORMAT` (`percent0`, `percent1`, `percent2`, `fixed1` … `fixed4`, `sci1`,
///   `sci2`, `int`, `raw`).
///
/// FILE paths are relative to the outputs directory (`Figures/`).
public struct ChapterSync {
    public let regions: SourceRegions
    /// Reads a generated file by its path relative to `Figures/`.
    public let readOutput: (String) throws -> String
    /// `path#region` keys that some chapter used.
    public private(set) var used: Set<String> = []

    public init(regions: SourceRegions, readOutput: @escaping (String) throws -> String) {
        self.regions = regions
        self.readOutput = readOutput
    }

    /// The chapter with every generated block refreshed.
    public mutating func render(_ text: String, chapter: String) throws -> String {
        try Self.checkMarkersKeepSentences(text, chapter: chapter)
        try Self.checkNumbersInProse(text, chapter: chapter)
        let withValues = try renderValues(text, chapter: chapter)
        var out: [String] = []
        let lines = withValues.components(separatedBy: "\n")
        var i = 0
        while i < lines.count {
            let line = lines[i]
            out.append(line)
            guard let (kind, argument) = Self.blockMarker(line) else { i += 1; continue }
            let end = "<!-- /\(kind) -->"
            guard let close = lines[(i + 1)...].firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == end }) else {
                throw LiterateError("\(chapter):\(i + 1): \(kind) marker without \(end)")
            }
            // a block inside a list item keeps the item's indentation, so that it does not end the list
            let indent = String(line.prefix { $0 == " " })
            out += try block(kind: kind, argument: argument, chapter: chapter, line: i + 1).map { $0.isEmpty ? $0 : indent + $0 }
            out.append(lines[close])
            i = close + 1
        }
        return out.joined(separator: "\n")
    }

    /// A value must sit inside its sentence as GitHub renders it. A line that begins with `<!--`
    /// starts an HTML block, which ends the paragraph there and shows the rest of the line as raw
    /// HTML; and inside a code span a marker is shown as it is written. Either is an error that
    /// names the line.
    static func checkMarkersKeepSentences(_ text: String, chapter: String) throws {
        var fenced = false
        var paragraph: [String] = [], start = 0    // a code span may run over the lines of a paragraph
        func checkCodeSpans() throws {
            defer { paragraph = [] }
            for span in codeSpans(paragraph.joined(separator: " ")) where span.contains("<!-- value") || span.contains("<!-- /value") {
                throw LiterateError("\(chapter):\(start + 1): a value marker inside a code span is shown as written; put the value outside the backticks (or in <code>…</code>)")
            }
        }
        for (n, line) in text.components(separatedBy: "\n").enumerated() {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.hasPrefix("```") { try checkCodeSpans(); fenced.toggle(); continue }
            guard !fenced else { continue }
            if t.isEmpty { try checkCodeSpans(); continue }
            if paragraph.isEmpty { start = n }
            paragraph.append(line)
            for inner in commentTexts(line) where inner.contains("--") {
                throw LiterateError("\(chapter):\(n + 1): '<!--\(inner)-->' holds '--', which ends an HTML comment early on GitHub and shows the rest as text; write it another way")
            }
            if ["<!-- value", "<!-- /value", "<!-- quote", "<!-- /quote"].contains(where: { t.hasPrefix($0) }) {
                throw LiterateError("\(chapter):\(n + 1): the line begins with a value marker, which ends the paragraph on GitHub (a line that begins with `<!--` is an HTML block); move the word before it onto this line")
            }
        }
        try checkCodeSpans()
    }

    /// Numbers in prose come from somewhere a reader can check. A number with a decimal point or
    /// a percent sign in a paragraph or list item must be generated (`<!-- value: … -->`), or be a
    /// quotation of a named outside source (`<!-- quote: SOURCE -->…<!-- /quote -->`), or be a
    /// setting written as code (`` `lr = 0.005` ``). Code blocks, math, tables, headings and
    /// section numbers (`section 5.3`, `§5.3`) are not prose. Every number that is none of these
    /// is reported, with its line.
    static func checkNumbersInProse(_ text: String, chapter: String) throws {
        var problems: [String] = [], fence: String? = nil
        let number = try NSRegularExpression(pattern: #"(?<![\w.\-^])\d+(?:\.\d+)?\s?%|(?<![\w.^])\d*\.\d+(?!\w|\.\d)"#)
        let exempt = try NSRegularExpression(pattern: #"(?:[Ss]ections?|§|[Cc]hapters?|Appendix|Swift|PyTorch|Python|version)\s*$"#)
        for (n, raw) in text.components(separatedBy: "\n").enumerated() {
            let t = raw.trimmingCharacters(in: .whitespaces)
            if let f = fence {
                if t.hasPrefix(f) { fence = nil }
                continue
            }
            if t.hasPrefix("```") { fence = "```"; continue }
            if t.hasPrefix("$$") { if !(t.count > 2 && t.hasSuffix("$$")) { fence = "$$" }; continue }
            if t.hasPrefix("|") || t.hasPrefix("#") { continue }
            var line = raw
            for pattern in [#"<!-- value: .*?<!-- /value -->"#, #"<!-- quote: .*?<!-- /quote -->"#, #"<!--.*?-->"#,
                            #"`+[^`]*`+"#, #"\$[^$]+\$"#, #"\]\([^)]*\)"#, #"<[^>]*>"#] {
                line = line.replacingOccurrences(of: pattern, with: " ", options: .regularExpression)
            }
            let ns = line as NSString
            for m in number.matches(in: line, range: NSRange(location: 0, length: ns.length)) {
                let before = ns.substring(to: m.range.location)
                if exempt.firstMatch(in: before, range: NSRange(location: 0, length: (before as NSString).length)) != nil { continue }
                problems.append("\(chapter):\(n + 1): '\(ns.substring(with: m.range))'")
            }
        }
        guard problems.isEmpty else {
            throw LiterateError(problems.joined(separator: "\n") + "\n\(problems.count) number(s) typed into prose: generate each with a value marker, mark a quotation with <!-- quote: SOURCE -->…<!-- /quote -->, or write a setting as code")
        }
    }

    /// The text inside each `<!-- … -->` of a line that lies outside code spans.
    static func commentTexts(_ line: String) -> [Substring] {
        var rest = Substring(line.replacingOccurrences(of: #"`+[^`]*`+"#, with: "", options: .regularExpression)), out: [Substring] = []
        while let open = rest.range(of: "<!--"), let close = rest[open.upperBound...].range(of: "-->") {
            out.append(rest[open.upperBound..<close.lowerBound])
            rest = rest[close.upperBound...]
        }
        return out
    }

    /// The contents of the inline code spans of a line: text between two runs of the same number
    /// of backticks.
    static func codeSpans(_ line: String) -> [Substring] {
        var spans: [Substring] = [], i = line.startIndex
        while let open = line[i...].firstIndex(of: "`") {
            let run = line[open...].prefix { $0 == "`" }
            var search = run.endIndex, found: Range<String.Index>? = nil
            while let r = line[search...].range(of: String(run)) {
                let after = line[r.upperBound...].first
                let before = r.lowerBound > line.startIndex ? line[line.index(before: r.lowerBound)] : " "
                if after != "`" && before != "`" { found = r; break }
                search = line[r.upperBound...].firstIndex { $0 != "`" } ?? line.endIndex
            }
            guard let close = found else { break }
            spans.append(line[run.endIndex..<close.lowerBound])
            i = close.upperBound
        }
        return spans
    }

    static func blockMarker(_ line: String) -> (String, String)? {
        let t = line.trimmingCharacters(in: .whitespaces)
        for kind in ["listing", "output", "table"] where t.hasPrefix("<!-- \(kind): ") && t.hasSuffix(" -->") {
            let arg = t.dropFirst("<!-- \(kind): ".count).dropLast(" -->".count)
            return (kind, arg.trimmingCharacters(in: .whitespaces))
        }
        return nil
    }

    mutating func block(kind: String, argument: String, chapter: String, line: Int) throws -> [String] {
        switch kind {
        case "listing":
            guard let code = regions.regions[argument] else {
                throw LiterateError("\(chapter):\(line): unknown listing region '\(argument)' (regions are marked `// snippet.NAME` … `// snippet.end`)")
            }
            used.insert(argument)
            if let token = Self.fastCode(in: code, chapter: chapter) {
                throw LiterateError("\(chapter):\(line): listing \(argument) shows '\(token)': the numbered chapters list the reference implementation (Sources/Reference); fast code belongs in the appendix on speed")
            }
            if let (number, wide) = Self.tooWide(code) {
                throw LiterateError("\(chapter):\(line): listing \(argument) has a line of \(wide.count) characters (line \(number) of the listing), wider than the \(Self.listingWidth) a code block shows on GitHub; wrap it in the source: '\(wide)'")
            }
            return ["```swift"] + code + ["```"]
        case "output":
            let text = try readOutput(argument)
            var body = text.components(separatedBy: "\n")
            if body.last == "" { body.removeLast() }
            return ["```text"] + body.flatMap { Self.wrapped($0) } + ["```"]
        default:
            return try table(argument, chapter: chapter, line: line)
        }
    }

    /// A generated CSV as a Markdown table. `FILE.csv` alone shows every column as it is;
    /// `FILE.csv | column[:format][=Header] | …` shows only the columns named, in that order, under
    /// the headers given (in words, for a reader), their numbers through `format` (as in a value
    /// marker); a field that is not a number is shown as it is.
    func table(_ argument: String, chapter: String, line: Int) throws -> [String] {
        let parts = argument.components(separatedBy: " | ").map { $0.trimmingCharacters(in: .whitespaces) }
        let file = parts[0]
        let rows = CSV.parse(try readOutput(file))
        guard let header = rows.first else { throw LiterateError("\(chapter):\(line): \(file) is empty") }
        // (index of the column, header shown, format)
        var columns: [(index: Int, title: String, format: String?)] = header.indices.map { ($0, header[$0], nil) }
        if parts.count > 1 {
            columns = try parts.dropFirst().map { spec in
                let (left, title) = spec.split(separator: "=", maxSplits: 1).map(String.init).splitTitle()
                let pieces = left.split(separator: ":", maxSplits: 1).map(String.init)
                guard let index = header.firstIndex(of: pieces[0]) else {
                    throw LiterateError("\(chapter):\(line): \(file) has no column '\(pieces[0])' (it has \(header.joined(separator: ", ")))")
                }
                return (index, title ?? pieces[0], pieces.count > 1 ? pieces[1] : nil)
            }
        }
        var table = ["| " + columns.map(\.title).joined(separator: " | ") + " |", "|" + columns.map { _ in " --- |" }.joined()]
        for row in rows.dropFirst() {
            let cells = try columns.map { c -> String in
                let field = c.index < row.count ? row[c.index] : ""
                guard let format = c.format, Double(field) != nil else { return field }
                return try ValueFormat.apply(format, to: field, where: "\(chapter):\(line): \(file)")
            }
            table.append("| " + cells.joined(separator: " | ") + " |")
        }
        return table
    }

    /// What marks fast code: pointers, vector types, bit casts and forced inlining. The numbered
    /// chapters (`Chapters/01-…` to `06-…`) list none of it; only the appendices (`Chapters/A-…`),
    /// written for readers who want the speed story, may.
    public static let fastCodeTokens = ["withUnsafe", "baseAddress", "Unsafe", "SIMD", "unsafeBitCast", "@inline"]

    /// The first fast-code token in a listing of a numbered chapter, if any.
    static func fastCode(in code: [String], chapter: String) -> String? {
        let file = chapter.split(separator: "/").last.map(String.init) ?? chapter
        guard file.first?.isNumber == true else { return nil }
        return fastCodeTokens.first { token in code.contains { $0.contains(token) } }
    }

    /// The widest line of a listing, in characters, that GitHub shows without cutting it off.
    public static let listingWidth = 96

    /// `line` as lines of at most `width` characters: each break replaces the last space that
    /// leaves the line short enough (or, with no such space, falls at `width`), and every
    /// continuation starts with the line's own indentation (at most half the width) and two more
    /// spaces. Nothing else changes: joining the pieces at the breaks gives the line back.
    static func wrapped(_ line: String, width: Int = listingWidth) -> [String] {
        let indent = line.prefix { $0 == " " }.count
        let continuation = String(repeating: " ", count: min(indent, width / 2) + 2)
        guard line.count > width, continuation.count < width else { return [line] }
        var pieces: [String] = [], rest = Substring(line), prefix = ""
        while prefix.count + rest.count > width {
            let room = width - prefix.count
            let head = rest.prefix(room + 1)                 // a space just past the room may break
            // (never inside the first line's indentation, nor at the start of a continuation)
            if let space = head.dropFirst(prefix.isEmpty ? indent : 0).lastIndex(of: " "), space > rest.startIndex {
                pieces.append(prefix + rest[..<space])
                rest = rest[rest.index(after: space)...]
            } else {
                let end = rest.index(rest.startIndex, offsetBy: room)
                pieces.append(prefix + rest[..<end])
                rest = rest[end...]
            }
            prefix = continuation
        }
        return pieces + [prefix + rest]
    }

    /// The first line of a listing (its number, from 1, and its text) that is wider than
    /// `listingWidth` characters, if any. The region is already dedented, so this is the width
    /// a reader sees. It applies to every chapter, the appendices too.
    static func tooWide(_ code: [String]) -> (Int, String)? {
        code.enumerated().first { $0.element.count > listingWidth }.map { ($0.offset + 1, $0.element) }
    }

    /// Replaces the text of every inline value marker.
    func renderValues(_ text: String, chapter: String) throws -> String {
        let open = "<!-- value: ", close = "<!-- /value -->"
        var out = "", rest = Substring(text)
        while let start = rest.range(of: open) {
            out += rest[..<start.lowerBound]
            guard let markerEnd = rest[start.upperBound...].range(of: " -->"),
                  let closing = rest[markerEnd.upperBound...].range(of: close) else {
                throw LiterateError("\(chapter): unterminated value marker near '\(rest[start.lowerBound...].prefix(60))'")
            }
            let spec = String(rest[start.upperBound..<markerEnd.lowerBound])
            out += open + spec + " -->" + (try value(spec, chapter: chapter)) + close
            rest = rest[closing.upperBound...]
        }
        return out + rest
    }

    func value(_ spec: String, chapter: String) throws -> String {
        let parts = spec.split(separator: " ").map(String.init)
        guard parts.count == 2, let hash = parts[0].firstIndex(of: "#") else {
            throw LiterateError("\(chapter): value marker '\(spec)' should read FILE.csv#ROW[@COLUMN] FORMAT")
        }
        let file = String(parts[0][..<hash])
        var key = String(parts[0][parts[0].index(after: hash)...]), column: String? = nil
        if let at = key.firstIndex(of: "@") {
            column = String(key[key.index(after: at)...])
            key = String(key[..<at])
        }
        let rows = CSV.parse(try readOutput(file))
        guard let header = rows.first else { throw LiterateError("\(chapter): \(file) is empty") }
        let col = try column.map { c in
            guard let i = header.firstIndex(of: c) else { throw LiterateError("\(chapter): \(file) has no column '\(c)'") }
            return i
        } ?? 1
        guard let row = rows.dropFirst().first(where: { $0.first == key }) else {
            throw LiterateError("\(chapter): \(file) has no row '\(key)'")
        }
        return try ValueFormat.apply(parts[1], to: row[col], where: "\(chapter): \(spec)")
    }
}

extension Array where Element == String {
    /// `["column:format", "Header"]` → `("column:format", "Header")`; no header → `nil`.
    fileprivate func splitTitle() -> (String, String?) { (self[0], count > 1 ? self[1] : nil) }
}

enum ValueFormat {
    static func apply(_ format: String, to field: String, where context: String) throws -> String {
        if format == "raw" { return field }
        guard let x = Double(field) else { throw LiterateError("\(context): '\(field)' is not a number") }
        func fixed(_ v: Double, _ d: Int) -> String {
            let s = String(format: "%.\(d)f", v)
            return s.hasPrefix("-") && Double(s) == 0 ? String(s.dropFirst()) : s
        }
        switch format {
        case "percent0": return fixed(100 * x, 0) + "%"
        case "percent1": return fixed(100 * x, 1) + "%"
        case "percent2": return fixed(100 * x, 2) + "%"
        case "fixed0": return fixed(x, 0)
        case "fixed1": return fixed(x, 1)
        case "fixed2": return fixed(x, 2)
        case "fixed3": return fixed(x, 3)
        case "fixed4": return fixed(x, 4)
        case "sci1": return String(format: "%.1e", x)
        case "sci2": return String(format: "%.2e", x)
        case "int":
            guard x == x.rounded() else { throw LiterateError("\(context): '\(field)' is not an integer") }
            return grouped(fixed(x, 0))
        case "grouped1": return grouped(fixed(x, 1))      // 4,799.7
        default: throw LiterateError("\(context): unknown format '\(format)'")
        }
    }

    /// `s` (a number as `fixed` writes it) with its whole part in groups of three digits.
    static func grouped(_ s: String) -> String {
        let negative = s.hasPrefix("-"), body = negative ? String(s.dropFirst()) : s
        let parts = body.split(separator: ".", maxSplits: 1)
        let whole = String(parts[0])
        var out = ""
        for (i, ch) in whole.enumerated() {
            if i > 0 && (whole.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return (negative ? "-" : "") + out + (parts.count > 1 ? "." + parts[1] : "")
    }
}

/// A small CSV reader for the files the book writes (quoted fields allowed).
public enum CSV {
    public static func parse(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = "", quoted = false
        var chars = Array(text)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" { field.append("\""); chars.removeFirst() } else { quoted = false }
                } else { field.append(c) }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                row.append(field); field = ""
            } else if c == "\n" {
                row.append(field); rows.append(row); row = []; field = ""
            } else {
                field.append(c)
            }
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }
}
