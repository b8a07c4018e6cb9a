import Foundation

/// An update rule applied to every parameter after a backward pass.
public protocol Optimizer<Scalar> {
    /// The precision of the parameters it updates (and of its own state).
    associatedtype Scalar: Real
    /// Updates `parameters` in place from their `grad`.
    mutating func step(_ parameters: [Parameter<Scalar>])
}

/// Plain stochastic gradient descent: `p ← p - lr · g`.
public struct SGD<S: Real>: Optimizer {
    public var learningRate: Double
    public init(learningRate: Double) { self.learningRate = learningRate }

    @_specialize(where S == Double)
    @_specialize(where S == Float)
    public mutating func step(_ parameters: [Parameter<S>]) {
        for p in parameters { p.addScaledGradient(-S(learningRate)) }
    }
}

/// Adam (Kingma and Ba, 2015) exactly as `torch.optim.Adam` with its defaults:
///
///     m ← β1 m + (1-β1) g,   v ← β2 v + (1-β2) g²,
///     p ← p - (lr / (1-β1ᵗ)) · m / (√v / √(1-β2ᵗ) + ε)
///
/// (ε is added after the bias correction of √v.) Moments start at zero, `t` counts from 1.
public struct Adam<S: Real>: Optimizer {
    public var learningRate: Double
    public let beta1: Double, beta2: Double, epsilon: Double
    public private(set) var t = 0
    public private(set) var m: [[S]] = []
    public private(set) var v: [[S]] = []

    public init(learningRate: Double, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    @_specialize(where S == Double)
    @_specialize(where S == Float)
    public mutating func step(_ parameters: [Parameter<S>]) {
        if m.isEmpty {
            m = parameters.map { [S](repeating: 0, count: $0.count) }
            v = m
        }
        t += 1
        let c1 = 1 - pow(beta1, Double(t)), c2 = (1 - pow(beta2, Double(t))).squareRoot()
        // the scalars computed in Double, then rounded to S once, as PyTorch does in float32
        let stepSize = S(learningRate / c1), c2s = S(c2)
        let (b1, b2, eps) = (S(beta1), S(beta2), S(epsilon))
        for (j, p) in parameters.enumerated() {
            p.value.withUnsafeMutableBufferPointer { value in
                p.grad.withUnsafeBufferPointer { grad in
                    m[j].withUnsafeMutableBufferPointer { m in
                        v[j].withUnsafeMutableBufferPointer { v in
                            Self.update(value.baseAddress!, grad.baseAddress!, m.baseAddress!, v.baseAddress!, count: value.count,
                                        b1: b1, b2: b2, eps: eps, stepSize: stepSize, c2: c2s)
                        }
                    }
                }
            }
        }
    }

    /// `m ← β₁ m + (1 − β₁) g`, `v ← β₂ v + (1 − β₂) g²`, `p ← p − step · m / (√v / c₂ + ε)`,
    /// a vector of entries at a time, then the rest; the same operations in the same order for every
    /// entry, so the vector and scalar paths give the same bits.
    @inline(__always)
    static func update(_ value: UnsafeMutablePointer<S>, _ grad: UnsafePointer<S>, _ m: UnsafeMutablePointer<S>,
                       _ v: UnsafeMutablePointer<S>, count: Int, b1: S, b2: S, eps: S, stepSize: S, c2: S) {
        var i = 0
        let L = S.lanes
        while i + L <= count {
            let g = S.load(grad + i)
            let mi = b1 * S.load(m + i) + (1 - b1) * g
            let vi = b2 * S.load(v + i) + (1 - b2) * g * g
            S.store(mi, m + i)
            S.store(vi, v + i)
            S.store(S.load(value + i) - stepSize * mi / (vi.squareRoot() / c2 + eps), value + i)
            i += L
        }
        while i < count {
            let g = grad[i]
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g * g
            value[i] -= stepSize * m[i] / (v[i].squareRoot() / c2 + eps)
            i += 1
        }
    }
}

/// Adagrad (Duchi, Hazan and Singer, 2011) as `torch.optim.Adagrad` with its defaults:
///
///     s ← s + g²,   p ← p - lr · g / (√s + ε)
///
/// `s` starts at zero and `ε = 10⁻¹⁰`. With `epsilonInsideRoot`, the step is
/// `lr · g / √(s + ε)` instead, as in Karpathy's min-char-rnn (which uses `ε = 10⁻⁸`).
public struct Adagrad<S: Real>: Optimizer {
    public var learningRate: Double
    public let epsilon: Double
    public let epsilonInsideRoot: Bool
    /// `s`, one array per parameter.
    public private(set) var sum: [[S]] = []

    public init(learningRate: Double, epsilon: Double = 1e-10, epsilonInsideRoot: Bool = false) {
        self.learningRate = learningRate
        self.epsilon = epsilon
        self.epsilonInsideRoot = epsilonInsideRoot
    }

    @_specialize(where S == Double)
    @_specialize(where S == Float)
    public mutating func step(_ parameters: [Parameter<S>]) {
        if sum.isEmpty { sum = parameters.map { [S](repeating: 0, count: $0.count) } }
        let (lr, eps, inside) = (S(learningRate), S(epsilon), epsilonInsideRoot)
        for (j, p) in parameters.enumerated() {
            p.value.withUnsafeMutableBufferPointer { value in
                p.grad.withUnsafeBufferPointer { grad in
                    sum[j].withUnsafeMutableBufferPointer { s in
                        let (value, grad, s, n) = (value.baseAddress!, grad.baseAddress!, s.baseAddress!, value.count)
                        var i = 0
                        // a vector of entries at a time, then the rest: the same operations per entry
                        while i + S.lanes <= n {
                            let g = S.load(grad + i)
                            let si = S.load(s + i) + g * g
                            S.store(si, s + i)
                            let root = inside ? (si + eps).squareRoot() : si.squareRoot() + eps
                            S.store(S.load(value + i) - lr * (g / root), value + i)
                            i += S.lanes
                        }
                        while i < n {
                            let g = grad[i]
                            s[i] += g * g
                            value[i] -= lr * (g / (inside ? (s[i] + eps).squareRoot() : s[i].squareRoot() + eps))
                            i += 1
                        }
                    }
                }
            }
        }
    }
}
