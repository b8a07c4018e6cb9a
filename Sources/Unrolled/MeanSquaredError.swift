/// The mean squared error, `torch.nn.MSELoss()`.
public enum MeanSquaredError {
    /// `L = (1/N) Σ_n (p_n - y_n)²` over all `N` entries, with `∂L/∂p = 2 (p - y) / N` and
    /// `∂L/∂y = -∂L/∂p`.
    @_specialize(where S == Double)
    @_specialize(where S == Float)
    public static func loss<S: Real>(prediction p: [S], target y: [S]) -> (loss: S, dPrediction: [S]) {
        precondition(p.count == y.count, "\(p.count) predictions for \(y.count) targets")
        let N = S(p.count)
        var total: S = 0
        var d = [S](repeating: 0, count: p.count)
        for n in 0..<p.count {
            let e = p[n] - y[n]
            total += e * e
            d[n] = 2 * e / N
        }
        return (total / N, d)
    }
}
