import Foundation
import Unrolled

/// The book's losses on matrices, written to be read: log-softmax, the negative log-likelihood,
/// softmax cross-entropy (the two together) and the mean squared error, each returning the loss
/// and its gradient. Rows are examples: `z [N, C]` holds one row of logits per example.
///
/// The array functions at the end have the signatures of the fast `SoftmaxCrossEntropy` and
/// `MeanSquaredError`, so a caller can swap one implementation for the other; the fast ones are
/// tested against these.
public enum Losses {
    // snippet.log-softmax
    /// `log softmax(z)_c = z_c - log Σ_j exp(z_j)`, row by row, `[N, C]` → `[N, C]`. Computed as
    /// `z_c - m - log Σ_j exp(z_j - m)` with `m = max_j z_j`: the same number, but no
    /// exponential can overflow, and the largest one is `exp(0) = 1`.
    public static func logSoftmax(_ z: Matrix) -> Matrix {
        var out = z
        for r in 0..<z.rows {
            let row = (0..<z.columns).map { z[r, $0] }
            let m = row.max() ?? 0
            let logSum = m + log(row.map { exp($0 - m) }.reduce(0, +))
            for c in 0..<z.columns { out[r, c] = z[r, c] - logSum }
        }
        return out
    }

    /// Through log-softmax: given `∂L/∂logp [N, C]` and `logp` itself, returns `∂L/∂z`,
    /// `∂L/∂z_c = ∂L/∂logp_c - softmax(z)_c Σ_j ∂L/∂logp_j` in each row (every `logp_j` depends
    /// on every `z_c` through the log of the sum).
    public static func logSoftmaxBackward(_ dLogp: Matrix, logProbabilities logp: Matrix)
        -> Matrix {
        let softmax = logp.map { exp($0) }
        var dz = dLogp
        for r in 0..<dLogp.rows {
            let total = (0..<dLogp.columns).map { dLogp[r, $0] }.reduce(0, +)
            for c in 0..<dLogp.columns { dz[r, c] = dLogp[r, c] - softmax[r, c] * total }
        }
        return dz
    }
    // snippet.end

    // snippet.nll
    /// The negative log-likelihood of the targets, a weighted mean over rows,
    ///
    ///     L = (1/Σ_n w_n) Σ_n w_n · (-logp[n, y_n]),   ∂L/∂logp[n, c] = -w_n [c = y_n] / Σ_n w_n
    ///
    /// with `w_n = 1` for every row when `weights` is `nil` (then a plain mean over the `N` rows);
    /// `w_n = classWeight[y_n]` is PyTorch's `NLLLoss(weight:)`. Only the target's entry of each
    /// row gets a gradient.
    public static func negativeLogLikelihood(
        _ logp: Matrix, targets: [Int], weights: [Double]? = nil
    ) -> (loss: Double, dLogProbabilities: Matrix) {
        precondition(targets.count == logp.rows, "\(targets.count) targets for \(logp.rows) rows")
        let w = weights ?? [Double](repeating: 1, count: targets.count)
        let W = w.reduce(0, +)
        var loss = 0.0
        var dLogp = Matrix(rows: logp.rows, columns: logp.columns)
        for (n, y) in targets.enumerated() {
            loss += w[n] * -logp[n, y]
            dLogp[n, y] = -w[n] / W           // through the pick of the target and the mean
        }
        return (loss / W, dLogp)
    }

    /// Softmax cross-entropy, PyTorch's `CrossEntropyLoss`: the negative log-likelihood of the
    /// log-softmax of the logits `z [N, C]`, a mean over rows. Its gradient is short,
    ///
    ///     ∂L/∂z = (softmax(z) - onehot(y)) / N,
    ///
    /// `logSoftmaxBackward` of `negativeLogLikelihood`'s gradient worked out by hand.
    public static func softmaxCrossEntropy(_ z: Matrix, targets: [Int])
        -> (loss: Double, dLogits: Matrix) {
        let logp = logSoftmax(z)
        let loss = negativeLogLikelihood(logp, targets: targets).loss
        let dz = (1 / Double(z.rows))
            * (logp.map { exp($0) } - Matrix.oneHot(targets, count: z.columns))
        return (loss, dz)
    }
    // snippet.end

    // snippet.mse
    /// The mean squared error over all `n` entries, `torch.nn.MSELoss()`:
    ///
    ///     L = (1/n) Σ_i (p_i - y_i)²,   ∂L/∂p = 2 (p - y) / n
    public static func meanSquaredError(_ p: Matrix, target y: Matrix)
        -> (loss: Double, dPrediction: Matrix) {
        let e = p - y
        let n = Double(e.values.count)
        return ((e .* e).sum / n, (2 / n) * e)
    }
    // snippet.end
}

/// The same losses on flat row-major buffers, with the fast implementation's signatures.
extension Losses {
    /// As `SoftmaxCrossEntropy.logSoftmax(_:classes:)`: `z [N, C]` → `[N, C]`.
    public static func logSoftmax(_ z: [Double], classes: Int) -> [Double] {
        logSoftmax(Matrix(rows: z.count / classes, columns: classes, values: z)).values
    }

    /// As `SoftmaxCrossEntropy.loss(logProbabilities:targets:classes:weights:)`: the weighted
    /// mean negative log-likelihood of `logp [N, C]` (the log-softmax of some logits `z`) and its
    /// gradient with respect to those *logits*, through the log-softmax,
    /// `∂L/∂z[n, c] = w_n (softmax(z_n)_c - [c = y_n]) / Σ w`.
    public static func loss(
        logProbabilities logp: [Double], targets: [Int], classes: Int, weights: [Double]? = nil
    ) -> (loss: Double, dLogits: [Double]) {
        let logp = Matrix(rows: targets.count, columns: classes, values: logp)
        let (loss, dLogp) = negativeLogLikelihood(logp, targets: targets, weights: weights)
        return (loss, logSoftmaxBackward(dLogp, logProbabilities: logp).values)
    }

    /// As `SoftmaxCrossEntropy.meanLoss(_:targets:classes:)`: the mean softmax cross-entropy of
    /// logits `z [N, C]`; on return `z` holds `∂L/∂z`.
    public static func meanLoss(_ z: inout [Double], targets: [Int], classes: Int) -> Double {
        let (loss, dz) = softmaxCrossEntropy(Matrix(rows: targets.count, columns: classes, values: z), targets: targets)
        z = dz.values
        return loss
    }

    /// As `MeanSquaredError.loss(prediction:target:)`, over all entries of two buffers.
    public static func loss(prediction p: [Double], target y: [Double]) -> (loss: Double, dPrediction: [Double]) {
        precondition(p.count == y.count, "\(p.count) predictions for \(y.count) targets")
        let (loss, dp) = meanSquaredError(Matrix(rows: 1, columns: p.count, values: p), target: Matrix(rows: 1, columns: y.count, values: y))
        return (loss, dp.values)
    }
}
