import Unrolled

/// Inverted dropout, `torch.nn.Dropout` in training, written to be read:
///
///     mask_i = 0 with probability p, else 1/(1-p)
///     y = x ⊙ mask,   ∂L/∂x = ∂L/∂y ⊙ mask
///
/// Dividing the kept entries by `1 - p` keeps the expected value of every entry, `E[y_i] = x_i`,
/// so evaluation uses `x` itself and needs no rescaling. The masks come from `SeededRandom` in
/// the same order as the fast `RecurrentNetwork.dropoutMasks`, so one seed gives the same masks.
public enum Dropout {
    // snippet.dropout
    /// A mask of `count` entries, drawn in index order: entry `i` is 0 if the `i`-th uniform draw
    /// in `[0, 1)` is below `p`, else `1/(1-p)`.
    public static func mask(probability p: Double, count: Int, rng: inout SeededRandom)
        -> [Double] {
        let keep = 1 / (1 - p)
        return (0..<count).map { _ in rng.uniform() < p ? 0 : keep }
    }

    /// `y = x ⊙ mask`.
    public static func forward(_ x: Matrix, mask: Matrix) -> Matrix { x .* mask }

    /// Through `x ⊙ mask`, for `x`: `∂L/∂x = ∂L/∂y ⊙ mask` (a dropped entry gets no gradient).
    public static func backward(_ dy: Matrix, mask: Matrix) -> Matrix { dy .* mask }
    // snippet.end

    /// The masks a stack of `layers` recurrent layers applies between its layers, as
    /// `RecurrentNetwork.dropoutMasks`: none when `p = 0` or there is one layer (and nothing is
    /// drawn), else one mask per layer but the last, each of `T·B·width` entries (`[T, B, D·H]`),
    /// drawn one after the other.
    public static func masks(probability p: Double, layers: Int, steps T: Int, batch B: Int, width: Int,
                             rng: inout SeededRandom) -> [[Double]] {
        guard p > 0, layers > 1 else { return [] }
        return (1..<layers).map { _ in mask(probability: p, count: T * B * width, rng: &rng) }
    }

    /// `forward` on flat buffers of the same length.
    public static func forward(_ x: [Double], mask: [Double]) -> [Double] {
        forward(Matrix(rows: 1, columns: x.count, values: x), mask: Matrix(rows: 1, columns: mask.count, values: mask)).values
    }

    /// `backward` on flat buffers of the same length.
    public static func backward(_ dy: [Double], mask: [Double]) -> [Double] {
        backward(Matrix(rows: 1, columns: dy.count, values: dy), mask: Matrix(rows: 1, columns: mask.count, values: mask)).values
    }
}
