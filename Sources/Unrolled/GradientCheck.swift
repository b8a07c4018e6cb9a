/// Compares analytic gradients with finite differences, entry by entry.
///
/// For each entry `θ_i` the numerical derivative is the five-point central difference
///
///     n_i = (-L(θ_i + 2ε) + 8 L(θ_i + ε) - 8 L(θ_i - ε) + L(θ_i - 2ε)) / 12ε
///
/// whose truncation error is `O(ε⁴)`; with `ε = 1e-4` in `Double` its rounding error is about
/// `1e-16 · |L| / ε ≈ 1e-12`. A tensor's relative error is norm-wise,
/// `‖a - n‖ / (‖a‖ + ‖n‖)` (`a` analytic, `n` numerical), so that entries whose gradient is tiny
/// do not turn rounding noise into a large ratio; a correct backward pass gives about 1e-10 or
/// less, a wrong one about 1e-1 or more. The largest entry-wise absolute difference is reported too.
public enum GradientCheck {
    /// The result for one parameter tensor.
    public struct Result {
        public let name: String
        public let entriesChecked: Int
        /// The largest |analytic| among the checked entries, for scale.
        public let maxAbsGradient: Double
        public let maxAbsDifference: Double
        /// `‖a - n‖ / (‖a‖ + ‖n‖)` over the checked entries (0 when both are zero).
        public let relativeError: Double
    }

    /// Checks `parameters`, whose `grad` must already hold the analytic gradient of `loss()`.
    ///
    /// - Parameter maxEntries: at most this many entries per tensor, evenly spaced (all if `nil`).
    public static func run(
        _ parameters: [Parameter<Double>], epsilon: Double = 1e-4, maxEntries: Int? = nil, loss: () -> Double
    ) -> [Result] {
        parameters.map { p in
            check(name: p.name, analytic: p.grad, epsilon: epsilon, maxEntries: maxEntries,
                  get: { p.value[$0] }, set: { p.value[$0] = $1 }, loss: loss)
        }
    }

    /// The same check for any differentiable input: `get`/`set` read and write entry `i`.
    public static func check(
        name: String, analytic: [Double], epsilon: Double = 1e-4, maxEntries: Int? = nil,
        get: (Int) -> Double, set: (Int, Double) -> Void, loss: () -> Double
    ) -> Result {
        let n = analytic.count
        let stride = maxEntries.map { Swift.max(1, n / $0) } ?? 1
        var checked = 0, maxAbs = 0.0, maxDiff = 0.0, diff2 = 0.0, a2 = 0.0, n2 = 0.0
        var i = 0
        // snippet.gradient-check
        while i < n {
            let saved = get(i)
            func at(_ k: Double) -> Double { set(i, saved + k * epsilon); return loss() }
            let numerical = (-at(2) + 8 * at(1) - 8 * at(-1) + at(-2)) / (12 * epsilon)
            set(i, saved)
            let a = analytic[i], d = a - numerical
            maxAbs = Swift.max(maxAbs, abs(a))
            maxDiff = Swift.max(maxDiff, abs(d))
            diff2 += d * d
            a2 += a * a
            n2 += numerical * numerical
            checked += 1
            i += stride
        }
        // snippet.end
        let denominator = a2.squareRoot() + n2.squareRoot()
        return Result(name: name, entriesChecked: checked, maxAbsGradient: maxAbs, maxAbsDifference: maxDiff,
                      relativeError: denominator == 0 ? 0 : diff2.squareRoot() / denominator)
    }
}
