/// Compares analytic gradients with central finite differences, entry by entry.
///
/// For every entry `θ_i` checked, the numerical derivative is
/// `(L(θ_i + ε) - L(θ_i - ε)) / 2ε`, whose error is `O(ε²)`; the relative error is
/// `|a - n| / max(|a| + |n|, floor)` (`a` analytic, `n` numerical). In `Double` with `ε = 1e-5`
/// a correct backward pass gives relative errors around 1e-9 or smaller; a wrong one gives errors
/// near 1.
public enum GradientCheck {
    /// The result for one parameter tensor.
    public struct Result {
        public let name: String
        public let entriesChecked: Int
        /// The largest |analytic| among the checked entries, for scale.
        public let maxAbsGradient: Double
        public let maxAbsDifference: Double
        public let maxRelativeError: Double
    }

    /// Checks `parameters`, whose `grad` must already hold the analytic gradient of `loss()`.
    ///
    /// - Parameters:
    ///   - maxEntries: at most this many entries per tensor, spread evenly (all when `nil`).
    ///   - floor: denominators below this are replaced by it, so that entries whose gradient is
    ///     zero both ways count as exact rather than as 0/0.
    public static func run(
        _ parameters: [Parameter], epsilon: Double = 1e-5, maxEntries: Int? = nil, floor: Double = 1e-10,
        loss: () -> Double
    ) -> [Result] {
        var results: [Result] = []
        for p in parameters {
            let analytic = p.grad
            let n = p.count
            let stride = maxEntries.map { Swift.max(1, n / $0) } ?? 1
            var checked = 0, maxAbs = 0.0, maxDiff = 0.0, maxRel = 0.0
            var i = 0
            while i < n {
                let saved = p.value[i]
                p.value[i] = saved + epsilon
                let plus = loss()
                p.value[i] = saved - epsilon
                let minus = loss()
                p.value[i] = saved
                let numerical = (plus - minus) / (2 * epsilon)
                let a = analytic[i]
                let diff = abs(a - numerical)
                maxAbs = Swift.max(maxAbs, abs(a))
                maxDiff = Swift.max(maxDiff, diff)
                maxRel = Swift.max(maxRel, diff / Swift.max(abs(a) + abs(numerical), floor))
                checked += 1
                i += stride
            }
            p.grad = analytic
            results.append(Result(name: p.name, entriesChecked: checked, maxAbsGradient: maxAbs,
                                  maxAbsDifference: maxDiff, maxRelativeError: maxRel))
        }
        return results
    }
}
