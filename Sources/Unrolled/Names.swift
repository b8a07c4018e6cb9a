import Foundation

/// The names dataset: 18 files `[Language].txt`, one surname per line.
public struct NamesData {
    /// The tutorial's alphabet: `a-z A-Z`, space and `.,;'`, 57 symbols (`I` = 57).
    public static let alphabet: [Character] = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ .,;'")
    private static let alphabetIndex: [Character: Int] = Dictionary(
        uniqueKeysWithValues: alphabet.enumerated().map { ($1, $0) })

    /// Languages in alphabetical order of their file names (`C` = 18).
    public let languages: [String]
    /// The raw lines of each language's file, as the tutorial reads them.
    public let rawLines: [[String]]
    /// The lines folded to the alphabet, in file order (duplicates kept, as in the tutorial).
    public let lines: [[String]]

    /// Loads and verifies every file of the dataset.
    public init(dataDirectory: URL) throws {
        var languages: [String] = [], raw: [[String]] = [], folded: [[String]] = []
        for file in Dataset.names.files.sorted(by: { $0.name < $1.name }) {
            let data = try Dataset.names.read(file.name, from: dataDirectory)
            guard let text = String(data: data, encoding: .utf8) else {
                throw UnrolledError("\(file.name) is not UTF-8 text")
            }
            // The tutorial: open(...).read().strip().split('\n')
            let stripped = text.trimmingCharacters(in: .whitespacesAndNewlines)
            let fileLines = stripped.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let language = String(file.name.dropLast(4))
            guard !stripped.isEmpty else { throw UnrolledError("\(file.name) holds no names") }
            languages.append(language)
            raw.append(fileLines)
            folded.append(fileLines.map(NamesData.toASCII))
        }
        self.languages = languages
        self.rawLines = raw
        self.lines = folded
    }

    // snippet.to-ascii
    /// Unicode to ASCII as the tutorial does it: canonical decomposition (NFD), combining marks
    /// dropped, then only the 57 symbols of `alphabet` kept. "Ślusàrski" becomes "Slusarski".
    public static func toASCII(_ s: String) -> String {
        var out = ""
        for scalar in s.decomposedStringWithCanonicalMapping.unicodeScalars {
            if scalar.properties.generalCategory == .nonspacingMark { continue }
            let ch = Character(scalar)
            if alphabetIndex[ch] != nil { out.append(ch) }
        }
        return out
    }
    // snippet.end

    /// The index of a letter in `alphabet`.
    public static func index(of letter: Character) -> Int? { alphabetIndex[letter] }

    /// A name as letter indices (`T` values in `0 ..< 57`); the one-hot tensor `[T, 1, 57]` has
    /// a single 1 per step at these positions.
    public static func indices(of name: String) -> [Int] { name.compactMap { alphabetIndex[$0] } }

    /// The one-hot tensor `[T, 1, I]` of a name, flattened row-major.
    public static func oneHot(_ name: String) -> [Double] {
        let idx = indices(of: name)
        var x = [Double](repeating: 0, count: idx.count * alphabet.count)
        for (t, i) in idx.enumerated() { x[t * alphabet.count + i] = 1 }
        return x
    }
}

/// One labelled example: a name and the index of its language.
public struct LabelledName: Hashable {
    public let name: String
    public let label: Int
    public init(name: String, label: Int) { self.name = name; self.label = label }
}

/// The de-duplicated (name, language) pairs split, per language, into train, validation and
/// test parts: stratified, seeded, and disjoint as pairs.
public struct NamesSplit {
    public let train: [LabelledName]
    public let validation: [LabelledName]
    public let test: [LabelledName]
    /// Distinct pairs per language.
    public let distinctCounts: [Int]

    /// Shuffles each language's distinct names with `seed`, takes `testFraction` of them
    /// (rounded, at least one) for test, then `validationFraction` of the rest for validation.
    public init(_ data: NamesData, testFraction: Double, validationFraction: Double, seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        var train: [LabelledName] = [], validation: [LabelledName] = [], test: [LabelledName] = []
        var counts: [Int] = []
        for (label, lines) in data.lines.enumerated() {
            var seen = Set<String>(), distinct: [String] = []
            for line in lines where !line.isEmpty && seen.insert(line).inserted { distinct.append(line) }
            counts.append(distinct.count)
            rng.shuffle(&distinct)
            let nTest = max(1, Int((Double(distinct.count) * testFraction).rounded()))
            let rest = distinct.count - nTest
            let nValidation = max(1, Int((Double(rest) * validationFraction).rounded()))
            for (i, name) in distinct.enumerated() {
                let example = LabelledName(name: name, label: label)
                if i < nTest { test.append(example) }
                else if i < nTest + nValidation { validation.append(example) }
                else { train.append(example) }
            }
        }
        self.train = train
        self.validation = validation
        self.test = test
        self.distinctCounts = counts
    }
}
