import Foundation

/// Compares a freshly generated directory of outputs with the committed one.
///
/// For every file that differs it reports a line diff (the first differing lines) and the
/// largest difference between numbers found at the same place in the two versions, so that a
/// change in the 6th significant digit reads differently from a changed table.
public enum GoldenDiff {
    public struct Report {
        public var messages: [String] = []
        public var differingFiles = 0
        public var passed: Bool { differingFiles == 0 }
    }

    /// Fails, naming every one of the two directories that is missing or not a directory, so
    /// that two missing directories never "match".
    public static func compare(expected: URL, actual: URL, maxLines: Int = 12) throws -> Report {
        var problems: [String] = []
        for (role, url) in [("expected", expected), ("actual", actual)] {
            var isDirectory: ObjCBool = false
            if !FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
                problems.append("the \(role) directory \(url.path) does not exist")
            } else if !isDirectory.boolValue {
                problems.append("the \(role) directory \(url.path) is a file, not a directory")
            }
        }
        guard problems.isEmpty else {
            throw LiterateError("cannot compare: \(problems.joined(separator: "; ")); check the paths, or generate the outputs first (run the chapter with --output DIR)")
        }
        var report = Report()
        let e = try files(in: expected), a = try files(in: actual)
        for missing in e.subtracting(a).sorted() {
            report.differingFiles += 1
            report.messages.append("\(missing): committed but not generated")
        }
        for extra in a.subtracting(e).sorted() {
            report.differingFiles += 1
            report.messages.append("\(extra): generated but not committed (run `make bless` after reading it)")
        }
        for name in e.intersection(a).sorted() {
            let x = try read(expected.appendingPathComponent(name), role: "expected")
            let y = try read(actual.appendingPathComponent(name), role: "actual")
            if x == y { continue }
            report.differingFiles += 1
            let xs = String(decoding: x, as: UTF8.self).components(separatedBy: "\n")
            let ys = String(decoding: y, as: UTF8.self).components(separatedBy: "\n")
            report.messages.append(describe(name: name, expected: xs, actual: ys, maxLines: maxLines))
        }
        return report
    }

    /// A file's bytes, or an error naming it and what is wrong with it.
    static func read(_ url: URL, role: String) throws -> Data {
        do { return try Data(contentsOf: url) } catch {
            var e = error as NSError
            while e.domain != NSPOSIXErrorDomain, let under = e.userInfo[NSUnderlyingErrorKey] as? NSError { e = under }
            let reason = e.domain == NSPOSIXErrorDomain ? String(cString: strerror(Int32(e.code)))
                : !FileManager.default.isReadableFile(atPath: url.path) ? "permission denied" : e.localizedDescription
            throw LiterateError("the \(role) file \(url.path) cannot be read: \(reason)")
        }
    }

    static func files(in dir: URL) throws -> Set<String> {
        guard let walker = FileManager.default.enumerator(atPath: dir.path) else {
            throw LiterateError("no directory \(dir.path)")
        }
        var out = Set<String>()
        for case let p as String in walker {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent(p).path, isDirectory: &isDir), !isDir.boolValue {
                out.insert(p)
            }
        }
        return out
    }

    static func describe(name: String, expected: [String], actual: [String], maxLines: Int) -> String {
        var lines = ["\(name): differs (\(expected.count) lines committed, \(actual.count) generated)"]
        var shown = 0, maxDiff = 0.0, maxAt = ""
        for i in 0..<max(expected.count, actual.count) {
            let x = i < expected.count ? expected[i] : nil, y = i < actual.count ? actual[i] : nil
            guard x != y else { continue }
            if let x, let y {
                let nx = numbers(in: x), ny = numbers(in: y)
                if nx.count == ny.count {
                    for (p, q) in zip(nx, ny) where abs(p - q) > maxDiff || (p.isNaN != q.isNaN) {
                        maxDiff = p.isNaN || q.isNaN ? .infinity : abs(p - q)
                        maxAt = "line \(i + 1): \(p) → \(q)"
                    }
                }
            }
            if shown < maxLines {
                if let x { lines.append("  \(i + 1) - \(x)") }
                if let y { lines.append("  \(i + 1) + \(y)") }
                shown += 1
            }
        }
        if shown == maxLines { lines.append("  … more differing lines not shown") }
        if maxDiff > 0 { lines.append("  largest numeric difference \(maxDiff) (\(maxAt))") }
        return lines.joined(separator: "\n")
    }

    /// Numbers in a line, in order (used only to measure differences, not to compare text).
    static func numbers(in line: String) -> [Double] {
        var out: [Double] = [], token = ""
        func flush() { if let v = Double(token) { out.append(v) }; token = "" }
        for ch in line {
            if ch.isNumber || ch == "." || ch == "-" || ch == "e" || ch == "+" { token.append(ch) } else { flush() }
        }
        flush()
        return out
    }
}
