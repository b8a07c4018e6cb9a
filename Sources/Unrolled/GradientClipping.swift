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
    }

    // snippet.clip
    /// `‖g‖ = √(Σ_p ‖g_p‖²)`; if `‖g‖ > maxNorm`, every gradient is multiplied by
    /// `maxNorm / (‖g‖ + 10⁻⁶)`. The direction is kept; only the step's length is capped. As in
    /// PyTorch, the norm is the norm of the per-tensor norms.
    @discardableResult
    public static func clipGlobalNorm(_ parameters: [Parameter], maxNorm: Double, epsilon: Double = 1e-6) -> Outcome {
        var squares = 0.0
        for p in parameters {
            var s = 0.0
            for g in p.grad { s += g * g }
            let norm = s.squareRoot()
            squares += norm * norm
        }
        let total = squares.squareRoot()
        let coefficient = maxNorm / (total + epsilon), applied = min(coefficient, 1)
        if applied < 1 {                                   // in place: no copy of the gradients
            for p in parameters { p.grad.withUnsafeMutableBufferPointer { g in for i in g.indices { g[i] *= applied } } }
        }
        return Outcome(totalNorm: total, coefficient: coefficient, appliedCoefficient: applied)
    }
    // snippet.end
}
