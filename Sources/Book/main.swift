import Foundation
import Literate
import Unrolled

/// The book tool: keeps chapters in sync with the code and outputs, compares outputs with the
/// committed ones, and downloads the datasets.
let usage = """
    book: the tools behind `make`.

    USAGE:
      book sync [--check] [--figures DIR]   refresh listings, outputs and numbers in Chapters/*.md
                                            (--check: change nothing, fail if any chapter is stale)
      book diff EXPECTED ACTUAL             compare two output directories; fail on any difference
                                            (or when either directory is missing)
      book data --into DIR [--all | NAME…]  download each dataset the chapters read that is missing
                                            from DIR, and verify it; --all: every dataset of the
                                            manifest; NAME…: those datasets (\(Dataset.all.map(\.folder).joined(separator: ", ")))
      book conformance DIR                  run every PyTorch reference case in DIR (INDEX.json
                                            excepted); fail if a value differs by more than 1e-12
                                            or a case cannot be run
      book help                             show this help
    """

func fail(_ message: String, status: Int32 = 1) -> Never {
    FileHandle.standardError.write(Data("book: \(message)\n".utf8))
    exit(status)
}

let arguments = Array(CommandLine.arguments.dropFirst())
if let i = arguments.firstIndex(of: ""), i > 0 {
    // An empty path would mean the current directory.
    let what = arguments[i - 1].hasPrefix("--") ? arguments[i - 1]
        : arguments[0] == "diff" ? (i == 1 ? "EXPECTED" : "ACTUAL") : arguments[0] == "conformance" ? "DIR" : "argument \(i)"
    fail("\(arguments[0]): \(what) is empty; pass a directory\n\(usage)", status: 2)
}
do {
    switch arguments.first {
    case "sync":
        var check = false, figures = "Figures"
        var i = 1
        while i < arguments.count {
            switch arguments[i] {
            case "--check": check = true
            case "--figures" where i + 1 < arguments.count: figures = arguments[i + 1]; i += 1
            default: fail("unknown option '\(arguments[i])' for sync\n\(usage)", status: 2)
            }
            i += 1
        }
        exit(try Sync.run(check: check, figures: figures) ? 0 : 1)
    case "diff":
        guard arguments.count == 3 else { fail("diff needs EXPECTED and ACTUAL directories\n\(usage)", status: 2) }
        let report = try GoldenDiff.compare(expected: URL(fileURLWithPath: arguments[1]), actual: URL(fileURLWithPath: arguments[2]))
        for m in report.messages { print(m) }
        if report.passed {
            print("\(arguments[2]) matches \(arguments[1]).")
            exit(0)
        }
        print("\(report.differingFiles) file(s) differ from \(arguments[1]). If the change is intended, read the diff, then run `make bless`.")
        exit(1)
    case "data":
        guard arguments.count >= 3, arguments[1] == "--into" else { fail("data needs --into DIR\n\(usage)", status: 2) }
        var datasets: [Dataset] = []
        for name in arguments.dropFirst(3) {
            if name == "--all" { datasets += Dataset.all; continue }
            guard let dataset = Dataset.named(name) else {
                fail("data: unknown dataset '\(name)'; the datasets are \(Dataset.all.map(\.folder).joined(separator: ", ")), or --all", status: 2)
            }
            datasets.append(dataset)
        }
        if datasets.isEmpty { datasets = Dataset.required }
        var seen = Set<String>()
        try Downloader.fetch(datasets.filter { seen.insert($0.folder).inserted }, into: URL(fileURLWithPath: arguments[2]))
    case "conformance":
        guard arguments.count == 2 else { fail("conformance needs a directory of reference cases\n\(usage)", status: 2) }
        exit(try ConformanceReport.run(directory: URL(fileURLWithPath: arguments[1])) ? 0 : 1)
    case "help", "-h", "--help", nil:
        print(usage)
    default:
        fail("unknown command '\(arguments[0])'\n\(usage)", status: 2)
    }
} catch {
    fail(FileAccess.describe(error))
}
