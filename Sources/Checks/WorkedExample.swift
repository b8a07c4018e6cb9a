import Reference
import Unrolled

/// Backpropagation through time at `T = 3`, computed twice: `δ_t` by the recursion the layers
/// use, and the gradient of `W_hh` by the `O(T²)` double sum of the derivation, every path from
/// each error `L_t` back to each step `k` where the weight acted. The two agree to rounding.
///
/// The network is an Elman layer (tanh) with `I = 2`, `H = 2`, one sequence (`B = 1`), and the
/// loss `L = Σ_t L_t` with `L_t = h_t · R_t` for fixed random rows `R_t`, so that `∂L_t/∂h_t = R_t`.
/// Row vectors throughout, as in the book's layers: `h_t = tanh(x_t W_ihᵀ + b + h_{t-1} W_hhᵀ)`.
public enum WorkedExample {
    public struct Result {
        /// The text the chapter shows.
        public let text: String
        /// The largest absolute difference between the two ways of computing `∂E/∂W_hh`, and
        /// between the recursion and the layer's own backward pass.
        public let doubleSumDifference: Double, layerDifference: Double
    }

    public static func run(seed: UInt64) -> Result {
        let T = 3, I = 2, H = 2
        var rng = SeededRandom(seed: seed)
        let layer = Reference.ElmanLayer("rnn", inputSize: I, hiddenSize: H, rng: &rng)
        let xs = (0..<T).map { _ in Matrix(rows: 1, columns: I, values: (0..<I).map { _ in rng.uniform(-1, 1) }) }
        let R = (0..<T).map { _ in Matrix(rows: 1, columns: H, values: (0..<H).map { _ in rng.uniform(-1, 1) }) }
        let Whh = Matrix(layer.weightHH)

        // forward: h_0 = 0, h_1 … h_T, and φ'(a_t) = 1 - h_t², written g'_t
        let trace = layer.forward(.dense(xs.flatMap(\.values)), steps: T, batch: 1)
        let h = (0...T).map { Matrix(rows: 1, columns: H, values: Array(trace.states[($0 * H)..<(($0 + 1) * H)])) }
        let g = (0...T).map { 1 - h[$0] .* h[$0] }                    // g[t] for t ≥ 1

        // the recursion: δ_T = R_T, δ_t = R_t + (δ_{t+1} ⊙ g'_{t+1}) W_hh
        var delta = [Matrix](repeating: Matrix(rows: 1, columns: H), count: T + 1)
        delta[T] = R[T - 1]
        for t in stride(from: T - 1, through: 1, by: -1) { delta[t] = R[t - 1] + (delta[t + 1] .* g[t + 1]) * Whh }
        var recursion = Matrix(rows: H, columns: H)                    // Σ_t (δ_t ⊙ g'_t)ᵀ h_{t-1}
        for t in 1...T { recursion += (delta[t] .* g[t]).transposed * h[t - 1] }

        // the double sum: Σ_t Σ_{k ≤ t} ((∂L_t/∂h_t) (∂h_t/∂h_k) ⊙ g'_k)ᵀ h_{k-1}, where carrying a
        // row v from h_j back to h_{j-1} is v ← (v ⊙ g'_j) W_hh
        var doubleSum = Matrix(rows: H, columns: H)
        for t in 1...T {
            var v = R[t - 1]                                            // ∂L_t/∂h_t
            for k in stride(from: t, through: 1, by: -1) {
                doubleSum += (v .* g[k]).transposed * h[k - 1]          // the path that ends at step k
                v = (v .* g[k]) * Whh                                   // one step further back
            }
        }

        // the layer's own backward pass, for the same loss
        layer.zeroGrad()
        _ = layer.backward(trace, dOutputs: R.flatMap(\.values), dLast: nil, inputGradient: false)
        let fromLayer = Matrix(rows: H, columns: H, values: layer.weightHH.grad)

        func largest(_ a: Matrix, _ b: Matrix) -> Double { zip(a.values, b.values).map { abs($0 - $1) }.max() ?? 0 }
        func row(_ m: Matrix) -> String { "[" + m.values.map { Format.number($0, digits: 6) }.joined(separator: ", ") + "]" }
        func rows(_ m: Matrix) -> String { (0..<m.rows).map { row(m.rows($0..<($0 + 1))) }.joined(separator: "\n    ") }
        let d1 = largest(recursion, doubleSum), d2 = largest(recursion, fromLayer)
        var lines = ["Elman layer (tanh), I = 2, H = 2, T = 3, one sequence; L = Σ_t h_t · R_t, so ∂L_t/∂h_t = R_t", ""]
        for t in 1...T { lines.append("R_\(t) = \(row(R[t - 1]))") }
        lines.append("")
        for t in stride(from: T, through: 1, by: -1) { lines.append("δ_\(t) = \(row(delta[t]))") }
        lines += ["", "∂L/∂W_hh by the recursion, Σ_t (δ_t ⊙ φ'(a_t))ᵀ h_(t-1):", "    " + rows(recursion),
                  "∂L/∂W_hh by the double sum over t and k ≤ t:", "    " + rows(doubleSum),
                  "∂L/∂W_hh from the layer's backward pass:", "    " + rows(fromLayer), "",
                  "largest difference, recursion against double sum: \(Format.number(d1, digits: 2))",
                  "largest difference, recursion against the layer: \(Format.number(d2, digits: 2))"]
        return Result(text: lines.joined(separator: "\n") + "\n", doubleSumDifference: d1, layerDifference: d2)
    }
}
