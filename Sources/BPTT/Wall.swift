import Foundation
import Plot
import Unrolled

/// Experiment (b): the single-unit recurrent network of Pascanu, Mikolov and Bengio (2013),
///
///     x_t = w σ(x_{t-1}) + b,   x_0 = 0.5,   L = (x_T - 0.7)²,   T = 50,
///
/// whose loss surface has a "wall": as `b` crosses a bifurcation of the map, `x_T` jumps
/// between two fixed points and the loss with it.
struct Wall {
    var steps = 50
    let start = 0.5, target = 0.7

    // snippet.wall-bptt
    /// The loss and its gradient `(∂L/∂w, ∂L/∂b)`, by backpropagation through time written out
    /// for one unit.
    func lossAndGradient(w: Double, b: Double) -> (loss: Double, dw: Double, db: Double) {
        func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }
        var x = [start]                      // x_0 ... x_T
        for _ in 0..<steps { x.append(w * sigmoid(x.last!) + b) }
        let loss = (x[steps] - target) * (x[steps] - target)
        var dx = 2 * (x[steps] - target)     // ∂L/∂x_T
        var dw = 0.0, db = 0.0
        for t in stride(from: steps, through: 1, by: -1) {
            let s = sigmoid(x[t - 1])
            dw += dx * s                     // through x_t = w σ(x_{t-1}) + b, for w
            db += dx                         // ... for b
            dx *= w * s * (1 - s)            // ... for x_{t-1}: one more factor ∂x_t/∂x_{t-1}
        }
        return (loss, dw, db)
    }
    // snippet.end

    /// Cross-sections `L(b)` at fixed `w`.
    func sections(ws: [Double], bs: [Double]) -> [[Double]] {
        ws.map { w in bs.map { lossAndGradient(w: w, b: $0).loss } }
    }

    struct Step { let w: Double, b: Double, loss: Double, gradientNorm: Double }

    /// Gradient descent from `(w, b)`, clipping the gradient's norm at `threshold` when given.
    func descend(w: Double, b: Double, learningRate: Double, iterations: Int, threshold: Double?) -> [Step] {
        var (w, b) = (w, b)
        var path: [Step] = []
        for _ in 0..<iterations {
            var (loss, dw, db) = lossAndGradient(w: w, b: b)
            let norm = (dw * dw + db * db).squareRoot()
            path.append(Step(w: w, b: b, loss: loss, gradientNorm: norm))
            guard loss.isFinite, norm.isFinite else { break }
            if let threshold, norm > threshold { dw *= threshold / norm; db *= threshold / norm }
            w -= learningRate * dw
            b -= learningRate * db
        }
        return path
    }
}
