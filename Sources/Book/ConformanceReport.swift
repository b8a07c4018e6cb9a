import Foundation
import Checks
import Unrolled

/// `book conformance DIR`: one line per case with its largest absolute difference from PyTorch.
enum ConformanceReport {
    static func run(directory: URL) throws -> Bool {
        let files = try Conformance.caseFiles(in: directory)
        guard !files.isEmpty else { throw UnrolledError("\(directory.path): no case files (*.json other than INDEX.json)") }
        var failures = 0, worst = 0.0
        for url in files {
            do {
                let outcome = try Conformance.run(try ReferenceFixture(contentsOf: url))
                let pass = outcome.maxAbsDifference <= Conformance.tolerance
                worst = max(worst, outcome.maxAbsDifference)
                if !pass { failures += 1 }
                let name = url.lastPathComponent.padding(toLength: max(36, url.lastPathComponent.count), withPad: " ", startingAt: 0)
                print("\(pass ? "ok  " : "FAIL")  \(name)  max |difference| \(String(format: "%.3e", outcome.maxAbsDifference))"
                      + "  (\(outcome.valuesCompared) values; worst at \(outcome.worstField))")
            } catch {
                failures += 1
                print("FAIL  \(url.lastPathComponent): cannot be run: \(error)")
            }
        }
        print("\(files.count - failures) of \(files.count) cases agree with PyTorch to \(Conformance.tolerance); the largest difference is \(String(format: "%.3e", worst)).")
        if failures > 0 { print("\(failures) case(s) failed.") }
        return failures == 0
    }
}
