import Foundation

/// The files a chapter run produces, held in memory until the run has finished.
///
/// Nothing touches the output directory while the experiments run, so a run that fails (bad
/// data, a diverging loss, an interrupted process) leaves the previous outputs as they were.
/// `write(to:)` then writes each file to a temporary name and renames it into place, so no file
/// is ever seen half-written.
public struct OutputSet {
    public private(set) var files: [String: String] = [:]

    public init() {}

    /// Adds a text file; `name` is relative to the chapter's output directory.
    public mutating func add(_ name: String, _ text: String) {
        precondition(files[name] == nil, "output \(name) written twice")
        precondition(text.hasSuffix("\n"), "output \(name) must end with a newline")
        files[name] = text
    }

    public mutating func add(_ name: String, _ table: CSVTable) { add(name, table.text) }

    /// Writes every file into `directory` (created if needed), each one atomically.
    public func write(to directory: URL) throws {
        let fm = FileManager.default
        try fm.createDirectory(at: directory, withIntermediateDirectories: true)
        for name in files.keys.sorted() {
            let url = directory.appendingPathComponent(name)
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(files[name]!.utf8).write(to: url, options: .atomic)
        }
    }
}
