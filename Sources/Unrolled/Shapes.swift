/// # The shape legend
///
/// One set of letters names every dimension in the book, in code comments and in the chapters:
///
/// | letter | dimension |
/// |---|---|
/// | `T` | time steps (sequence length) |
/// | `B` | batch (sequences processed together) |
/// | `I` | input features (57 for a one-hot letter) |
/// | `H` | hidden units |
/// | `V` | vocabulary (characters or words) |
/// | `C` | classes (18 languages) |
///
/// Every buffer is contiguous row-major `[Double]`: a matrix `[B, H]` stores row `b` at
/// `b * H ..< (b + 1) * H`. Weights follow PyTorch's layout, `[out, in]`, so `y = x Wᵀ + b`.
public enum ShapeLegend {}
