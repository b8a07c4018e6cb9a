import Foundation
import Unrolled

let command = ChapterCommand(
    name: "bptt", slug: "bptt",
    summary: "Chapter 5: backpropagation through time, checked, and why its gradients vanish or explode.",
    options: [
        .init("--fixtures", "dir", "PyTorch reference cases to run (the committed set)", default: "Tests/Fixtures/reference"),
        .init("--seed", "n", "seed of every random choice", default: "1"),
    ],
    flags: [("--bench", "time one forward and backward pass of each layer (H 128, T 35, B 32) and write nothing")])

command.main { options in
    let log = Log(quiet: options.quiet)
    let seed = UInt64(try options.int("--seed"))
    if options.has("--bench") {
        LayerBenchmark.run()
        KernelBenchmark.run()
        return
    }
    let fixtures = URL(fileURLWithPath: options.string("--fixtures"))
    let outputs = try BPTTChapter(seed: seed, quick: options.quick, fixtures: fixtures, log: log).run()
    try outputs.write(to: options.outputDirectory)
    log("Wrote \(outputs.files.count) files to \(options.outputDirectory.path).")
}
