import Foundation
import Unrolled

let command = ChapterCommand(
    name: "bptt", slug: "bptt",
    summary: "Chapter 5: backpropagation through time, checked, and why its gradients vanish or explode.",
    options: [
        .init("--fixtures", "dir", "PyTorch reference cases to run",
              default: "Tests/Fixtures/reference of the package, found from bptt's own path or the current directory"),
        .init("--seed", "n", "seed of every random choice", default: "1"),
    ],
    flags: [("--bench", "time one forward and backward pass of each layer (H 128, T 35, B 32) and write nothing")],
    readsData: false)

command.main(bench: { _ in
    LayerBenchmark.run()
    KernelBenchmark.run()
}, run: { options, log in
    try BPTTChapter(seed: try options.seed(), quick: options.quick, fixtures: try fixturesDirectory(options), log: log).run()
})

/// `--fixtures` as given, or else the committed cases of this package: searched from the
/// executable (`.build/release/bptt` lies inside the package), then upward from the current
/// directory, so the default works from any directory.
func fixturesDirectory(_ options: ChapterCommand.Parsed) throws -> URL {
    if options.isGiven("--fixtures") { return URL(fileURLWithPath: options.string("--fixtures")) }
    let committed = "Tests/Fixtures/reference"
    guard let package = FileAccess.packageDirectory(holding: committed) else {
        throw UnrolledError("no --fixtures given, and no \(committed) was found in the package that built bptt or in a package above the current directory (\(FileManager.default.currentDirectoryPath)); pass --fixtures DIR, a directory of PyTorch reference cases (the repository's \(committed))")
    }
    return package.appendingPathComponent(committed)
}
