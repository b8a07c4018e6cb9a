import Foundation

/// A scalar the fast implementation computes in: `Double` (the gradient checks, the PyTorch
/// float64 cases) or `Float` (training, as PyTorch does by default).
///
/// Each kernel is written once over `Real` and compiled once for each of the two types
/// (`@_specialize`), so that both run the same code with their own vector width: `Vector` fills a
/// 256-bit register, four `Double`s or eight `Float`s.
public protocol Real: BinaryFloatingPoint, SIMDScalar, Sendable, Codable, CustomStringConvertible {
    /// `Lanes` values of this type in one vector register.
    associatedtype Vector: SIMD where Vector.Scalar == Self
    /// Two `Vector`s' lanes: one 512-bit register on a machine with AVX-512 (`REGISTERS32`),
    /// where the products' kernel uses it; two 256-bit registers elsewhere.
    associatedtype Wide: SIMD where Wide.Scalar == Self
    /// `p[i] ← tanh(p[i])` for `i < count` (`VectorMath.tanh`).
    static func tanh(_ p: UnsafeMutablePointer<Self>, count: Int)
    /// `p[i] ← σ(p[i])` for `i < count` (`VectorMath.sigmoid`).
    static func sigmoid(_ p: UnsafeMutablePointer<Self>, count: Int)
    /// `exp(x)` lane by lane (`VectorMath.exp`).
    static func exp(_ x: SIMD8<Self>) -> SIMD8<Self>
    /// The library's `exp(x)` and `log(x)` (`Foundation`).
    static func exp(_ x: Self) -> Self
    static func log(_ x: Self) -> Self
}

extension Double: Real {
    public typealias Vector = SIMD4<Double>
    public typealias Wide = SIMD8<Double>
    @inline(__always) public static func tanh(_ p: UnsafeMutablePointer<Double>, count: Int) { VectorMath.tanh(p, count: count) }
    @inline(__always) public static func sigmoid(_ p: UnsafeMutablePointer<Double>, count: Int) { VectorMath.sigmoid(p, count: count) }
    @inline(__always) public static func exp(_ x: SIMD8<Double>) -> SIMD8<Double> { VectorMath.exp(x) }
    @inline(__always) public static func exp(_ x: Double) -> Double { Foundation.exp(x) }
    @inline(__always) public static func log(_ x: Double) -> Double { Foundation.log(x) }
}

extension Float: Real {
    public typealias Vector = SIMD8<Float>
    public typealias Wide = SIMD16<Float>
    @inline(__always) public static func tanh(_ p: UnsafeMutablePointer<Float>, count: Int) { VectorMath.tanh(p, count: count) }
    @inline(__always) public static func sigmoid(_ p: UnsafeMutablePointer<Float>, count: Int) { VectorMath.sigmoid(p, count: count) }
    @inline(__always) public static func exp(_ x: SIMD8<Float>) -> SIMD8<Float> { VectorMath.exp(x) }
    @inline(__always) public static func exp(_ x: Float) -> Float { Foundation.exp(x) }
    @inline(__always) public static func log(_ x: Float) -> Float { Foundation.log(x) }
}

extension Real {
    /// Lanes of a `Vector`: 4 for `Double`, 8 for `Float`.
    @inline(__always) static var lanes: Int { Vector.scalarCount }

    /// The vector at `p` (no alignment needed).
    @inline(__always) static func load(_ p: UnsafePointer<Self>) -> Vector {
        UnsafeRawPointer(p).loadUnaligned(as: Vector.self)
    }

    /// Stores `v` at `p` (no alignment needed).
    @inline(__always) static func store(_ v: Vector, _ p: UnsafeMutablePointer<Self>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vector.self)
    }

    /// The `count` values at `p` (`count ≤ lanes`) in a vector's first lanes, zeros after them.
    @inline(__always) static func load(_ p: UnsafePointer<Self>, count: Int) -> Vector {
        if count == lanes { return load(p) }
        var v = Vector()
        for l in 0..<count { v[l] = p[l] }
        return v
    }

    /// Stores the first `count` lanes of `v` (`count ≤ lanes`) at `p`.
    @inline(__always) static func store(_ v: Vector, _ p: UnsafeMutablePointer<Self>, count: Int) {
        if count == lanes { store(v, p); return }
        for l in 0..<count { p[l] = v[l] }
    }

    /// Element-wise work over `0 ..< count`, a vector at a time: `body(j, n)` for
    /// `j = 0, L, 2L, …`, with `n = min(L, count − j)` lanes (the last vector may be partial).
    /// The lanes are independent, so each element gets the bits of a scalar loop.
    @inline(__always) static func vectors(_ count: Int, _ body: (Int, Int) -> Void) {
        var j = 0
        while j < count { body(j, Swift.min(lanes, count - j)); j += lanes }
    }

    /// The sum of a vector's lanes in a fixed order, neighbours first:
    /// `(v0 + v1) + (v2 + v3)` for four lanes, `((v0 + v1) + (v2 + v3)) + ((v4 + v5) + (v6 + v7))`
    /// for eight.
    @inline(__always) static func pairwiseSum(_ v: Vector) -> Self {
        if Vector.scalarCount == 4 { return (v[0] + v[1]) + (v[2] + v[3]) }
        precondition(Vector.scalarCount == 8, "a Real's vector has 4 or 8 lanes")
        return ((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + v[7]))
    }
}
