import Unrolled

// snippet.clip
/// Gradient clipping by global norm, `torch.nn.utils.clip_grad_norm_`: if the gradient of all
/// parameters together is longer than `maxNorm`, shorten it to about `maxNorm`, keeping its
/// direction.
///
///     ‖g‖ = √(Σ_p Σ_i g_{p,i}²),   c = maxNorm / (‖g‖ + ε),   g ← min(c, 1) · g
///
/// (PyTorch takes the norm of the per-parameter norms, the same number up to rounding.) Returns
/// `‖g‖`, `c` and the factor applied, `min(c, 1)`.
@discardableResult
public func clipGlobalNorm(_ parameters: [Parameter], maxNorm: Double, epsilon: Double = 1e-6)
    -> GradientClipping.Outcome {
    var squares = 0.0
    for p in parameters { for g in p.grad { squares += g * g } }
    let totalNorm = squares.squareRoot()
    let coefficient = maxNorm / (totalNorm + epsilon)
    let applied = min(coefficient, 1)
    for p in parameters { for i in 0..<p.count { p.grad[i] *= applied } }
    return GradientClipping.Outcome(totalNorm: totalNorm, coefficient: coefficient,
                                    appliedCoefficient: applied)
}
// snippet.end
