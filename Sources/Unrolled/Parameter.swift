/// A trainable tensor and the gradient of the loss with respect to it, side by side.
///
/// Backward passes accumulate into `grad` with `+=`; `zeroGrad()` clears it before each step.
/// `S` is the precision it is stored and trained in: `Double` or `Float`.
public final class Parameter<S: Real> {
    /// PyTorch's name for it (`weight`, `bias_hh`, ...), prefixed by its module.
    public let name: String
    public let shape: [Int]
    public var value: [S]
    public var grad: [S]

    public init(_ name: String, shape: [Int], value: [S]) {
        precondition(value.count == shape.reduce(1, *), "\(name): \(value.count) values for shape \(shape)")
        self.name = name
        self.shape = shape
        self.value = value
        self.grad = [S](repeating: 0, count: value.count)
    }

    /// PyTorch's default for Linear and recurrent layers: every entry uniform in `[-k, k]` (drawn
    /// in `Double`, then rounded to `S`, so that both precisions start from the same numbers).
    public convenience init(_ name: String, shape: [Int], uniform k: Double, rng: inout SeededRandom) {
        let n = shape.reduce(1, *)
        var v = [S](repeating: 0, count: n)
        for i in 0..<n { v[i] = S(rng.uniform(-k, k)) }
        self.init(name, shape: shape, value: v)
    }

    public var count: Int { value.count }

    @_specialize(where S == Double)
    @_specialize(where S == Float)
    public func zeroGrad() {
        grad.withUnsafeMutableBufferPointer { g in g.update(repeating: 0) }
    }

    /// `grad += g`, entry by entry.
    @_specialize(where S == Double)
    @_specialize(where S == Float)
    public func add(gradient g: [S]) {
        grad.withUnsafeMutableBufferPointer { d in for i in 0..<d.count { d[i] += g[i] } }
    }

    /// Clips every entry of `grad` to `[-limit, limit]`.
    @_specialize(where S == Double)
    @_specialize(where S == Float)
    public func clampGradient(to limit: S) {
        grad.withUnsafeMutableBufferPointer { d in for i in 0..<d.count { d[i] = min(limit, max(-limit, d[i])) } }
    }

    /// `value += scale · grad`, on the contiguous buffers (the compiler vectorizes this loop).
    @_specialize(where S == Double)
    @_specialize(where S == Float)
    public func addScaledGradient(_ scale: S) {
        value.withUnsafeMutableBufferPointer { v in
            grad.withUnsafeBufferPointer { g in
                for i in 0..<v.count { v[i] += scale * g[i] }
            }
        }
    }
}

/// Anything that owns parameters: a layer, a cell, a whole model.
public protocol Module<Scalar>: AnyObject {
    /// The precision its parameters are stored and trained in.
    associatedtype Scalar: Real
    /// Every parameter, in a fixed order (the order optimizers and checkpoints use).
    var parameters: [Parameter<Scalar>] { get }
}

extension Module {
    /// Clears the gradient of every parameter, before a new forward and backward pass.
    @inlinable public func zeroGrad() { for p in parameters { p.zeroGrad() } }
}

extension Sequence {
    /// Clears the gradient of every parameter, before a new forward and backward pass.
    @inlinable public func zeroGrad<S>() where Element == Parameter<S> { for p in self { p.zeroGrad() } }
}
