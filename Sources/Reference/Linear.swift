import Unrolled

/// A fully connected layer, `torch.nn.Linear`, written to be read:
///
///     y = x Wᵀ + b
///
/// Shapes: `x [B, I]`, `W [O, I]`, `b [1, O]` (added to every row), `y [B, O]`. The same
/// parameters, names and initialization as the fast `Unrolled.Linear`, which is tested against
/// this one.
public final class Linear: Module {
    public let inputSize: Int, outputSize: Int
    /// `W`, `[O, I]`.
    public let weight: Parameter
    /// `b`, `[O]`, or `nil` for a layer without bias.
    public let bias: Parameter?
    public var parameters: [Parameter] { bias.map { [weight, $0] } ?? [weight] }

    /// Weight and bias uniform in `[-1/√I, 1/√I]`, as `torch.nn.Linear`.
    public init(_ name: String, inputSize: Int, outputSize: Int, bias: Bool = true, rng: inout SeededRandom) {
        self.inputSize = inputSize
        self.outputSize = outputSize
        let k = 1 / Double(inputSize).squareRoot()
        weight = Parameter("\(name).weight", shape: [outputSize, inputSize], uniform: k, rng: &rng)
        self.bias = bias ? Parameter("\(name).bias", shape: [outputSize], uniform: k, rng: &rng) : nil
    }

    // snippet.linear-forward
    /// `y = x Wᵀ + b`, `[B, O]`.
    public func forward(_ x: Matrix) -> Matrix {
        x * Matrix(weight).transposed + Matrix(bias: bias, count: outputSize)
    }
    // snippet.end

    // snippet.linear-backward
    /// Given `dy = ∂L/∂y [B, O]` and the forward input `x [B, I]`, adds this batch's share to
    /// `∂L/∂W` and `∂L/∂b` and returns `∂L/∂x [B, I]`.
    @discardableResult
    public func backward(_ dy: Matrix, input x: Matrix) -> Matrix {
        weight.accumulate(dy.transposed * x)    // through x Wᵀ, for W: [O, B] · [B, I]
        bias?.accumulate(dy.columnSums)         // through + b, added to every row
        return dy * Matrix(weight)              // through x Wᵀ, for x: [B, O] · [O, I]
    }
    // snippet.end

    /// `forward` on a flat batch `x [B, I]`, row by row, as the fast layer takes it.
    public func forward(_ x: [Double], batch: Int) -> [Double] {
        forward(Matrix(rows: batch, columns: inputSize, values: x)).values
    }

    /// `backward` on flat buffers `dy [B, O]`, `x [B, I]`; returns `∂L/∂x` flat.
    @discardableResult
    public func backward(_ dy: [Double], input x: [Double], batch: Int) -> [Double] {
        backward(Matrix(rows: batch, columns: outputSize, values: dy), input: Matrix(rows: batch, columns: inputSize, values: x)).values
    }
}
