import Foundation
import Plot
import Unrolled

let command = ChapterCommand(
    name: "diagrams", slug: "diagrams",
    summary: "The book's diagrams of the networks: unrolled in time, the kinds of sequence problems, BPTT and its truncation, "
        + "the Elman, LSTM and GRU cells, a stack and two directions. They are drawn from code; nothing is read, trained or "
        + "multiplied, so --quick draws the same figures and --count-products counts none.",
    readsData: false)

// No --bench flag is declared (there is nothing to time), so the bench body is never called.
command.main(bench: { _ in }, run: { _, log in
    var outputs = OutputSet()
    for figure in BookDiagrams.all {
        outputs.add(figure.file, figure.diagram.svg)
        log("\(figure.file): \(figure.diagram.nodes.count) nodes, \(figure.diagram.arrows.count) arrows, \(figure.diagram.labels.count) labels")
    }
    return outputs
})
