import Unrolled

/// A lookup table of learned vectors, `torch.nn.Embedding`, written to be read:
///
///     embedded = onehot(ids) W          row n is W[ids[n], :]
///
/// Shapes: `ids [N]` (each in `0 ..< V`), `onehot(ids) [N, V]`, `W [V, E]`, `embedded [N, E]`.
/// Looking up row `ids[n]` is the same as multiplying the one-hot row of `ids[n]` by `W`: every
/// other row of `W` is multiplied by zero. So an embedding is a `Linear` without bias whose
/// input is one-hot, and its backward pass is that of a product, `∂W = onehot(ids)ᵀ ∂embedded`:
/// each row of the gradient goes to the row of `W` it was read from (summed when an id repeats).
/// The fast `Unrolled.Embedding` indexes instead of multiplying, and is tested against this one.
public final class Embedding: Module {
    public let count: Int, dimension: Int
    /// `W`, `[V, E]`.
    public let weight: Parameter
    public var parameters: [Parameter] { [weight] }

    /// Every entry drawn from the standard normal distribution, as `torch.nn.Embedding`.
    public init(_ name: String, count: Int, dimension: Int, rng: inout SeededRandom) {
        self.count = count
        self.dimension = dimension
        weight = Parameter("\(name).weight", shape: [count, dimension],
                           value: (0..<(count * dimension)).map { _ in rng.normal() })
    }

    // snippet.embedding
    /// `embedded = onehot(ids) W`, `[N, E]`, flat.
    public func forward(_ ids: [Int]) -> [Double] {
        (Matrix.oneHot(ids, count: count) * Matrix(weight)).values
    }

    /// Through the product `onehot(ids) W`, for `W`: `∂W += onehot(ids)ᵀ ∂embedded` `[V, E]`.
    public func backward(_ dEmbedded: [Double], ids: [Int]) {
        let dE = Matrix(rows: ids.count, columns: dimension, values: dEmbedded)
        weight.accumulate(Matrix.oneHot(ids, count: count).transposed * dE)
    }
    // snippet.end
}
