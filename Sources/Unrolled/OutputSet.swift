import Foundation
#if canImport(Glibc)
import Glibc
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
import Darwin
private let systemWrite = Darwin.write
#endif

/// The files a chapter run produces, held in memory until the run has finished.
///
/// Nothing touches the output directory while the experiments run, so a run that fails (bad
/// data, a diverging loss, an interrupted process) leaves the previous outputs as they were.
/// `write(to:)` then writes every file into a new sibling directory and swaps it in whole, so a
/// failure while writing leaves the previous directory untouched too, and no reader ever sees a
/// mix of two runs.
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

    /// Writes every file into `directory`, replacing it whole.
    ///
    /// The files go into a temporary directory beside it (same parent, so the same file system),
    /// which then takes its place: the previous directory is renamed away, the new one renamed
    /// in, and only then is the previous one deleted. A failure at any step leaves the previous
    /// directory as it was. Because the whole directory is replaced, an existing one may hold
    /// only files this run writes (the outputs of an earlier run); anything else stops the run
    /// before it writes, so that `--output` pointed at the wrong place never deletes anything.
    public func write(to directory: URL) throws {
        let fm = FileManager.default
        // Swap the real directory, not a symbolic link to it.
        let target = directory.standardizedFileURL.resolvingSymlinksInPath()
        let path = target.path
        let parent = target.deletingLastPathComponent()
        let advice = "fix it or choose another --output"
        func failure(_ what: String) -> UnrolledError { UnrolledError("output directory \(path) \(what); \(advice)") }

        guard target.lastPathComponent != "/", parent.path != path else { throw failure("cannot be replaced (it is the root directory)") }
        var isDirectory: ObjCBool = false
        let exists = fm.fileExists(atPath: path, isDirectory: &isDirectory)
        if exists {
            guard isDirectory.boolValue else { throw failure("is a file, not a directory") }
            try checkReplaceable(target)
        } else if let file = FileAccess.fileInTheWay(of: path) {
            throw failure("cannot be created: \(file) is a file, not a directory")
        }
        do { try fm.createDirectory(at: parent, withIntermediateDirectories: true) } catch {
            throw failure("cannot be created: creating its parent \(parent.path) failed (\(FileAccess.reason(error, at: parent.path)))")
        }

        let id = ProcessInfo.processInfo.processIdentifier
        let fresh = parent.appendingPathComponent(".\(target.lastPathComponent).new-\(id)")
        let previous = parent.appendingPathComponent(".\(target.lastPathComponent).old-\(id)")
        try? fm.removeItem(at: fresh)
        do { try fm.createDirectory(at: fresh, withIntermediateDirectories: false) } catch {
            throw failure("cannot be written: its new copy \(fresh.lastPathComponent) cannot be created in \(parent.path) (\(FileAccess.reason(error, at: fresh.path)))")
        }
        for name in files.keys.sorted() {
            let url = fresh.appendingPathComponent(name)
            var code: Int32? = nil
            do { try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true) } catch {
                code = FileAccess.posixCode(error) ?? EIO
            }
            if code == nil { code = Self.writeFile(files[name]!, to: url.path) }
            if let code {
                try? fm.removeItem(at: fresh)
                throw failure("cannot be written: writing \(name) into the new directory \(fresh.path) failed (\(String(cString: strerror(code))))")
            }
        }
        // The swap: rename(2) within one directory, each step all or nothing.
        if exists, rename(path, previous.path) != 0 {
            let code = errno
            try? fm.removeItem(at: fresh)
            throw failure("cannot be replaced: renaming it to \(previous.path) failed (\(String(cString: strerror(code))))")
        }
        if rename(fresh.path, path) != 0 {
            let code = errno
            if exists { _ = rename(previous.path, path) }
            try? fm.removeItem(at: fresh)
            throw failure("cannot be replaced: renaming \(fresh.path) to it failed (\(String(cString: strerror(code))))")
        }
        if exists {
            do { try fm.removeItem(at: previous) } catch {
                FileHandle.standardError.write(Data("warning: the outputs are written, but the previous ones, renamed to \(previous.path), could not be deleted: \(FileAccess.describe(error))\n".utf8))
            }
        }
    }

    /// Writes `text` to a new file at `path`; returns the POSIX error number of a failure, so
    /// that the message can say what went wrong (no space, a size limit, permissions).
    static func writeFile(_ text: String, to path: String) -> Int32? {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard fd >= 0 else { return errno }
        var failure: Int32? = nil
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = systemWrite(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += n
            }
        }
        if close(fd) != 0, failure == nil { failure = errno }
        return failure
    }

    /// Fails at once, before a run that may take minutes, when `directory` can never be written:
    /// it is a file, or a file stands where one of its parent directories should be.
    public static func checkDestination(_ directory: URL) throws {
        let target = directory.standardizedFileURL.resolvingSymlinksInPath()
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: target.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw UnrolledError("output directory \(target.path) is a file, not a directory; remove it or choose another --output")
            }
        } else if let file = FileAccess.fileInTheWay(of: target.path) {
            throw UnrolledError("output directory \(target.path) cannot be created: \(file) is a file, not a directory; choose another --output")
        }
    }

    /// Refuses to replace a directory that holds anything but files of this output set. It
    /// stops at the first stranger, so a wrong `--output` (a home or a repository) costs nothing.
    func checkReplaceable(_ directory: URL, under prefix: String = "") throws {
        let fm = FileManager.default
        let path = directory.path
        let advice = "a run replaces the whole directory, so it may hold only earlier outputs of this chapter: move that away, or choose another --output"
        let entries: [String]
        do { entries = try fm.contentsOfDirectory(atPath: path) } catch {
            throw UnrolledError("output directory \(path) \(FileAccess.problem(error, at: path)); fix it or choose another --output")
        }
        for name in entries.sorted() {
            let entry = prefix + name
            let attributes = try? fm.attributesOfItem(atPath: directory.appendingPathComponent(name).path)
            let type = attributes?[.type] as? FileAttributeType
            if files[entry] != nil {
                guard type == .typeRegular else {
                    throw UnrolledError("output directory \(path) holds \(entry) as \(type == .typeDirectory ? "a directory" : "something other than a file"), where this chapter writes a file; \(advice)")
                }
            } else if type == .typeDirectory, files.keys.contains(where: { $0.hasPrefix(entry + "/") }) {
                try checkReplaceable(directory.appendingPathComponent(name), under: entry + "/")
            } else {
                throw UnrolledError("output directory \(path) holds \(entry), which this chapter does not write; \(advice)")
            }
        }
    }
}
