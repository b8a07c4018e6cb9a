/// A fully connected layer, `y = x Wᵀ + b`, with PyTorch's layout and initialization.
///
/// Shapes: `x [B, I]`, `weight W [O, I]`, `bias b [O]`, `y [B, O]`.
public final class Linear<S: Real>: Module {
    public let inputSize: Int
    public let outputSize: Int
    /// `W`, shape `[O, I]`.
    public let weight: Parameter<S>
    /// `b`, shape `[O]`, or `nil` for a layer without bias.
    public let bias: Parameter<S>?

    public var parameters: [Parameter<S>] { bias.map { [weight, $0] } ?? [weight] }

    /// Weights and bias uniform in `[-1/√I, 1/√I]`, as `torch.nn.Linear`.
    public init(_ name: String, inputSize: Int, outputSize: Int, bias: Bool = true, rng: inout SeededRandom) {
        self.inputSize = inputSize
        self.outputSize = outputSize
        let k = 1 / Double(inputSize).squareRoot()
        weight = Parameter("\(name).weight", shape: [outputSize, inputSize], uniform: k, rng: &rng)
        self.bias = bias ? Parameter("\(name).bias", shape: [outputSize], uniform: k, rng: &rng) : nil
    }

    /// `y[B, O] = x[B, I] · Wᵀ + b`.
    @_specialize(where S == Double)
    @_specialize(where S == Float)
    public func forward(_ x: [S], batch: Int) -> [S] {
        precondition(x.count == batch * inputSize, "\(weight.name): x has \(x.count) values, expected [B, I] = [\(batch), \(inputSize)]")
        var y = [S](repeating: 0, count: batch * outputSize)
        if let bias {
            for b in 0..<batch { for o in 0..<outputSize { y[b * outputSize + o] = bias.value[o] } }
        }
        x.withUnsafeBufferPointer { xp in
            weight.value.withUnsafeBufferPointer { wp in
                y.withUnsafeMutableBufferPointer { yp in
                    MatrixProduct.addProductTransposedB(
                        m: batch, n: outputSize, k: inputSize, a: xp.baseAddress!, lda: inputSize,
                        b: wp.baseAddress!, ldb: inputSize, c: yp.baseAddress!, ldc: outputSize)
                }
            }
        }
        return y
    }

    /// Given `dy = ∂L/∂y [B, O]` and the forward input `x [B, I]`: accumulates
    /// `∂L/∂W += dyᵀ · x` and `∂L/∂b += Σ_b dy`, and returns `∂L/∂x = dy · W` `[B, I]`.
    @discardableResult
    @_specialize(where S == Double)
    @_specialize(where S == Float)
    public func backward(_ dy: [S], input x: [S], batch: Int) -> [S] {
        precondition(dy.count == batch * outputSize && x.count == batch * inputSize,
                     "\(weight.name): dy has \(dy.count) values and x \(x.count), expected [B, O] = [\(batch), \(outputSize)] and [B, I] = [\(batch), \(inputSize)]")
        // through the product x·Wᵀ, for W: dW[O, I] += dyᵀ[O, B] · x[B, I]
        dy.withUnsafeBufferPointer { dyp in
            x.withUnsafeBufferPointer { xp in
                weight.grad.withUnsafeMutableBufferPointer { gp in
                    MatrixProduct.addProductTransposedA(
                        m: outputSize, n: inputSize, k: batch, a: dyp.baseAddress!, lda: outputSize,
                        b: xp.baseAddress!, ldb: inputSize, c: gp.baseAddress!, ldc: inputSize)
                }
            }
        }
        // through the bias broadcast over the batch: db += Σ_b dy[b]
        if let bias {
            let O = outputSize
            dy.withUnsafeBufferPointer { dy in
                bias.grad.withUnsafeMutableBufferPointer { g in
                    for b in 0..<batch { for o in 0..<O { g[o] += dy[b * O + o] } }
                }
            }
        }
        // through the product x·Wᵀ, for x: dx[B, I] = dy[B, O] · W[O, I]
        var dx = [S](repeating: 0, count: batch * inputSize)
        dy.withUnsafeBufferPointer { dyp in
            weight.value.withUnsafeBufferPointer { wp in
                dx.withUnsafeMutableBufferPointer { dxp in
                    MatrixProduct.addProduct(
                        m: batch, n: inputSize, k: outputSize, a: dyp.baseAddress!, lda: outputSize,
                        b: wp.baseAddress!, ldb: inputSize, c: dxp.baseAddress!, ldc: inputSize)
                }
            }
        }
        return dx
    }
}
