import Foundation
import Plot
import Unrolled

/// Experiment (a): how `‖∂L/∂h_{T-k}‖` changes with the distance `k`, for Elman layers whose
/// recurrent matrix has spectral radius ρ, and for an LSTM and a GRU of the same size.
struct GradientDecay {
    var hidden = 32, input = 4, steps = 60, seeds = 10
    let radii: [Double] = [0.5, 0.9, 1.0, 1.1, 1.5]

    /// A random orthogonal `[n, n]` matrix (Gram-Schmidt on Gaussian rows): every eigenvalue and
    /// every singular value has modulus 1, so `ρ · Q` has spectral radius and norm exactly `ρ`.
    static func orthogonal(_ n: Int, rng: inout SeededRandom) -> [Double] {
        var q = (0..<(n * n)).map { _ in rng.normal() }
        for i in 0..<n {
            for j in 0..<i {
                var d = 0.0
                for k in 0..<n { d += q[i * n + k] * q[j * n + k] }
                for k in 0..<n { q[i * n + k] -= d * q[j * n + k] }
            }
            var norm = 0.0
            for k in 0..<n { norm += q[i * n + k] * q[i * n + k] }
            norm = norm.squareRoot()
            for k in 0..<n { q[i * n + k] /= norm }
        }
        return q
    }

    // snippet.gradient-at-distance
    /// `‖∂L/∂s_{T-k}‖` for `k = 0 … T-1`, with `L = r · h_T` for a unit vector `r`. The gradient
    /// at `s_{T-k}` (the state `h`, and `c` for an LSTM) is the `∂L/∂h0` of the same layer run
    /// over the last `k` inputs from that state: BPTT through exactly `k` steps.
    static func gradientNorms(_ layer: any SequenceLayer<Precision>, x: [Double], steps T: Int,
                              r: [Double]) -> [Double] {
        let H = layer.hiddenSize, I = layer.inputSize
        let full = layer.forward(.dense(x), steps: T, batch: 1, h0: nil, c0: nil)
        var norms = [1.0]                                   // k = 0: ∂L/∂h_T = r
        for k in 1..<T {
            let start = T - k
            let h = Array(full.states[(start * H)..<((start + 1) * H)])
            let c = layer.hasCellState ? Array(full.cells[(start * H)..<((start + 1) * H)]) : nil
            let suffix = layer.forward(.dense(Array(x[(start * I)...])), steps: k, batch: 1,
                                       h0: h, c0: c)
            let g = layer.backward(suffix, dOutputs: nil, dLast: r, dLastCell: nil,
                                   inputGradient: false)
            norms.append((g.dh0 + g.dc0).reduce(0) { $0 + $1 * $1 }.squareRoot())
        }
        return norms
    }
    // snippet.end

    struct Result {
        let labels: [String]
        /// `[series][k]`, the mean over seeds.
        let means: [[Double]]
    }

    func run(seed: UInt64) -> Result {
        let labels = radii.map { "Elman, ρ = \(Format.number($0))" }
            + ["LSTM", "LSTM, forget-gate bias 3", "GRU"]
        var sums = [[Double]](repeating: [Double](repeating: 0, count: steps), count: labels.count)
        for s in 0..<seeds {
            var rng = SeededRandom(seed: seed &+ UInt64(s))
            let x = (0..<(steps * input)).map { _ in rng.normal() }
            var r = (0..<hidden).map { _ in rng.normal() }
            let n = r.reduce(0) { $0 + $1 * $1 }.squareRoot()
            r = r.map { $0 / n }
            let q = Self.orthogonal(hidden, rng: &rng)
            var layers: [any SequenceLayer<Precision>] = []
            for rho in radii {
                let elman = ElmanLayer("rnn", inputSize: input, hiddenSize: hidden, rng: &rng)
                elman.weightHH.value = q.map { rho * $0 }
                layers.append(elman)
            }
            layers.append(LSTMLayer("lstm", inputSize: input, hiddenSize: hidden, rng: &rng))
            // The same, with b_f = b_ih,f + b_hh,f = 3: σ(3) ≈ 0.95, so the cell starts out remembering.
            let remembering = LSTMLayer("lstm", inputSize: input, hiddenSize: hidden, rng: &rng)
            for j in hidden..<(2 * hidden) { remembering.biasIH!.value[j] = 1.5; remembering.biasHH!.value[j] = 1.5 }
            layers.append(remembering)
            layers.append(GRULayer("gru", inputSize: input, hiddenSize: hidden, rng: &rng))
            for (i, layer) in layers.enumerated() {
                let norms = Self.gradientNorms(layer, x: x, steps: steps, r: r)
                for k in 0..<steps { sums[i][k] += norms[k] / Double(seeds) }
            }
        }
        return Result(labels: labels, means: sums)
    }

    /// Column names, in the order of the series.
    var keys: [String] { radii.map { "elman_rho_\(Format.number($0))" } + ["lstm", "lstm_forget_bias_3", "gru"] }

    func table(_ r: Result) -> CSVTable {
        var t = CSVTable(["k"] + keys)
        for k in 0..<steps { t.append(["\(k)"] + r.means.map { Format.number($0[k], digits: 4) }) }
        return t
    }

    func chart(_ r: Result) -> String {
        var chart = LineChart(title: "Gradient norm k steps back, mean of \(seeds) seeds (H = \(hidden))",
                              xLabel: "k (steps back from the loss)", yLabel: "‖∂L/∂state at T−k‖ (log scale)")
        chart.logY = true
        let xs = (0..<steps).map(Double.init)
        chart.series = zip(r.labels, r.means).map { LineChart.Series($0.0, x: xs, y: $0.1) }
        // The gated cells in thicker lines, the two LSTMs in one colour (sky blue: dashed at
        // PyTorch's initialization, solid with the forget-gate bias), the GRU dotted in black, so
        // that it stays visible where it runs along the LSTM.
        for (i, style) in [(radii.count, "9 4"), (radii.count + 1, nil), (radii.count + 2, "2 3")].enumerated() where style.0 < chart.series.count {
            chart.series[style.0].colour = i == 2 ? "#000000" : "#56B4E9"
            chart.series[style.0].dash = style.1
            chart.series[style.0].lineWidth = 2.4
        }
        chart.height = 480
        return chart.svg
    }
}
