import Foundation

/// What went wrong with a file or directory, in words, instead of Foundation's raw error dumps
/// (`Error Domain=NSCocoaErrorDomain Code=512 "(null)" UserInfo=…`, `error 256`).
///
/// Every message built from it names the path, says what the path is for (a data file, the
/// output directory, a reference case), what is wrong with it, and what to do.
public enum FileAccess {
    public enum Operation { case read, write }

    /// What is wrong with `path`, as a phrase to follow it: "does not exist", "is a directory,
    /// not a file", "cannot be read: permission denied", "cannot be reached: /a/b is a file, not
    /// a directory", "is not UTF-8 text"…
    public static func problem(_ error: Error, at path: String, _ operation: Operation = .read) -> String {
        if let code = posixCode(error) { return problem(errno: code, at: path, operation) }
        let e = error as NSError
        if e.domain == NSCocoaErrorDomain {
            switch e.code {
            case 4, 260: return problem(errno: ENOENT, at: path, operation)
            case 257, 513: return problem(errno: EACCES, at: path, operation)
            case 259, 261, 517: return "is not UTF-8 text"
            case 516: return problem(errno: EEXIST, at: path, operation)
            case 640: return problem(errno: ENOSPC, at: path, operation)
            case 642: return problem(errno: EROFS, at: path, operation)
            default: break
            }
        }
        // No code to go by: look at the path itself.
        if let found = problemFound(at: path, operation) { return found }
        return "cannot be \(operation == .read ? "read" : "written") (\(e.localizedFailureReason ?? e.localizedDescription))"
    }

    /// The phrase for a POSIX error number.
    public static func problem(errno code: Int32, at path: String, _ operation: Operation = .read) -> String {
        let verb = operation == .read ? "read" : "written"
        switch code {
        case ENOENT: return "does not exist"
        case EISDIR: return "is a directory, not a file"
        case ENOTDIR:
            if let file = fileInTheWay(of: path) { return "cannot be reached: \(file) is a file, not a directory" }
            return "is not a directory"
        case EACCES, EPERM: return "cannot be \(verb): permission denied"
        case ENOSPC: return "cannot be written: no space left on the device"
        case EDQUOT: return "cannot be written: disk quota exceeded"
        case EROFS: return "cannot be written: the file system is read-only"
        case EEXIST: return "already exists"
        case ENAMETOOLONG: return "has a name that is too long"
        default: return "cannot be \(verb): \(String(cString: strerror(code)))"
        }
    }

    /// Why an operation on `path` failed, for a message about a larger whole: "permission
    /// denied", "no space left on device", "/a/b is a file, not a directory"; with the path
    /// that failed when the error names another one (a parent, say).
    public static func reason(_ error: Error, at path: String) -> String {
        let failed = (error as NSError).userInfo[NSFilePathErrorKey] as? String ?? path
        if let code = posixCode(error) ?? cocoaCode(error) {
            if code == ENOTDIR, let file = fileInTheWay(of: failed) { return "\(file) is a file, not a directory" }
            let words = String(cString: strerror(code)).lowercased()
            return failed == path ? words : "\(words): \(failed)"
        }
        return "\(failed) \(problem(error, at: failed, .write))"
    }

    /// The POSIX error number that a Foundation file error without one stands for.
    static func cocoaCode(_ error: Error) -> Int32? {
        let e = error as NSError
        guard e.domain == NSCocoaErrorDomain else { return nil }
        switch e.code {
        case 4, 260: return ENOENT
        case 257, 513: return EACCES
        case 516: return EEXIST
        case 640: return ENOSPC
        case 642: return EROFS
        default: return nil
        }
    }

    /// A POSIX error number carried by `error` or the error under it.
    public static func posixCode(_ error: Error) -> Int32? {
        let e = error as NSError
        if e.domain == NSPOSIXErrorDomain { return Int32(truncatingIfNeeded: e.code) }
        if let under = e.userInfo[NSUnderlyingErrorKey] as? NSError { return posixCode(under) }
        return nil
    }

    /// What is wrong with `path`, found by looking at it, when an error says nothing usable.
    static func problemFound(at path: String, _ operation: Operation) -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            if let file = fileInTheWay(of: path) { return "cannot be reached: \(file) is a file, not a directory" }
            return operation == .read ? "does not exist" : nil
        }
        if operation == .read {
            if isDirectory.boolValue { return "is a directory, not a file" }
            if !FileManager.default.isReadableFile(atPath: path) { return "cannot be read: permission denied" }
        } else if !FileManager.default.isWritableFile(atPath: path) {
            return "cannot be written: permission denied"
        }
        return nil
    }

    /// The nearest existing ancestor of `path` when it is a file rather than a directory.
    public static func fileInTheWay(of path: String) -> String? {
        var url = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent()
        while url.path != "/" && !url.path.isEmpty {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
                return isDirectory.boolValue ? nil : url.path
            }
            url.deleteLastPathComponent()
        }
        return nil
    }

    /// Reads a whole file. `what` says what the file is for ("data file", "reference case"),
    /// `advice` what to do when it cannot be read.
    public static func read(_ url: URL, what: String, advice: String) throws -> Data {
        do { return try Data(contentsOf: url) } catch {
            throw UnrolledError("\(what) \(url.path) \(problem(error, at: url.path)); \(advice)")
        }
    }

    /// Reads a whole file as UTF-8 text.
    public static func readText(_ url: URL, what: String, advice: String) throws -> String {
        let data = try read(url, what: what, advice: advice)
        guard let text = String(data: data, encoding: .utf8) else {
            throw UnrolledError("\(what) \(url.path) is not UTF-8 text; \(advice)")
        }
        return text
    }

    /// One line for an error that reached the top of a program: ours as they are, Foundation's
    /// file errors as the path and what is wrong with it.
    public static func describe(_ error: Error) -> String {
        let e = error as NSError
        guard e.domain == NSCocoaErrorDomain || e.domain == NSPOSIXErrorDomain else { return "\(error)" }
        if let path = e.userInfo[NSFilePathErrorKey] as? String ?? (e.userInfo[NSURLErrorKey] as? URL)?.path {
            return "\(path) \(problem(error, at: path))"
        }
        return e.localizedFailureReason ?? e.localizedDescription
    }

    /// The directory of the Swift package this program was built from, or else the nearest one
    /// above the current directory, that holds `relativePath`; `nil` when there is none.
    public static func packageDirectory(holding relativePath: String) -> URL? {
        var starts: [URL] = []
        if let exe = Bundle.main.executableURL { starts.append(exe.resolvingSymlinksInPath().deletingLastPathComponent()) }
        starts.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        for start in starts {
            var url = start.standardizedFileURL
            while true {
                let fm = FileManager.default
                if fm.fileExists(atPath: url.appendingPathComponent("Package.swift").path),
                   fm.fileExists(atPath: url.appendingPathComponent(relativePath).path) {
                    return url
                }
                if url.path == "/" || url.path.isEmpty { break }
                url.deleteLastPathComponent()
            }
        }
        return nil
    }
}
