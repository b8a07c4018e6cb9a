import Foundation

/// Elementwise functions on eight lanes of `Double` or `Float`, for loops where a library call
/// per element would cost more than the arithmetic around it (a softmax over a vocabulary of
/// thousands of words).
public enum VectorMath {
    static let log2e = 1.4426950408889634
    /// ln 2 split so that `k · ln2Hi` is exact for |k| < 2¹¹ (its low 32 bits are zero).
    static let ln2Hi = 6.93147180369123816490e-01, ln2Lo = 1.90821492927058770002e-10
    static let roundingShift = 6_755_399_441_055_744.0

    /// `exp(x)` lane by lane, within about 2 ulp of the correctly rounded result for
    /// `x ∈ [-708, 709]`, and `0` below `-708`.
    ///
    /// With `k = round(x / ln 2)` and `r = x − k ln 2` (so `|r| ≤ ln 2 / 2`, computed in two
    /// steps to keep it exact), `exp(x) = 2^k · exp(r)`, and `exp(r)` is its Taylor polynomial of
    /// degree 13, whose truncation error `|r|¹⁴ / 14! < 10⁻¹⁷` is below half an ulp. The
    /// polynomial is evaluated by Horner's rule with separate products and sums (no fused
    /// multiply-add), so every build gives the same bits; `2^k` is built from its exponent bits.
    /// Eight lanes at a time, as `tanh` below.
    @inline(__always)
    public static func exp(_ x: SIMD8<Double>) -> SIMD8<Double> {
        let xc = x.replacing(with: -708, where: x .< -708).replacing(with: 709, where: x .> 709)
        // k = round(x / ln 2), to nearest even, by adding and removing 1.5 · 2⁵²: the sum's last
        // mantissa bits are then 2⁵¹ + k, which also gives 2^k's exponent bits below
        let shifted = xc * log2e + roundingShift
        let k = shifted - roundingShift
        let r = (xc - k * ln2Hi) - k * ln2Lo
        // Horner, from 1/13! down: 1 + r(1 + r(1/2! + r(1/3! + … + r/13!)))
        var p = SIMD8<Double>(repeating: 1 / 6_227_020_800.0)
        p = p * r + 1 / 479_001_600.0
        p = p * r + 1 / 39_916_800.0
        p = p * r + 1 / 3_628_800.0
        p = p * r + 1 / 362_880.0
        p = p * r + 1 / 40_320.0
        p = p * r + 1 / 5_040.0
        p = p * r + 1 / 720.0
        p = p * r + 1 / 120.0
        p = p * r + 1 / 24.0
        p = p * r + 1 / 6.0
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        let scale = unsafeBitCast((unsafeBitCast(shifted, to: SIMD8<UInt64>.self) &+ 1023) &<< 52, to: SIMD8<Double>.self)
        return (p * scale).replacing(with: 0, where: x .< -708)
    }

    static let log2eFloat: Float = 1.44269504
    /// ln 2 split so that `k · ln2HiFloat` is exact for |k| < 2¹⁵ (it has nine significant bits).
    static let ln2HiFloat: Float = 0.693359375, ln2LoFloat: Float = -2.12194440e-4
    static let roundingShiftFloat: Float = 12_582_912   // 1.5 · 2²³

    // snippet.vector-exp-float
    /// `exp(x)` lane by lane in `Float`, within a few ulp of the correctly rounded result for
    /// `x ∈ [-87, 88]`, and `0` below `-87` (where `exp(x)` is under `1.7 · 10⁻³⁸`).
    ///
    /// The same reduction as the `Double` version: `k = round(x / ln 2)`, `r = x − k ln 2` in two
    /// exact steps, `exp(x) = 2^k · exp(r)`, with `exp(r)` now the Taylor polynomial of degree 7,
    /// whose truncation error `|r|⁸ / 8! < 6 · 10⁻⁹` (for `|r| ≤ ln 2 / 2`) is a tenth of `Float`'s
    /// half ulp. Separate products and sums again, so every build gives the same bits.
    @inline(__always)
    public static func exp(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let xc = x.replacing(with: -87, where: x .< -87).replacing(with: 88, where: x .> 88)
        let shifted = xc * log2eFloat + roundingShiftFloat      // last mantissa bits: 2²² + k
        let k = shifted - roundingShiftFloat
        let r = (xc - k * ln2HiFloat) - k * ln2LoFloat
        // Horner, from 1/7! down: 1 + r(1 + r(1/2! + r(1/3! + … + r/7!)))
        var p = SIMD8<Float>(repeating: 1 / 5_040.0)
        p = p * r + 1 / 720.0
        p = p * r + 1 / 120.0
        p = p * r + 1 / 24.0
        p = p * r + 1 / 6.0
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        let scale = unsafeBitCast((unsafeBitCast(shifted, to: SIMD8<UInt32>.self) &+ 127) &<< 23,
                                  to: SIMD8<Float>.self)
        return (p * scale).replacing(with: 0, where: x .< -87)
    }
    // snippet.end

    // snippet.vector-tanh
    /// `tanh(x)` lane by lane, within a few ulp of the correctly rounded result, odd in `x`, and
    /// exactly `±1` for `|x| > 22` (where `1 − tanh |x| < 10⁻¹⁹`).
    ///
    /// With `y = 2|x|`, `tanh |x| = (e^y − 1) / (e^y + 1) = E / (E + 2)` for `E = expm1(y)`, which
    /// keeps full relative precision for small `x`, where `1 − 2 / (e^y + 1)` would cancel. `E`
    /// comes from the reduction of `exp`: `y = k ln 2 + r`, `|r| ≤ ln 2 / 2`, and
    /// `e^y − 1 = 2^k (e^r − 1) + (2^k − 1)`, with `e^r − 1` the Taylor polynomial of degree 13
    /// without its constant term (for `k = 0`, `E` is that polynomial alone). Separate products
    /// and sums, so every build gives the same bits. Eight lanes at a time: the chain of dependent
    /// steps is long, and wider vectors keep more of it in flight.
    @inline(__always)
    public static func tanh(_ x: SIMD8<Double>) -> SIMD8<Double> {
        let signBits = unsafeBitCast(x, to: SIMD8<UInt64>.self) & (1 << 63)
        let a = unsafeBitCast(unsafeBitCast(x, to: SIMD8<UInt64>.self) & ~(1 << 63),
                              to: SIMD8<Double>.self)
        let y = a.replacing(with: 44, where: a .> 22) * 2
        let shifted = y * log2e + roundingShift
        let k = shifted - roundingShift
        let r = (y - k * ln2Hi) - k * ln2Lo
        // e^r − 1 = r(1 + r(1/2! + r(1/3! + … + r/13!)))
        var p = SIMD8<Double>(repeating: 1 / 6_227_020_800.0)
        p = p * r + 1 / 479_001_600.0
        p = p * r + 1 / 39_916_800.0
        p = p * r + 1 / 3_628_800.0
        p = p * r + 1 / 362_880.0
        p = p * r + 1 / 40_320.0
        p = p * r + 1 / 5_040.0
        p = p * r + 1 / 720.0
        p = p * r + 1 / 120.0
        p = p * r + 1 / 24.0
        p = p * r + 1 / 6.0
        p = p * r + 0.5
        p = p * r + 1
        p = p * r
        let scale = unsafeBitCast((unsafeBitCast(shifted, to: SIMD8<UInt64>.self) &+ 1023) &<< 52,
                                  to: SIMD8<Double>.self)
        let e = scale * p + (scale - 1)
        let t = (e / (e + 2)).replacing(with: 1, where: a .> 22)
        return unsafeBitCast(unsafeBitCast(t, to: SIMD8<UInt64>.self) | signBits,
                             to: SIMD8<Double>.self)
    }
    // snippet.end

    /// `p[i] ← tanh(p[i])` for `i < count`, through `apply`.
    @inline(never)
    public static func tanh(_ p: UnsafeMutablePointer<Double>, count: Int) { apply({ tanh($0) }, to: p, count: count) }

    /// `σ(x) = 1 / (1 + e^(−x))` lane by lane, through `exp` above (so `σ(x)` is a few ulp from
    /// the correctly rounded value, `1` above 708 and a tiny positive number below −709).
    @inline(__always)
    public static func sigmoid(_ x: SIMD8<Double>) -> SIMD8<Double> { 1 / (1 + exp(-x)) }

    /// `p[i] ← σ(p[i])` for `i < count`, through `apply`.
    @inline(never)
    public static func sigmoid(_ p: UnsafeMutablePointer<Double>, count: Int) { apply({ sigmoid($0) }, to: p, count: count) }

    /// `tanh(x)` lane by lane in `Float`, within a few ulp of the correctly rounded result, odd in
    /// `x`, and exactly `±1` for `|x| > 9` (where `1 − tanh |x| < 3 · 10⁻⁸`, under half an ulp of 1).
    ///
    /// The `Double` version's method: `tanh |x| = E / (E + 2)` with `E = expm1(2|x|)` from the
    /// reduction `2|x| = k ln 2 + r`; `e^r − 1` is now the Taylor polynomial of degree 7 without its
    /// constant term, whose truncation error `|r|⁸ / 8!` is below a fourth of `Float`'s half ulp of
    /// `r` (for `|r| ≤ ln 2 / 2`).
    @inline(__always)
    public static func tanh(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let signBits = unsafeBitCast(x, to: SIMD8<UInt32>.self) & (1 << 31)
        let a = unsafeBitCast(unsafeBitCast(x, to: SIMD8<UInt32>.self) & ~(1 << 31), to: SIMD8<Float>.self)
        let y = a.replacing(with: 18, where: a .> 9) * 2
        let shifted = y * log2eFloat + roundingShiftFloat
        let k = shifted - roundingShiftFloat
        let r = (y - k * ln2HiFloat) - k * ln2LoFloat
        // e^r − 1 = r(1 + r(1/2! + r(1/3! + … + r/7!)))
        var p = SIMD8<Float>(repeating: 1 / 5_040.0)
        p = p * r + 1 / 720.0
        p = p * r + 1 / 120.0
        p = p * r + 1 / 24.0
        p = p * r + 1 / 6.0
        p = p * r + 0.5
        p = p * r + 1
        p = p * r
        let scale = unsafeBitCast((unsafeBitCast(shifted, to: SIMD8<UInt32>.self) &+ 127) &<< 23, to: SIMD8<Float>.self)
        let e = scale * p + (scale - 1)
        let t = (e / (e + 2)).replacing(with: 1, where: a .> 9)
        return unsafeBitCast(unsafeBitCast(t, to: SIMD8<UInt32>.self) | signBits, to: SIMD8<Float>.self)
    }

    /// `σ(x) = 1 / (1 + e^(−x))` lane by lane in `Float`, through the `Float` `exp`.
    @inline(__always)
    public static func sigmoid(_ x: SIMD8<Float>) -> SIMD8<Float> { 1 / (1 + exp(-x)) }

    /// `p[i] ← tanh(p[i])` for `i < count`, in `Float`.
    @inline(never)
    public static func tanh(_ p: UnsafeMutablePointer<Float>, count: Int) { apply({ tanh($0) }, to: p, count: count) }

    /// `p[i] ← σ(p[i])` for `i < count`, in `Float`.
    @inline(never)
    public static func sigmoid(_ p: UnsafeMutablePointer<Float>, count: Int) { apply({ sigmoid($0) }, to: p, count: count) }

    /// `p[i] ← f(p[i])` for `i < count`: eight at a time, the rest in one more vector (the lanes
    /// are independent, so a lane's bits do not depend on its neighbours).
    @inline(__always)
    static func apply<S: Real>(_ f: (SIMD8<S>) -> SIMD8<S>, to p: UnsafeMutablePointer<S>, count: Int) {
        var i = 0
        while i + 8 <= count {
            UnsafeMutableRawPointer(p + i).storeBytes(of: f(UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<S>.self)), as: SIMD8<S>.self)
            i += 8
        }
        guard i < count else { return }
        var rest = SIMD8<S>()
        for l in 0..<(count - i) { rest[l] = p[i + l] }
        let y = f(rest)
        for l in 0..<(count - i) { p[i + l] = y[l] }
    }
}
