// swift-tools-version: 6.0
// Unrolled: recurrent neural networks derived, coded from scratch, checked and reproduced.
// No package dependencies: only the Swift toolchain.
import Foundation
import PackageDescription

// On an x86-64 machine with AVX2 and FMA (Linux, where /proc/cpuinfo says so), compile for that
// instruction set: SIMD4<Double> then fills one 256-bit register instead of two 128-bit ones.
// With AVX-512 as well, compile for it too: the vectors stay 256 bits wide, but there are 32
// registers instead of 16, and `REGISTERS32` lets a kernel keep sixteen sums in them. The
// results are the same bits either way: Swift never fuses a product and a sum into one rounding
// unless the code asks for it, and the book's code never does; no kernel's order of operations
// depends on the instruction set.
#if arch(x86_64)
let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
let wideVectors = cpu.contains(" avx2") && cpu.contains(" fma")
let avx512 = wideVectors && [" avx512f", " avx512vl", " avx512bw", " avx512dq"].allSatisfy { cpu.contains($0) }
#else
let wideVectors = false, avx512 = false
#endif
// Math functions need not set `errno` (nothing reads it): a square root is then one instruction,
// four or eight lanes at a time, instead of a scalar root and a test for a library call per lane.
// The root is correctly rounded either way, so the bits do not change.
let noErrno = ["-Xcc", "-fno-math-errno"]
let instructionSet = avx512 ? ["-target-cpu", "skylake-avx512", "-D", "REGISTERS32"] : wideVectors ? ["-target-cpu", "haswell"] : []
let vectorSettings: [SwiftSetting] = [.unsafeFlags(instructionSet + noErrno)]

let package = Package(
    name: "Unrolled",
    products: [
        .library(name: "Unrolled", targets: ["Unrolled"]),
        .library(name: "Reference", targets: ["Reference"]),
        .library(name: "Plot", targets: ["Plot"]),
        .executable(name: "classifier", targets: ["Classifier"]),
        .executable(name: "char-model", targets: ["CharModel"]),
        .executable(name: "word-model", targets: ["WordModel"]),
        .executable(name: "time-series", targets: ["TimeSeries"]),
        .executable(name: "bptt", targets: ["BPTT"]),
        .executable(name: "bidirectional", targets: ["Bidirectional"]),
        .executable(name: "diagrams", targets: ["Diagrams"]),
        .executable(name: "book", targets: ["Book"]),
    ],
    targets: [
        // MARK: - The library: storage, kernels, layers, losses, optimizers, data, output.
        .target(name: "Unrolled", swiftSettings: vectorSettings),

        // MARK: - The reference implementation: what the chapters list, plain Swift over arrays,
        // the fast library above tested against it.
        .target(name: "Reference", dependencies: ["Unrolled"]),

        // MARK: - The checks that keep both implementations honest: PyTorch's reference cases
        // run on each, and finite differences on whole networks.
        .target(name: "Checks", dependencies: ["Unrolled", "Reference"]),

        // MARK: - The SVG renderer used by every figure.
        .target(name: "Plot"),

        // MARK: - One thin executable per chapter.
        .executableTarget(name: "Classifier", dependencies: ["Unrolled", "Reference", "Plot"], swiftSettings: vectorSettings),
        .executableTarget(name: "CharModel", dependencies: ["Unrolled", "Reference", "Plot"], swiftSettings: vectorSettings),
        .executableTarget(name: "WordModel", dependencies: ["Unrolled", "Plot"], swiftSettings: vectorSettings),
        .executableTarget(name: "TimeSeries", dependencies: ["Unrolled", "Plot"], swiftSettings: vectorSettings),
        .executableTarget(name: "BPTT", dependencies: ["Unrolled", "Checks", "Plot"], swiftSettings: vectorSettings),
        .executableTarget(name: "Bidirectional", dependencies: ["Unrolled", "Checks", "Plot"], swiftSettings: vectorSettings),
        // The book's diagrams of the networks, drawn by Plot's Diagram; they read no data.
        .executableTarget(name: "Diagrams", dependencies: ["Unrolled", "Plot"]),

        // MARK: - The book tool: literate sync, golden diffs, data download.
        .target(name: "Literate"),
        .executableTarget(name: "Book", dependencies: ["Literate", "Unrolled", "Checks"], swiftSettings: vectorSettings),

        // MARK: - Tests.
        .testTarget(name: "UnrolledTests", dependencies: ["Unrolled", "Checks"]),
        .testTarget(name: "ReferenceTests", dependencies: ["Unrolled", "Reference"]),
        // The diagrams' geometry is checked on the book's own figures (the Diagrams executable).
        .testTarget(name: "PlotTests", dependencies: ["Plot", "Diagrams"]),
        .testTarget(name: "LiterateTests", dependencies: ["Literate"]),
        // The chapters' own code (executable targets, reached with `@testable import`).
        .testTarget(name: "ChapterTests", dependencies: ["CharModel", "Classifier", "TimeSeries", "WordModel", "Unrolled", "Reference"]),
    ],
    swiftLanguageModes: [.v6]
)
