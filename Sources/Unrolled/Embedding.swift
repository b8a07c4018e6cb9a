/// A lookup table of learned vectors, `torch.nn.Embedding`: `embedded[n] = W[ids[n]]`.
///
/// Shapes: `weight W [V, E]`, `ids [N]` → `[N, E]`. The same as a one-hot row times `W`, without
/// building the one-hot rows; its backward pass adds each row's gradient to the row it read.
public final class Embedding<S: Real>: Module {
    public let count: Int, dimension: Int
    /// `W`, `[V, E]`.
    public let weight: Parameter<S>
    public var parameters: [Parameter<S>] { [weight] }

    /// Every entry drawn from the standard normal distribution, as `torch.nn.Embedding`.
    public init(_ name: String, count: Int, dimension: Int, rng: inout SeededRandom) {
        self.count = count
        self.dimension = dimension
        weight = Parameter("\(name).weight", shape: [count, dimension],
                           value: (0..<(count * dimension)).map { _ in S(rng.normal()) })
    }

    /// `embedded[n, :] = W[ids[n], :]`, `[N, E]`.
    @_specialize(where S == Double)
    @_specialize(where S == Float)
    public func forward(_ ids: [Int]) -> [S] {
        let E = dimension
        var out = [S](repeating: 0, count: ids.count * E)
        for (n, id) in ids.enumerated() {
            precondition(id >= 0 && id < count, "embedding index \(id) outside 0..<\(count)")
            for e in 0..<E { out[n * E + e] = weight.value[id * E + e] }
        }
        return out
    }

    /// Through the lookup: `∂W[ids[n], :] += ∂embedded[n, :]`, in ascending `n`.
    @_specialize(where S == Double)
    @_specialize(where S == Float)
    public func backward(_ dEmbedded: [S], ids: [Int]) {
        let E = dimension
        for (n, id) in ids.enumerated() { for e in 0..<E { weight.grad[id * E + e] += dEmbedded[n * E + e] } }
    }
}
