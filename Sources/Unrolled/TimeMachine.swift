import Foundation

/// H. G. Wells' *The Time Machine* as a sequence of characters, with d2l's preprocessing: every
/// run of characters other than `A-Z a-z` becomes one space, then everything is lower-cased,
/// leaving 27 symbols (`a` … `z` and space).
public struct TimeMachineText {
    /// `a` … `z`, then space: index = symbol.
    public static let alphabet: [Character] = Array("abcdefghijklmnopqrstuvwxyz ")
    /// The preprocessed text as symbol indices.
    public let symbols: [Int]
    /// The file as it is, every character kept (min-char-rnn reads this).
    public let raw: String

    public init(dataDirectory: URL) throws {
        let data = try Dataset.timeMachine.read("timemachine.txt", from: dataDirectory)
        guard let text = String(data: data, encoding: .utf8) else { throw UnrolledError("timemachine.txt is not UTF-8") }
        symbols = Self.preprocess(text)
        raw = text
    }

    // snippet.d2l-preprocess
    /// d2l's `re.sub('[^A-Za-z]+', ' ', text).lower()`, as symbol indices.
    public static func preprocess(_ text: String) -> [Int] {
        var out: [Int] = []
        var inGap = false
        for u in text.unicodeScalars {
            switch u.value {
            case 65...90: out.append(Int(u.value) - 65); inGap = false      // A-Z, lower-cased
            case 97...122: out.append(Int(u.value) - 97); inGap = false     // a-z
            default:
                // a run of anything else: one space
                if !inGap { out.append(26) }
                inGap = true
            }
        }
        return out
    }
    // snippet.end

    /// Symbol indices back to text.
    public static func text(_ symbols: [Int]) -> String { String(symbols.map { alphabet[$0] }) }
}
