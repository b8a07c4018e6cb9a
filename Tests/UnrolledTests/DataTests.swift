import Foundation
import Testing
@testable import Unrolled

@Suite struct DataTests {
    @Test func asciiFoldingAsTheTutorial() {
        #expect(NamesData.toASCII("Ślusàrski") == "Slusarski")
        #expect(NamesData.toASCII("Nguyễn") == "Nguyen")
        #expect(NamesData.toASCII("O'Néal") == "O'Neal")
        #expect(NamesData.toASCII("Lu:") == "Lu")
        #expect(NamesData.alphabet.count == 57)
        #expect(NamesData.indices(of: "aZ'") == [0, 51, 56])
    }

    @Test func namesCountsMatchTheProvenance() throws {
        let data = try NamesData(dataDirectory: dataDirectory)
        #expect(data.languages.count == 18)
        #expect(data.rawLines.reduce(0) { $0 + $1.count } == 20_074)
        let arabic = data.languages.firstIndex(of: "Arabic")!
        #expect(data.rawLines[arabic].count == 2000)
        #expect(Set(data.rawLines[arabic]).count == 108)
    }

    @Test func splitIsStratifiedDisjointAndSeeded() throws {
        let data = try NamesData(dataDirectory: dataDirectory)
        let a = NamesSplit(data, testFraction: 0.1, validationFraction: 0.1, seed: 5)
        let b = NamesSplit(data, testFraction: 0.1, validationFraction: 0.1, seed: 5)
        #expect(a.test == b.test && a.train == b.train)
        let train = Set(a.train), validation = Set(a.validation), test = Set(a.test)
        #expect(train.isDisjoint(with: test) && train.isDisjoint(with: validation) && validation.isDisjoint(with: test))
        #expect(train.count + validation.count + test.count == a.distinctCounts.reduce(0, +))
        for c in 0..<18 {
            let n = a.test.filter { $0.label == c }.count
            #expect(abs(Double(n) - 0.1 * Double(a.distinctCounts[c])) <= 1)
        }
    }

    /// A copy of the names folder with one file replaced, for the failure cases.
    func namesCopy(replacing file: String, with bytes: Data?) throws -> URL {
        let dir = try temporaryDirectory()
        let names = dir.appendingPathComponent("names")
        try FileManager.default.createDirectory(at: names, withIntermediateDirectories: true)
        for f in Dataset.names.files {
            let source = dataDirectory.appendingPathComponent("names").appendingPathComponent(f.name)
            if f.name == file {
                if let bytes { try bytes.write(to: names.appendingPathComponent(f.name)) }
            } else {
                try FileManager.default.copyItem(at: source, to: names.appendingPathComponent(f.name))
            }
        }
        return dir
    }

    func message(_ body: () throws -> Void) -> String {
        do { try body(); return "" } catch { return "\(error)" }
    }

    @Test func corruptEmptyTruncatedOrMissingFilesAreRefused() throws {
        let original = try Data(contentsOf: dataDirectory.appendingPathComponent("names/Greek.txt"))
        var edited = original
        edited[3] ^= 0x20
        for (bytes, expected) in [(edited, "corrupt"), (Data(), "corrupt"), (original.prefix(100), "corrupt"), (nil, "missing data file")] {
            let dir = try namesCopy(replacing: "Greek.txt", with: bytes)
            defer { try? FileManager.default.removeItem(at: dir) }
            let m = message { _ = try NamesData(dataDirectory: dir) }
            #expect(m.contains(expected), "got: \(m)")
            #expect(m.contains("make data"), "the message must say how to get the data: \(m)")
        }
    }
}
