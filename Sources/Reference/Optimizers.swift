import Foundation
import Unrolled

// The book's three update rules, written to be read: one plain loop over the entries of each
// parameter. The same parameters and the same public state as the fast `Unrolled.SGD`,
// `Unrolled.Adagrad` and `Unrolled.Adam`, which are tested against these.

// snippet.sgd
/// Stochastic gradient descent, `torch.optim.SGD` without momentum:
///
///     p ← p - lr · g
public struct SGD: Optimizer {
    public var learningRate: Double
    public init(learningRate: Double) { self.learningRate = learningRate }

    public mutating func step(_ parameters: [Parameter]) {
        for p in parameters {
            for i in 0..<p.count { p.value[i] -= learningRate * p.grad[i] }
        }
    }
}
// snippet.end

// snippet.adagrad
/// Adagrad (Duchi, Hazan and Singer, 2011), `torch.optim.Adagrad` with its defaults: each entry
/// gets its own step size, smaller the larger its gradients have been so far.
///
///     s ← s + g²,   p ← p - lr · g / (√s + ε)
///
/// `s` starts at zero and `ε = 10⁻¹⁰`. With `epsilonInsideRoot` the step is
/// `lr · g / √(s + ε)`, as in Karpathy's min-char-rnn (which uses `ε = 10⁻⁸`).
public struct Adagrad: Optimizer {
    public var learningRate: Double
    public let epsilon: Double
    public let epsilonInsideRoot: Bool
    /// `s`, one array per parameter (empty before the first step).
    public private(set) var sum: [[Double]] = []

    public init(learningRate: Double, epsilon: Double = 1e-10,
                epsilonInsideRoot: Bool = false) {
        self.learningRate = learningRate
        self.epsilon = epsilon
        self.epsilonInsideRoot = epsilonInsideRoot
    }

    public mutating func step(_ parameters: [Parameter]) {
        if sum.isEmpty { sum = parameters.map { [Double](repeating: 0, count: $0.count) } }
        for (j, p) in parameters.enumerated() {
            for i in 0..<p.count {
                let g = p.grad[i]
                sum[j][i] += g * g
                let root = epsilonInsideRoot ? (sum[j][i] + epsilon).squareRoot()
                                             : sum[j][i].squareRoot() + epsilon
                p.value[i] -= learningRate * g / root
            }
        }
    }
}
// snippet.end

// snippet.adam
/// Adam (Kingma and Ba, 2015), `torch.optim.Adam` with its defaults: a running mean of the
/// gradient (`m`) and of its square (`v`), both corrected for starting at zero.
///
///     m ← β₁ m + (1 - β₁) g,       v ← β₂ v + (1 - β₂) g²
///     m̂ = m / (1 - β₁ᵗ),           v̂ = v / (1 - β₂ᵗ)
///     p ← p - lr · m̂ / (√v̂ + ε)
///
/// Moments start at zero and `t` counts steps from 1; `ε` is added after the bias correction.
public struct Adam: Optimizer {
    public var learningRate: Double
    public let beta1: Double, beta2: Double, epsilon: Double
    /// The number of steps taken.
    public private(set) var t = 0
    /// `m` and `v`, one array per parameter (empty before the first step).
    public private(set) var m: [[Double]] = []
    public private(set) var v: [[Double]] = []

    public init(learningRate: Double, beta1: Double = 0.9, beta2: Double = 0.999,
                epsilon: Double = 1e-8) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    public mutating func step(_ parameters: [Parameter]) {
        if m.isEmpty {
            m = parameters.map { [Double](repeating: 0, count: $0.count) }
            v = m
        }
        t += 1
        for (j, p) in parameters.enumerated() {
            for i in 0..<p.count {
                let g = p.grad[i]
                m[j][i] = beta1 * m[j][i] + (1 - beta1) * g
                v[j][i] = beta2 * v[j][i] + (1 - beta2) * g * g
                let mHat = m[j][i] / (1 - pow(beta1, Double(t)))
                let vHat = v[j][i] / (1 - pow(beta2, Double(t)))
                p.value[i] -= learningRate * mHat / (vHat.squareRoot() + epsilon)
            }
        }
    }
}
// snippet.end
