// swift-tools-version: 6.0
// Unrolled: recurrent neural networks derived, coded from scratch, checked and reproduced.
// No package dependencies: only the Swift toolchain.
import PackageDescription

let package = Package(
    name: "Unrolled",
    products: [
        .library(name: "Unrolled", targets: ["Unrolled"]),
        .library(name: "Plot", targets: ["Plot"]),
        .executable(name: "classifier", targets: ["Classifier"]),
        .executable(name: "char-model", targets: ["CharModel"]),
        .executable(name: "word-model", targets: ["WordModel"]),
        .executable(name: "time-series", targets: ["TimeSeries"]),
        .executable(name: "bptt", targets: ["BPTT"]),
        .executable(name: "bidirectional", targets: ["Bidirectional"]),
        .executable(name: "book", targets: ["Book"]),
    ],
    targets: [
        // MARK: - The library: storage, kernels, layers, losses, optimizers, data, output.
        .target(name: "Unrolled"),

        // MARK: - The SVG renderer used by every figure.
        .target(name: "Plot"),

        // MARK: - One thin executable per chapter.
        .executableTarget(name: "Classifier", dependencies: ["Unrolled", "Plot"]),
        .executableTarget(name: "CharModel", dependencies: ["Unrolled", "Plot"]),
        .executableTarget(name: "WordModel", dependencies: ["Unrolled", "Plot"]),
        .executableTarget(name: "TimeSeries", dependencies: ["Unrolled", "Plot"]),
        .executableTarget(name: "BPTT", dependencies: ["Unrolled", "Plot"]),
        .executableTarget(name: "Bidirectional", dependencies: ["Unrolled", "Plot"]),

        // MARK: - The book tool: literate sync, golden diffs, data download.
        .target(name: "Literate"),
        .executableTarget(name: "Book", dependencies: ["Literate", "Unrolled"]),

        // MARK: - Tests.
        .testTarget(name: "UnrolledTests", dependencies: ["Unrolled"]),
        .testTarget(name: "PlotTests", dependencies: ["Plot"]),
        .testTarget(name: "LiterateTests", dependencies: ["Literate"]),
    ],
    swiftLanguageModes: [.v5]
)
