import Foundation

/// Elementwise functions on `SIMD4<Double>`, for loops where a library call per element would
/// cost more than the arithmetic around it (a softmax over a vocabulary of thousands of words).
public enum VectorMath {
    static let log2e = 1.4426950408889634
    /// ln 2 split so that `k · ln2Hi` is exact for |k| < 2¹¹ (its low 32 bits are zero).
    static let ln2Hi = 6.93147180369123816490e-01, ln2Lo = 1.90821492927058770002e-10
    static let roundingShift = 6_755_399_441_055_744.0

    // snippet.vector-exp
    /// `exp(x)` lane by lane, within about 2 ulp of the correctly rounded result for
    /// `x ∈ [-708, 709]`, and `0` below `-708`.
    ///
    /// With `k = round(x / ln 2)` and `r = x − k ln 2` (so `|r| ≤ ln 2 / 2`, computed in two
    /// steps to keep it exact), `exp(x) = 2^k · exp(r)`, and `exp(r)` is its Taylor polynomial of
    /// degree 13, whose truncation error `|r|¹⁴ / 14! < 10⁻¹⁷` is below half an ulp. The
    /// polynomial is evaluated by Horner's rule with separate products and sums (no fused
    /// multiply-add), so every build gives the same bits; `2^k` is built from its exponent bits.
    @inline(__always)
    public static func exp(_ x: SIMD4<Double>) -> SIMD4<Double> {
        let xc = x.replacing(with: -708, where: x .< -708).replacing(with: 709, where: x .> 709)
        // k = round(x / ln 2), to nearest even, by adding and removing 1.5 · 2⁵²: the sum's last
        // mantissa bits are then 2⁵¹ + k, which also gives 2^k's exponent bits below
        let shifted = xc * log2e + roundingShift
        let k = shifted - roundingShift
        let r = (xc - k * ln2Hi) - k * ln2Lo
        // Horner, from 1/13! down: 1 + r(1 + r(1/2! + r(1/3! + … + r/13!)))
        var p = SIMD4<Double>(repeating: 1 / 6_227_020_800.0)
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
        let scale = unsafeBitCast((unsafeBitCast(shifted, to: SIMD4<UInt64>.self) &+ 1023) &<< 52, to: SIMD4<Double>.self)
        return (p * scale).replacing(with: 0, where: x .< -708)
    }
    // snippet.end
}
