import Foundation

/// The one number formatter behind every CSV, table and figure label in the book.
///
/// Fixed significant digits, C `printf` rules (the same on every platform), negative zero written
/// as zero, and `nan`/`inf` spelled out so a diverged run is visible rather than hidden.
public enum Format {
    /// `x` with `digits` significant digits (`%.{digits}g`).
    public static func number(_ x: Double, digits: Int = 6) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        if x == 0 { return "0" }
        return clean(String(format: "%.\(digits)g", x))
    }

    /// `x` with exactly `decimals` digits after the point (`%.{decimals}f`).
    public static func fixed(_ x: Double, decimals: Int) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        return clean(String(format: "%.\(decimals)f", x))
    }

    /// A fraction as a percentage with `decimals` digits after the point, without the `%` sign.
    public static func percent(_ fraction: Double, decimals: Int = 1) -> String {
        fixed(100 * fraction, decimals: decimals)
    }

    /// An integer with thousands separators: `20074` → `20,074`.
    public static func grouped(_ n: Int) -> String {
        let s = String(n.magnitude)
        var out = ""
        for (i, ch) in s.enumerated() {
            if i > 0 && (s.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return n < 0 ? "-" + out : out
    }

    /// Removes the sign of a formatted zero (`-0.00` → `0.00`).
    static func clean(_ s: String) -> String {
        if s.hasPrefix("-"), s.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) { return String(s.dropFirst()) }
        return s
    }
}

/// A CSV table built row by row; fields with commas or quotes are quoted.
public struct CSVTable {
    public let header: [String]
    public private(set) var rows: [[String]] = []

    public init(_ header: [String]) { self.header = header }

    public mutating func append(_ fields: [String]) {
        precondition(fields.count == header.count, "CSV row has \(fields.count) fields, header has \(header.count)")
        rows.append(fields)
    }

    public var text: String {
        func quote(_ f: String) -> String {
            f.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
                ? "\"" + f.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : f
        }
        return ([header] + rows).map { $0.map(quote).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }
}
