import Checks
import Foundation
import Plot
import Unrolled

/// Runs every part of the chapter and collects its outputs.
struct BidirectionalChapter {
    let seed: UInt64
    let quick: Bool
    let names: NamesData
    let text: TimeMachineText
    let log: Log

    func run() throws -> OutputSet {
        var out = OutputSet()
        var lookAhead = LookAhead(), masked = MaskedLetter(), leak = FutureLeak()
        let cells: [(RecurrentNetwork.Cell, String)] = [(.rnnTanh, "Elman"), (.gru, "GRU"), (.lstm, "LSTM")]
        if quick {
            lookAhead.iterations = 30; lookAhead.shifts = [0, 2]; lookAhead.testSequences = 16
            masked.epochs = 1; masked.hidden = 8
            leak.iterations = 10; leak.hidden = 8; leak.sampleLength = 10
        }

        // Gradient checks of the bidirectional layer, one per cell.
        var check = CSVTable(["layer", "tensor", "entries", "relative_error"])
        var worst = 0.0
        for (k, (cell, name)) in cells.enumerated() {
            for r in NetworkGradientCheck.run(.init(cell: cell, inputSize: 3, hiddenSize: 4, bidirectional: true), seed: seed &+ UInt64(k)) {
                check.append(["bidirectional \(name)", r.name, "\(r.entriesChecked)", Format.number(r.relativeError, digits: 2)])
                worst = max(worst, r.relativeError)
            }
        }
        out.add("gradcheck.csv", check)

        // The held-out names of chapter 1's split, each with one masked letter.
        let split = NamesSplit(names, testFraction: 0.1, validationFraction: 0.1, seed: 2024)
        var maskRandom = SeededRandom(seed: seed &+ 400)
        var trainNames = split.train.map(\.name), testNames = split.test.map(\.name)
        if quick { trainNames = Array(trainNames.prefix(300)); testNames = Array(testNames.prefix(100)) }
        let test = MaskedLetter.examples(testNames, rng: &maskRandom)

        enum Job { case accuracy(Double), leak(FutureLeak.Result) }
        var jobs: [(Cancellation) throws -> Job] = []
        for k in lookAhead.shifts {
            for bi in [false, true] { jobs.append { _ in .accuracy(lookAhead.run(shift: k, bidirectional: bi, seed: seed &+ 100)) } }
        }
        for (cell, _) in cells {
            for bi in [false, true] {
                jobs.append { _ in .accuracy(masked.run(cell: cell, bidirectional: bi, train: trainNames, test: test, seed: seed &+ 200)) }
            }
        }
        for bi in [false, true] { jobs.append { _ in .leak(leak.run(text.symbols, bidirectional: bi, seed: seed &+ 300)) } }
        let results = try parallelMap(jobs)
        func accuracy(_ i: Int) -> Double { if case .accuracy(let a) = results[i] { return a }; preconditionFailure() }
        func leakResult(_ i: Int) -> FutureLeak.Result { if case .leak(let r) = results[i] { return r }; preconditionFailure() }

        // (a)
        var shiftTable = CSVTable(["shift_k", "accuracy_unidirectional", "accuracy_bidirectional"])
        var uni: [Double] = [], bi: [Double] = []
        for (i, k) in lookAhead.shifts.enumerated() {
            uni.append(accuracy(2 * i)); bi.append(accuracy(2 * i + 1))
            shiftTable.append(["\(k)", Format.fixed(uni[i], decimals: 4), Format.fixed(bi[i], decimals: 4)])
        }
        out.add("lookahead.csv", shiftTable)
        var chart = LineChart(title: "Label = the symbol k steps ahead: held-out accuracy (Elman, H = \(lookAhead.hidden))",
                              xLabel: "k (steps ahead)", yLabel: "accuracy")
        chart.yRange = (0, 1)
        let ks = lookAhead.shifts.map(Double.init)
        chart.series = [.init("unidirectional", x: ks, y: uni), .init("bidirectional", x: ks, y: bi),
                        .init("chance", x: ks, y: ks.map { _ in 1 / Double(lookAhead.symbols) }, dashed: true)]
        (chart.series[2].colour, chart.series[2].markers, chart.series[2].lineWidth) = ("#7F7F7F", false, 1.2)
        chart.xTickValues = ks
        out.add("lookahead.svg", chart.svg)
        let ahead = lookAhead.shifts.indices.filter { lookAhead.shifts[$0] > 0 }

        // (b)
        let base = 2 * lookAhead.shifts.count
        var maskTable = CSVTable(["cell", "accuracy_unidirectional", "accuracy_bidirectional"])
        for (i, (_, name)) in cells.enumerated() {
            maskTable.append([name, Format.fixed(accuracy(base + 2 * i), decimals: 4), Format.fixed(accuracy(base + 2 * i + 1), decimals: 4)])
        }
        out.add("masked_letter.csv", maskTable)
        // The frequency baseline: always the most common letter of the training names.
        var counts = [Int](repeating: 0, count: NamesData.alphabet.count)
        for n in trainNames { for l in NamesData.indices(of: n) { counts[l] += 1 } }
        let commonest = counts.indices.max { counts[$0] < counts[$1] }!
        let baseline = Double(test.filter { $0.letters[$0.position] == commonest }.count) / Double(test.count)

        // (c)
        let leakBase = base + 2 * cells.count
        let (lmUni, lmBi) = (leakResult(leakBase), leakResult(leakBase + 1))
        var lmTable = CSVTable(["model", "validation_perplexity", "sample"])
        lmTable.append(["unidirectional GRU", Format.number(lmUni.validationPerplexity, digits: 4), lmUni.sample])
        lmTable.append(["bidirectional GRU", Format.number(lmBi.validationPerplexity, digits: 4), lmBi.sample])
        out.add("language_model.csv", lmTable)
        out.add("samples.txt", "unidirectional GRU:\n  \(lmUni.sample)\nbidirectional GRU:\n  \(lmBi.sample)\n")

        var summary = CSVTable(["metric", "value"])
        func add(_ k: String, _ v: Double, _ digits: Int = 4) { summary.append([k, Format.number(v, digits: digits)]) }
        add("synthetic_accuracy_bidirectional", ahead.map { bi[$0] }.reduce(0, +) / Double(ahead.count))
        add("synthetic_accuracy_unidirectional", ahead.map { uni[$0] }.reduce(0, +) / Double(ahead.count))
        add("synthetic_accuracy_unidirectional_k0", uni[0])
        add("synthetic_chance", 1 / Double(lookAhead.symbols))
        add("masked_char_accuracy_bidirectional", accuracy(base + 3))       // GRU
        add("masked_char_accuracy_unidirectional", accuracy(base + 2))
        add("masked_char_accuracy_commonest_letter", baseline)
        summary.append(["masked_char_commonest_letter", String(NamesData.alphabet[commonest])])
        add("masked_char_test_names", Double(test.count))
        add("lm_perplexity_unidirectional", lmUni.validationPerplexity)
        add("lm_perplexity_bidirectional", lmBi.validationPerplexity)
        add("gradcheck_max_rel_error", worst, 2)
        out.add("summary.csv", summary)
        return out
    }
}
