import Foundation
import Unrolled

/// The package's root directory (tests run from it under `swift test`, but do not rely on that).
let packageRoot: URL = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url
}()

/// The datasets: `UNROLLED_DATA` (as `make test DATA=DIR` sets it), else `./data`.
let dataDirectory: URL = {
    if let d = ProcessInfo.processInfo.environment["UNROLLED_DATA"] { return URL(fileURLWithPath: d) }
    return packageRoot.appendingPathComponent("data")
}()

/// The PyTorch reference cases: `UNROLLED_FIXTURES`, else the committed `Tests/Fixtures/reference`.
let fixturesDirectory: URL = {
    if let d = ProcessInfo.processInfo.environment["UNROLLED_FIXTURES"] { return URL(fileURLWithPath: d) }
    return packageRoot.appendingPathComponent("Tests/Fixtures/reference")
}()

/// Random values uniform in [-1, 1).
func randomValues(_ n: Int, _ rng: inout SeededRandom) -> [Double] {
    (0..<n).map { _ in rng.uniform(-1, 1) }
}

/// A temporary directory removed by the caller.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("unrolled-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
