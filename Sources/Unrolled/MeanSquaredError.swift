/// The mean squared error, `torch.nn.MSELoss()`.
public enum MeanSquaredError {
    /// `L = (1/N) Σ_n (p_n - y_n)²` over all `N` entries, with `∂L/∂p = 2 (p - y) / N` and
    /// `∂L/∂y = -∂L/∂p`.
    public static func loss(prediction p: [Double], target y: [Double]) -> (loss: Double, dPrediction: [Double]) {
        precondition(p.count == y.count, "\(p.count) predictions for \(y.count) targets")
        let N = Double(p.count)
        var total = 0.0
        var d = [Double](repeating: 0, count: p.count)
        for n in 0..<p.count {
            let e = p[n] - y[n]
            total += e * e
            d[n] = 2 * e / N
        }
        return (total / N, d)
    }
}
