import Foundation

/// Gradient clipping by global norm, `torch.nn.utils.clip_grad_norm_`: if the gradient is too
/// long, rescale it.
public enum GradientClipping {
    /// What one clipping did.
    public struct Outcome {
        /// `‖g‖`, over every parameter gradient together.
        public let totalNorm: Double
        /// `maxNorm / (‖g‖ + ε)`, and the factor applied, `min(1, that)`.
        public let coefficient: Double, appliedCoefficient: Double

        public init(totalNorm: Double, coefficient: Double, appliedCoefficient: Double) {
            self.totalNorm = totalNorm
            self.coefficient = coefficient
            self.appliedCoefficient = appliedCoefficient
        }
    }

    /// `‖g‖ = √(Σ_p ‖g_p‖²)`; if `‖g‖ > maxNorm`, every gradient is multiplied by
    /// `maxNorm / (‖g‖ + 10⁻⁶)`. The direction is kept; only the step's length is capped. As in
    /// PyTorch, the norm is the norm of the per-tensor norms.
    @discardableResult
    @_specialize(where S == Double)
    @_specialize(where S == Float)
    public static func clipGlobalNorm<S: Real>(_ parameters: [Parameter<S>], maxNorm: Double, epsilon: Double = 1e-6) -> Outcome {
        var squares: S = 0
        for s in sumsOfSquares(parameters) {               // ‖g_p‖² of each tensor p, in index order
            let norm = s.squareRoot()
            squares += norm * norm
        }
        let total = squares.squareRoot()
        let coefficient = S(maxNorm) / (total + S(epsilon)), applied = min(coefficient, 1)
        if applied < 1 {                                   // in place: no copy of the gradients
            for p in parameters { p.grad.withUnsafeMutableBufferPointer { g in for i in g.indices { g[i] *= applied } } }
        }
        return Outcome(totalNorm: Double(total), coefficient: Double(coefficient), appliedCoefficient: Double(applied))
    }

    /// `Σ_i g_i²` of each parameter's gradient, summed in index order. Each sum is one chain of
    /// additions, every one waiting for the one before it; the gradients go two at a time, the
    /// largest with the next largest, so that two chains advance side by side. Each chain does
    /// the same additions in the same order as it would alone.
    static func sumsOfSquares<S: Real>(_ parameters: [Parameter<S>]) -> [S] {
        var sums = [S](repeating: 0, count: parameters.count)
        let bySize = parameters.indices.sorted { parameters[$0].count > parameters[$1].count }
        for first in stride(from: 0, to: bySize.count, by: 2) {
            let a = bySize[first], b = first + 1 < bySize.count ? bySize[first + 1] : nil
            parameters[a].grad.withUnsafeBufferPointer { ga in
                var sa: S = 0, sb: S = 0, i = 0
                if let b {
                    parameters[b].grad.withUnsafeBufferPointer { gb in
                        while i < gb.count { sa += ga[i] * ga[i]; sb += gb[i] * gb[i]; i += 1 }
                    }
                    sums[b] = sb
                }
                while i < ga.count { sa += ga[i] * ga[i]; i += 1 }
                sums[a] = sa
            }
        }
        return sums
    }
}
