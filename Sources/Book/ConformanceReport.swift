import Checks
import Foundation
import Unrolled

/// `book conformance DIR`: one line per case with the largest absolute difference from PyTorch of
/// each implementation; a case fails if either differs by more than the tolerance or cannot run.
enum ConformanceReport {
    static func run(directory: URL) throws -> Bool {
        let files = try Conformance.caseFiles(in: directory)
        guard !files.isEmpty else { throw UnrolledError("\(directory.path): no case files (*.json other than INDEX.json)") }
        var failures = 0, worst = 0.0
        for url in files {
            let name = url.lastPathComponent.padding(toLength: max(36, url.lastPathComponent.count), withPad: " ", startingAt: 0)
            var line = "", pass = true
            do {
                let fixture = try ReferenceFixture(contentsOf: url)
                for implementation in Implementation.allCases {
                    let outcome = try Conformance.run(fixture, on: implementation)
                    worst = max(worst, outcome.maxAbsDifference)
                    if !(outcome.maxAbsDifference <= Conformance.tolerance) {
                        pass = false
                        line += "  \(implementation): max |difference| \(String(format: "%.3e", outcome.maxAbsDifference)) at \(outcome.worstField)"
                    } else {
                        line += "  \(implementation) \(String(format: "%.3e", outcome.maxAbsDifference))"
                    }
                }
            } catch {
                pass = false
                line = "  cannot be run: \(error)"
            }
            if !pass { failures += 1 }
            print("\(pass ? "ok  " : "FAIL")  \(name)\(line)")
        }
        print("\(files.count - failures) of \(files.count) cases agree with PyTorch to \(Conformance.tolerance) on both implementations (reference and fast); the largest difference is \(String(format: "%.3e", worst)).")
        if failures > 0 { print("\(failures) case(s) failed.") }
        return failures == 0
    }
}
