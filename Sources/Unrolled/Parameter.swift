/// A trainable tensor and the gradient of the loss with respect to it, side by side.
///
/// Backward passes accumulate into `grad` with `+=`; `zeroGrad()` clears it before each step.
public final class Parameter {
    /// PyTorch's name for it (`weight`, `bias_hh`, ...), prefixed by its module.
    public let name: String
    public let shape: [Int]
    public var value: [Double]
    public var grad: [Double]

    public init(_ name: String, shape: [Int], value: [Double]) {
        precondition(value.count == shape.reduce(1, *), "\(name): \(value.count) values for shape \(shape)")
        self.name = name
        self.shape = shape
        self.value = value
        self.grad = [Double](repeating: 0, count: value.count)
    }

    /// PyTorch's default for Linear and recurrent layers: every entry uniform in `[-k, k]`.
    public convenience init(_ name: String, shape: [Int], uniform k: Double, rng: inout SeededRandom) {
        let n = shape.reduce(1, *)
        var v = [Double](repeating: 0, count: n)
        for i in 0..<n { v[i] = rng.uniform(-k, k) }
        self.init(name, shape: shape, value: v)
    }

    public var count: Int { value.count }

    public func zeroGrad() {
        grad.withUnsafeMutableBufferPointer { g in g.update(repeating: 0) }
    }

    /// `grad += g`, entry by entry.
    public func add(gradient g: [Double]) {
        grad.withUnsafeMutableBufferPointer { d in for i in 0..<d.count { d[i] += g[i] } }
    }

    /// Clips every entry of `grad` to `[-limit, limit]`.
    public func clampGradient(to limit: Double) {
        grad.withUnsafeMutableBufferPointer { d in for i in 0..<d.count { d[i] = min(limit, max(-limit, d[i])) } }
    }

    /// `value += scale · grad`, on the contiguous buffers (the compiler vectorizes this loop).
    public func addScaledGradient(_ scale: Double) {
        value.withUnsafeMutableBufferPointer { v in
            grad.withUnsafeBufferPointer { g in
                for i in 0..<v.count { v[i] += scale * g[i] }
            }
        }
    }
}

/// Anything that owns parameters: a layer, a cell, a whole model.
public protocol Module: AnyObject {
    /// Every parameter, in a fixed order (the order optimizers and checkpoints use).
    var parameters: [Parameter] { get }
}

extension Module {
    public func zeroGrad() { for p in parameters { p.zeroGrad() } }
}

extension Sequence where Element == Parameter {
    /// Clears the gradient of every parameter, before a new forward and backward pass.
    public func zeroGrad() { for p in self { p.zeroGrad() } }
}
