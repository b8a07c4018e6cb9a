import Foundation

/// Marked regions of source files, the only place a chapter's code listings come from.
///
/// A region starts at a line `// snippet.NAME` and ends at the next `// snippet.end`. Marker lines
/// never appear in a listing, and the region's common indentation is removed.
public struct SourceRegions {
    /// `path#name` → the region's lines.
    public private(set) var regions: [String: [String]] = [:]

    public init() {}

    /// Reads every `.swift` file under `directories` (paths relative to `root`).
    public init(root: URL, directories: [String]) throws {
        let fm = FileManager.default
        for dir in directories {
            let base = root.appendingPathComponent(dir)
            guard let walker = fm.enumerator(atPath: base.path) else { continue }
            for case let relative as String in walker where relative.hasSuffix(".swift") {
                let path = dir + "/" + relative
                guard let data = try? Data(contentsOf: root.appendingPathComponent(path)),
                      let text = String(data: data, encoding: .utf8) else {
                    throw LiterateError("source file \(path) cannot be read as UTF-8 text; fix it (listings are read from every .swift file under \(dir)/)")
                }
                try add(path: path, text: text)
            }
        }
    }

    public mutating func add(path: String, text: String) throws {
        var open: (name: String, lines: [String], line: Int)? = nil
        for (n, line) in text.components(separatedBy: "\n").enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("// snippet.") {
                let name = String(trimmed.dropFirst("// snippet.".count))
                if name == "end" {
                    guard let region = open else { throw LiterateError("\(path):\(n + 1): snippet.end without a start") }
                    regions["\(path)#\(region.name)"] = Self.dedent(region.lines)
                    open = nil
                } else {
                    if let region = open { throw LiterateError("\(path):\(n + 1): snippet.\(name) inside snippet.\(region.name)") }
                    if regions["\(path)#\(name)"] != nil { throw LiterateError("\(path):\(n + 1): region \(name) defined twice") }
                    open = (name, [], n + 1)
                }
            } else if open != nil {
                open!.lines.append(line)
            }
        }
        if let region = open { throw LiterateError("\(path):\(region.line): snippet.\(region.name) is never closed") }
    }

    static func dedent(_ lines: [String]) -> [String] {
        let indents = lines.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            .map { $0.prefix(while: { $0 == " " }).count }
        let cut = indents.min() ?? 0
        return lines.map { $0.count >= cut ? String($0.dropFirst(cut)) : "" }
    }
}

public struct LiterateError: Error, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}
