import Foundation

/// The command line every chapter executable shares: `--help`, `--quiet`, `--quick`,
/// `--data DIR` (unless the chapter reads no dataset), `--output DIR`, `--threads N`,
/// `--count-products`, plus options of its own. Unknown flags and bad values (an empty path, a
/// negative seed) stop the program with exit status 2 and a usage hint.
public struct ChapterCommand {
    public struct Option {
        public let flag: String, valueName: String, help: String, defaultValue: String
        public init(_ flag: String, _ valueName: String, _ help: String, default defaultValue: String) {
            self.flag = flag
            self.valueName = valueName
            self.help = help
            self.defaultValue = defaultValue
        }
    }

    public struct Parsed {
        public let dataDirectory: URL
        public let outputDirectory: URL
        public let quiet: Bool
        public let quick: Bool
        /// `--count-products`: print the counts of `ProductCount` when done.
        public let countProducts: Bool
        let values: [String: String]
        let switches: Set<String>
        /// The chapter options given on the command line (the others hold their defaults).
        let given: Set<String>

        /// Whether a chapter option was given on the command line.
        public func isGiven(_ flag: String) -> Bool { given.contains(flag) }

        /// Whether a chapter switch was given.
        public func has(_ flag: String) -> Bool { switches.contains(flag) }

        /// The value of a chapter option as a finite `Double`.
        public func double(_ flag: String) throws -> Double {
            guard let s = values[flag], let v = Double(s), v.isFinite else {
                throw UsageError("\(flag) needs a finite number, got '\(values[flag] ?? "")'")
            }
            return v
        }

        /// The value of a chapter option as given.
        public func string(_ flag: String) -> String { values[flag] ?? "" }

        public func int(_ flag: String) throws -> Int {
            guard let s = values[flag], let v = Int(s) else {
                throw UsageError("\(flag) needs an integer, got '\(values[flag] ?? "")'")
            }
            return v
        }

        /// The value of a seed option: what the random number generator takes, a whole number
        /// from 0 to 2^64 - 1.
        public func seed(_ flag: String = "--seed") throws -> UInt64 {
            let s = values[flag] ?? ""
            if let v = UInt64(s) { return v }
            let range = "a whole number from 0 to \(UInt64.max)"
            if s.hasPrefix("-"), Int(s) != nil || Double(s) != nil {
                throw UsageError("\(flag) must be non-negative (\(range)), got '\(s)'")
            }
            throw UsageError("\(flag) needs an integer (\(range)), got '\(s)'")
        }
    }

    public struct UsageError: Error, CustomStringConvertible {
        public let description: String
        public init(_ d: String) { description = d }
    }

    public let name: String, summary: String, slug: String
    public let options: [Option]
    /// Chapter switches without a value: `(flag, help)`.
    public let flags: [(String, String)]
    /// Whether the chapter reads a dataset; one that does not refuses `--data`.
    public let readsData: Bool

    public init(name: String, slug: String, summary: String, options: [Option] = [], flags: [(String, String)] = [],
                readsData: Bool = true) {
        self.name = name
        self.slug = slug
        self.summary = summary
        self.options = options
        self.flags = flags
        self.readsData = readsData
    }

    /// Where a `--quick` run writes without `--output`: scratch space, never `Figures/`.
    public var quickOutput: String { ".scratch/quick/\(slug)" }

    public var usage: String {
        var lines = [
            "\(name): \(summary)", "",
            "USAGE: \(name) [options]", "",
            "OPTIONS:",
        ]
        if readsData {
            lines.append("  --data <dir>          datasets directory (default: $UNROLLED_DATA or ./data)")
        }
        lines += [
            "  --output <dir>        where to write outputs, replacing the directory whole (default: Figures/\(slug);",
            "                        with --quick, \(quickOutput): a quick run never writes into Figures/)",
            "  --quick               a small, fast configuration (for smoke and determinism checks)",
            "  --quiet               print nothing but errors",
            "  --threads <n>         threads per matrix product (default: every core; outputs never depend on it)",
            "  --count-products      print, when done, the arithmetic of every matrix product (as in cost.csv):",
            "                        <chapter>,<Double operations>,<Float operations> (outputs are unchanged)",
        ]
        for o in options {
            let left = "  \(o.flag) <\(o.valueName)>"
            lines.append(left.padding(toLength: max(24, left.count + 1), withPad: " ", startingAt: 0) + "\(o.help) (default: \(o.defaultValue))")
        }
        for (flag, help) in flags {
            lines.append("  \(flag)".padding(toLength: 24, withPad: " ", startingAt: 0) + help)
        }
        lines.append("  -h, --help            show this help")
        return lines.joined(separator: "\n")
    }

    /// Parses `arguments` (without the program name). Returns `nil` after printing help.
    public func parse(_ arguments: [String]) throws -> Parsed? {
        var data: String? = nil, output: String? = nil
        var quiet = false, quick = false, countProducts = false
        var values: [String: String] = [:], switches = Set<String>(), given = Set<String>()
        for o in options { values[o.flag] = o.defaultValue }
        var i = 0
        func value(_ flag: String) throws -> String {
            i += 1
            guard i < arguments.count else { throw UsageError("\(flag) needs a value") }
            guard !arguments[i].isEmpty else {
                throw UsageError("\(flag) needs \(flag == "--data" || flag == "--output" ? "a directory" : "a value"), got an empty one")
            }
            return arguments[i]
        }
        while i < arguments.count {
            let a = arguments[i]
            switch a {
            case "-h", "--help": print(usage); return nil
            case "--quiet", "-q": quiet = true
            case "--quick": quick = true
            case "--count-products": countProducts = true
            case "--data":
                guard readsData else {
                    throw UsageError("\(name) reads no dataset, so it takes no --data; drop it")
                }
                data = try value(a)
            case "--output": output = try value(a)
            case "--threads":
                let v = try value(a)
                guard let n = Int(v), n >= 1 else { throw UsageError("--threads needs a whole number of at least 1, got '\(v)'") }
                MatrixProduct.maxThreads = n
            case _ where flags.contains(where: { $0.0 == a }): switches.insert(a)
            default:
                guard options.contains(where: { $0.flag == a }) else {
                    throw UsageError("unknown option '\(a)'")
                }
                values[a] = try value(a)
                given.insert(a)
            }
            i += 1
        }
        if data == nil, readsData, let environment = ProcessInfo.processInfo.environment["UNROLLED_DATA"] {
            guard !environment.isEmpty else {
                throw UsageError("UNROLLED_DATA is set but empty; set it to the datasets directory, unset it, or pass --data DIR")
            }
            data = environment
        }
        let outputDirectory = URL(fileURLWithPath: output ?? (quick ? quickOutput : "Figures/\(slug)"))
        if quick, let figures = Self.committedFigures(containing: outputDirectory) {
            throw UsageError("--quick never writes into \(figures.path), the committed outputs of full runs; drop --output to write to \(quickOutput), or choose another directory")
        }
        return Parsed(dataDirectory: URL(fileURLWithPath: data ?? "data"), outputDirectory: outputDirectory,
                      quiet: quiet, quick: quick, countProducts: countProducts, values: values, switches: switches,
                      given: given)
    }

    /// The `Figures/` directory of a Swift package (a folder of that name beside a
    /// `Package.swift`) that holds `url` or is `url`, if any.
    static func committedFigures(containing url: URL) -> URL? {
        for candidate in [url.standardizedFileURL, url.standardizedFileURL.resolvingSymlinksInPath()] {
            var folder = candidate
            while folder.path != "/" && !folder.path.isEmpty {
                if folder.lastPathComponent == "Figures",
                   FileManager.default.fileExists(atPath: folder.deletingLastPathComponent().appendingPathComponent("Package.swift").path) {
                    return folder
                }
                folder.deleteLastPathComponent()
            }
        }
        return nil
    }

    /// Runs `body`, turning errors into a message on standard error and a non-zero exit status
    /// (2 for usage errors, 1 for everything else).
    /// The life of every chapter's program: parse the command line, then either time the
    /// chapter's training step (`--bench`, which writes nothing) or run the chapter and write its
    /// outputs whole. Errors become a message and an exit status.
    public func main(bench: (Parsed) throws -> Void, run: (Parsed, Log) throws -> OutputSet) -> Never {
        main { options in
            if options.has("--bench") { return try bench(options) }
            let log = Log(quiet: options.quiet)
            var outputs = try run(options, log)
            outputs.add("cost.csv", ProductCount.table)          // what the run's products cost
            try outputs.write(to: options.outputDirectory)
            log("Wrote \(outputs.files.count) files to \(options.outputDirectory.path).")
        }
    }

    /// Parses the command line and runs `body`; usage errors exit with status 2, other errors
    /// with status 1, each with a message.
    func main(_ body: (Parsed) throws -> Void) -> Never {
        Self.keepFreedMemory()
        do {
            guard let parsed = try parse(Array(CommandLine.arguments.dropFirst())) else { exit(0) }
            if !parsed.has("--bench") { try OutputSet.checkDestination(parsed.outputDirectory) }
            try body(parsed)
            if parsed.countProducts {
                let (double, float) = ProductCount.operations
                print("\(slug),\(double),\(float)")
            }
            exit(0)
        } catch let e as UsageError {
            FileHandle.standardError.write(Data("\(name): error: \(e.description)\nRun '\(name) --help' for the options.\n".utf8))
            exit(2)
        } catch {
            FileHandle.standardError.write(Data("\(name): error: \(FileAccess.describe(error))\nNothing was written; outputs from earlier runs are unchanged.\n".utf8))
            exit(1)
        }
    }
}

extension ChapterCommand {
    /// A training step allocates and frees the same large buffers (traces, gradients) thousands
    /// of times. By default glibc gives every block above 128 KiB back to the kernel when it is
    /// freed and maps a new, zero-filled one on the next request, so each step pays page faults
    /// for memory it just returned. Raising the thresholds keeps freed blocks for reuse. It
    /// changes where buffers live, never what is computed in them.
    static func keepFreedMemory() {
        #if os(Linux)
        _ = glibcMallopt(-3, 32 << 20)      // M_MMAP_THRESHOLD (malloc.h): glibc's largest allowed value
        _ = glibcMallopt(-1, 1 << 30)       // M_TRIM_THRESHOLD
        #endif
    }
}

#if os(Linux)
/// `int mallopt(int param, int value)` from glibc's `malloc.h`, which Swift's Glibc module does not export.
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif

/// Progress messages on standard output, silenced by `--quiet`.
public struct Log {
    public let quiet: Bool
    public init(quiet: Bool) { self.quiet = quiet }
    public func callAsFunction(_ message: String) {
        guard !quiet else { return }
        print(message)
        flushStandardOutput()
    }
}

/// Wall-clock seconds since an instant, for progress lines only (never written to outputs).
public struct Stopwatch {
    private let start = DispatchTime.now().uptimeNanoseconds
    public init() {}
    public var seconds: Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
}

/// What `make bench` prints: rows of `experiment,steps,seconds,ms_per_step` on standard output
/// (the Makefile prints the header once), and remarks for people on standard error, so that the
/// output stays one CSV table. Timings are never written to a file.
public enum Bench {
    public static func row(_ experiment: String, steps: Int, seconds: Double) {
        print("\(experiment),\(steps),\(Format.fixed(seconds, decimals: 4)),\(Format.fixed(seconds / Double(steps) * 1000, decimals: 4))")
        flushStandardOutput()
    }

    public static func note(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// The median of `runs` timings of `body`, in seconds.
    public static func median(_ runs: Int, _ body: () throws -> Void) rethrows -> Double {
        var times: [Double] = []
        for _ in 0..<runs { let clock = Stopwatch(); try body(); times.append(clock.seconds) }
        return times.sorted()[runs / 2]
    }
}

/// Sends what `print` has buffered to standard output now, so that progress lines and bench rows
/// appear as they happen, even when the output is a pipe.
func flushStandardOutput() {
    fflush(nil)  // every output stream: standard output is the only one the programs write to with print
}
