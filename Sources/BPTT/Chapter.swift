import Checks
import Foundation
import Plot
import Unrolled

/// Runs every part of the chapter and collects its outputs.
struct BPTTChapter {
    let seed: UInt64
    let quick: Bool
    let fixtures: URL
    let log: Log

    func run() throws -> OutputSet {
        var out = OutputSet()
        var summary: [(String, String)] = []
        func value(_ key: String, _ v: Double, digits: Int = 6) { summary.append((key, Format.number(v, digits: digits))) }

        // The PyTorch reference cases: every one must run and agree.
        let files = try Conformance.caseFiles(in: fixtures)
        guard !files.isEmpty else { throw UnrolledError("\(fixtures.path): no reference cases; pass --fixtures DIR") }
        var conformance = CSVTable(["case", "kind", "values_compared", "reference_max_abs_difference", "fast_max_abs_difference"])
        var worstConformance = 0.0
        for url in files {
            let fixture = try ReferenceFixture(contentsOf: url)
            var row = [fixture.name, fixture.kind]
            for implementation in [Implementation.reference, .fast] {
                let outcome = try Conformance.run(fixture, on: implementation)
                guard outcome.maxAbsDifference <= Conformance.tolerance else {
                    throw UnrolledError("\(outcome.file): the \(implementation) implementation differs from PyTorch by \(outcome.maxAbsDifference) at \(outcome.worstField)")
                }
                worstConformance = max(worstConformance, outcome.maxAbsDifference)
                if implementation == .reference { row.append("\(outcome.valuesCompared)") }
                row.append(Format.number(outcome.maxAbsDifference, digits: 2))
            }
            conformance.append(row)
        }
        out.add("conformance.csv", conformance)

        // BPTT at T = 3: the recursion for δ_t against the derivation's double sum.
        let worked = WorkedExample.run(seed: seed &+ 30)
        guard worked.doubleSumDifference <= 1e-15, worked.layerDifference <= 1e-15 else {
            throw UnrolledError("the worked example's two gradients differ by \(worked.doubleSumDifference) and \(worked.layerDifference)")
        }
        out.add("worked_example.txt", worked.text)
        log("Conformance: \(files.count) cases, largest difference \(Format.number(worstConformance, digits: 2)).")

        // Jobs that train run in parallel; each has its own seed.
        enum Job {
            case gradcheck([GradientTable.Row]), decay(GradientDecay.Result)
            case clipping([ClippingRun.Record], [ClippingRun.Record]), truncation(Double)
        }
        var decay = GradientDecay()
        var clipping = ClippingRun()
        var truncation = Truncation()
        if quick {
            decay.steps = 12; decay.seeds = 2; decay.hidden = 8
            clipping.iterations = 20; clipping.hidden = 8; clipping.steps = 10
            truncation.iterations = 20; truncation.windows = [2, 8]; truncation.delays = [1, 4]; truncation.hidden = 8
            truncation.length = 8; truncation.testSequences = 16
        }
        // the truncation experiment is one job per window and delay, the longest job otherwise
        let pairs = truncation.windows.flatMap { k in truncation.delays.map { d in (k, d) } }
        let jobs: [(Cancellation) throws -> Job] = [
            { _ in .gradcheck(GradientTable.run(seed: seed)) },
            { _ in .decay(decay.run(seed: seed &+ 100)) },
            { _ in .clipping(clipping.train(clip: false, seed: seed &+ 200), clipping.train(clip: true, seed: seed &+ 200)) },
        ] + pairs.map { k, d in { _ in .truncation(truncation.run(window: k, delay: d, seed: seed &+ 300)) } }
        let results = try parallelMap(jobs)
        let runs: [Double] = results.dropFirst(3).compactMap { if case let .truncation(a) = $0 { a } else { nil } }
        guard case let .gradcheck(rows) = results[0], case let .decay(decayResult) = results[1],
              case let .clipping(unclipped, clipped) = results[2], runs.count == pairs.count else {
            preconditionFailure("jobs returned out of order")
        }
        let D = truncation.delays.count
        let accuracy = truncation.windows.indices.map { i in Array(runs[(i * D)..<((i + 1) * D)]) }

        // Gradient checks.
        out.add("gradcheck.csv", GradientTable.table(rows))
        let worstCheck = rows.map(\.result.relativeError).max()!
        log("Gradient checks: \(rows.count) tensors, worst relative error \(Format.number(worstCheck, digits: 2)).")

        // (a) Vanishing and exploding.
        out.add("decay.csv", decay.table(decayResult))
        out.add("decay.svg", decay.chart(decayResult))

        // (b) The wall.
        let wall = Wall()
        let ws = [5.0, 6.0, 7.0]
        let bs = (0...600).map { -4 + 3 * Double($0) / 600 }
        let sections = wall.sections(ws: ws, bs: bs)
        var sectionTable = CSVTable(["b"] + ws.map { "loss_w_\(Format.number($0))" })
        for (i, b) in bs.enumerated() { sectionTable.append([Format.number(b)] + sections.map { Format.number($0[i], digits: 5) }) }
        out.add("wall_sections.csv", sectionTable)
        var sectionChart = LineChart(title: "Loss of the one-unit RNN along b, at three values of w",
                                     xLabel: "bias b", yLabel: "L = (x_50 − 0.7)² (log scale)")
        sectionChart.logY = true
        sectionChart.series = zip(ws, sections).map { LineChart.Series("w = \(Format.number($0.0))", x: bs, y: $0.1) }
        out.add("wall_sections.svg", sectionChart.svg)
        let (w0, b0, lr, iterations, threshold) = (6.3, -2.6, 0.02, 60, 10.0)
        let paths = [wall.descend(w: w0, b: b0, learningRate: lr, iterations: iterations, threshold: nil),
                     wall.descend(w: w0, b: b0, learningRate: lr, iterations: iterations, threshold: threshold)]
        var pathTable = CSVTable(["iteration", "clipped", "w", "b", "loss", "gradient_norm"])
        for (p, path) in paths.enumerated() {
            for (i, s) in path.enumerated() {
                pathTable.append(["\(i)", p == 1 ? "yes" : "no", Format.number(s.w), Format.number(s.b),
                                  Format.number(s.loss, digits: 5), Format.number(s.gradientNorm, digits: 5)])
            }
        }
        out.add("wall_descent.csv", pathTable)
        var pathChart = LineChart(title: "Gradient descent from (w, b) = (\(Format.number(w0)), \(Format.number(b0))), learning rate \(Format.number(lr))",
                                  xLabel: "iteration", yLabel: "loss (log scale)")
        pathChart.logY = true
        pathChart.series = [
            .init("no clipping", x: paths[0].indices.map(Double.init), y: paths[0].map(\.loss)),
            .init("gradient norm clipped at \(Format.number(threshold))", x: paths[1].indices.map(Double.init), y: paths[1].map(\.loss)),
        ]
        out.add("wall_descent.svg", pathChart.svg)
        let biggest = paths[0].max { $0.gradientNorm < $1.gradientNorm }!
        value("wall_start_loss", paths[0][0].loss, digits: 4)
        value("wall_max_gradient_norm", biggest.gradientNorm, digits: 3)
        let norms = paths[1].map(\.gradientNorm).sorted()
        value("wall_median_gradient_norm_clipped_run", norms[norms.count / 2], digits: 3)
        value("wall_final_loss_unclipped", paths[0].last!.loss, digits: 4)
        value("wall_final_w_unclipped", paths[0].last!.w, digits: 4)
        value("wall_final_b_unclipped", paths[0].last!.b, digits: 4)
        value("wall_final_loss_clipped", paths[1].last!.loss, digits: 4)
        value("wall_max_gradient_norm_clipped_run", paths[1].map(\.gradientNorm).max()!, digits: 3)

        // (c) Clipping while training.
        var clipTable = CSVTable(["step", "loss_unclipped", "gradient_norm_unclipped", "loss_clipped", "gradient_norm_clipped"])
        for i in 0..<max(unclipped.count, clipped.count) {
            func cells(_ r: [ClippingRun.Record]) -> [String] {
                i < r.count ? [Format.number(r[i].loss, digits: 5), Format.number(r[i].gradientNorm, digits: 5)] : ["", ""]
            }
            clipTable.append(["\(i + 1)"] + cells(unclipped) + cells(clipped))
        }
        out.add("clipping.csv", clipTable)
        func finite(_ r: [ClippingRun.Record], _ key: KeyPath<ClippingRun.Record, Double>) -> [(x: Double, y: Double)] {
            r.enumerated().filter { $0.element[keyPath: key].isFinite && $0.element[keyPath: key] > 0 }
                .map { (x: Double($0.offset + 1), y: $0.element[keyPath: key]) }
        }
        // Two panels: every value, on a scale of hundreds of decades, where the run without
        // clipping stops; then the clipped run's own range, which that run leaves within a few steps.
        func clippingFigure(_ title: String, yLabel: String, _ key: KeyPath<ClippingRun.Record, Double>) -> String {
            let runs = [LineChart.Series("no clipping", points: finite(unclipped, key)),
                        LineChart.Series("clipped at norm \(Format.number(clipping.threshold))", points: finite(clipped, key))]
            var whole = LineChart(title: "Every step", xLabel: "", yLabel: yLabel)
            whole.logY = true
            whole.series = runs
            whole.height = 330
            if let last = runs[0].points.last, runs[0].points.count < unclipped.count {
                whole.annotations = [.init(x: last.x, y: last.y, text: "after step \(Int(last.x)) the loss overflows to ∞: the run stops")]
            }
            let band = runs[1].points.map(\.y)
            var zoom = LineChart(title: "The range of the clipped run", xLabel: "step", yLabel: yLabel)
            zoom.logY = true
            zoom.series = runs
            zoom.height = 330
            zoom.legend = .hidden
            zoom.yRange = (band.min() ?? 1, band.max() ?? 1)
            let outside = runs[0].points.drop { $0.y <= zoom.yRange!.1 }
            if let leave = outside.first, outside.allSatisfy({ $0.y > zoom.yRange!.1 }) {
                zoom.clipNote = "▲ the run without clipping leaves this range at step \(Int(leave.x)) and never comes back"
            }
            return Panels(title: title, panels: [whole, zoom]).svg
        }
        out.add("clipping.svg", clippingFigure("Elman RNN started with ρ = \(Format.number(clipping.radius)), SGD \(Format.number(clipping.learningRate)): training loss",
                                               yLabel: "mean squared error (log scale)", \.loss))
        out.add("clipping_norms.svg", clippingFigure("Gradient norm before clipping, same runs", yLabel: "‖∇L‖ (log scale)", \.gradientNorm))
        func tail(_ r: ArraySlice<ClippingRun.Record>) -> Double {
            let t = r.suffix(max(1, r.count / 10)).map(\.loss)
            return t.reduce(0, +) / Double(t.count)
        }
        value("clipping_steps", Double(clipping.iterations))
        value("clipping_finite_steps_unclipped", Double(unclipped.filter { $0.loss.isFinite }.count))
        value("clipping_max_gradient_norm_unclipped", unclipped.map(\.gradientNorm).filter(\.isFinite).max()!, digits: 3)
        value("clipping_max_gradient_norm_clipped", clipped.map(\.gradientNorm).max()!, digits: 3)
        value("clipping_loss_at_step_50_unclipped", unclipped[min(49, unclipped.count - 1)].loss, digits: 3)
        value("clipping_final_loss_clipped", tail(clipped[...]), digits: 4)
        value("clipping_first_gradient_norm", unclipped[0].gradientNorm, digits: 4)

        // (d) Truncated BPTT.
        var truncTable = CSVTable(["window_k"] + truncation.delays.map { "accuracy_d_\($0)" })
        for (i, k) in truncation.windows.enumerated() {
            truncTable.append(["\(k)"] + accuracy[i].map { Format.fixed($0, decimals: 4) })
        }
        out.add("truncation.csv", truncTable)
        var truncChart = LineChart(title: "Recalling the bit read d steps earlier: GRU (H = \(truncation.hidden)), held-out accuracy",
                                   xLabel: "delay d (steps)", yLabel: "accuracy at t ≥ d")
        truncChart.yRange = (0.4, 1.0)
        truncChart.series = zip(truncation.windows, accuracy).map { k, acc in
            LineChart.Series(k >= truncation.length ? "full BPTT (k = T = \(k))" : "truncated, k = \(k)",
                             x: truncation.delays.map(Double.init), y: acc)
        }
        // Where the curves coincide (accuracy 1 at small d) the dashes let each show through.
        for (i, dash) in [nil, "9 4", "3 3", "12 3 2 3"].enumerated() where i < truncChart.series.count { truncChart.series[i].dash = dash }
        let delays = truncation.delays.map(Double.init)
        var chance = LineChart.Series("chance", x: [delays.first!, delays.last!], y: [0.5, 0.5], dashed: true)
        (chance.colour, chance.markers, chance.lineWidth) = ("#7F7F7F", false, 1.2)
        truncChart.series.append(chance)
        truncChart.xTickValues = delays
        out.add("truncation.svg", truncChart.svg)

        var table = CSVTable(["metric", "value"])
        table.append(["gradcheck_max_rel_error", Format.number(worstCheck, digits: 2)])
        table.append(["gradcheck_tensors", "\(rows.count)"])
        table.append(["conformance_cases", "\(files.count)"])
        table.append(["conformance_max_abs_error", Format.number(worstConformance, digits: 2)])
        for (key, means) in zip(decay.keys, decayResult.means) {
            table.append(["decay_\(key)_k10", Format.number(means[min(10, decay.steps - 1)], digits: 3)])
            table.append(["decay_\(key)_k\(decay.steps - 1)", Format.number(means[decay.steps - 1], digits: 3)])
        }
        for (k, v) in summary { table.append([k, v]) }
        out.add("summary.csv", table)
        return out
    }
}
