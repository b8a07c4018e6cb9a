import Foundation
import Testing
@testable import Unrolled

/// The one product kernel in both of its precisions: `Float` (eight lanes per vector) must follow
/// the documented order exactly as `Double` (four lanes) does.
@Suite struct ProductPrecisionTests {
    static let shapes: [(Int, Int, Int)] = [(1, 1, 1), (1, 17, 5), (3, 8, 8), (4, 16, 3), (5, 9, 7), (7, 23, 13), (9, 128, 57),
                                           (2, 3, 1), (8, 2, 300), (12, 1, 40), (17, 40, 9), (20, 35, 33), (6, 17, 15), (5, 13, 0),
                                           (33, 70, 21), (21, 61, 19), (18, 29, 33)]

    func values<S: Real>(_ n: Int, _ rng: inout SeededRandom, as _: S.Type) -> [S] { randomValues(n, &rng).map { S($0) } }

    /// `nn` and `tn`: every element sums over ascending `k`, a product then a sum.
    func checkRowsOfB<S: Real>(_: S.Type, m: Int, n: Int, k: Int) {
        var rng = SeededRandom(seed: UInt64(m * 1000 + n * 10 + k))
        let a = values(m * k, &rng, as: S.self), b = values(k * n, &rng, as: S.self), c = values(m * n, &rng, as: S.self)
        var nn = c, tn = c, expected = c, expectedT = c
        MatrixProduct.addProduct(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: &nn, ldc: n)
        // a read as Aᵀ: [K, M] with M = m
        let at = values(k * m, &rng, as: S.self)
        MatrixProduct.addProductTransposedA(m: m, n: n, k: k, a: at, lda: m, b: b, ldb: n, c: &tn, ldc: n)
        for i in 0..<m {
            for j in 0..<n {
                for kk in 0..<k {
                    expected[i * n + j] += a[i * k + kk] * b[kk * n + j]
                    expectedT[i * n + j] += at[kk * m + i] * b[kk * n + j]
                }
            }
        }
        #expect(nn == expected, "\(S.self) nn \(m)×\(n)×\(k)")
        #expect(tn == expectedT, "\(S.self) tn \(m)×\(n)×\(k)")
    }

    /// `nt`: `L` partial sums over `k mod L` in ascending `k`, added neighbours first, then the
    /// tail in ascending `k`, then added to `C`.
    func checkTransposedB<S: Real>(_: S.Type, m: Int, n: Int, k: Int) {
        var rng = SeededRandom(seed: UInt64(m * 7 + n * 3 + k))
        let a = values(m * k, &rng, as: S.self), b = values(n * k, &rng, as: S.self), c = values(m * n, &rng, as: S.self)
        var out = c
        MatrixProduct.addProductTransposedB(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: k, c: &out, ldc: n)
        let L = S.lanes, kL = k - k % L
        if MatrixProduct.packsTransposedB(m: m, n: n, k: k, of: S.self) {
            // the packed order: ascending k, as nn
            for i in 0..<m {
                for j in 0..<n {
                    var sum = c[i * n + j]
                    for kk in 0..<k { sum += a[i * k + kk] * b[j * k + kk] }
                    #expect(out[i * n + j] == sum, "\(S.self) packed nt \(m)×\(n)×\(k) at (\(i), \(j))")
                }
            }
            return
        }
        for i in 0..<m {
            for j in 0..<n {
                var lanes = S.Vector()
                for kk in 0..<kL { lanes[kk % L] += a[i * k + kk] * b[j * k + kk] }
                var sum = S.pairwiseSum(lanes)
                for kk in kL..<k { sum += a[i * k + kk] * b[j * k + kk] }
                #expect(out[i * n + j] == c[i * n + j] + sum, "\(S.self) nt \(m)×\(n)×\(k) at (\(i), \(j))")
            }
        }
    }

    /// Both of `Float`'s `nt` orders are exercised, and `Double` never packs.
    @Test func bothOrdersAreExercised() {
        #expect(Self.shapes.contains { MatrixProduct.packsTransposedB(m: $0.0, n: $0.1, k: $0.2, of: Float.self) })
        #expect(Self.shapes.contains { !MatrixProduct.packsTransposedB(m: $0.0, n: $0.1, k: $0.2, of: Float.self) && $0.2 >= 16 })
        #expect(!Self.shapes.contains { MatrixProduct.packsTransposedB(m: $0.0, n: $0.1, k: $0.2, of: Double.self) })
    }

    /// Packed blocks with panels of two `Wide`s (with AVX-512), a panel of two `Vector`s after them,
    /// columns past the last panel and rows past the last four-row tile, in both precisions.
    @Test func everyKindOfPanelIsExercised() {
        func covered<S: Real>(_: S.Type) -> Bool {
            let narrow = 2 * S.lanes, wide = 2 * S.Wide.scalarCount
            return Self.shapes.contains { m, n, _ in
                m >= MatrixProduct.packRows && m % 4 != 0 && n >= wide && n % wide >= narrow && n % narrow > 0
            }
        }
        #expect(covered(Float.self))
        #expect(covered(Double.self))
    }

    /// A weight transposed once for many products gives each of them the bits of
    /// `addProductTransposedB`, in both of its orders and both precisions.
    @Test(arguments: shapes) func repeatedTransposedBKeepsTheBits(shape: (Int, Int, Int)) {
        func check<S: Real>(_: S.Type) {
            let (m, n, k) = shape
            var rng = SeededRandom(seed: UInt64(m * 31 + n * 7 + k))
            let b = values(n * (k + 2), &rng, as: S.self)       // ldb = k + 2: rows need not be contiguous
            b.withUnsafeBufferPointer { bp in
                let repeated = MatrixProduct.RepeatedTransposedB(m: m, n: n, k: k, b: bp.baseAddress!, ldb: k + 2)
                #expect((repeated.transposed != nil) == MatrixProduct.packsTransposedB(m: m, n: n, k: k, of: S.self))
                for _ in 0..<2 {
                    let a = values(m * k, &rng, as: S.self), c = values(m * n, &rng, as: S.self)
                    var once = c, direct = c
                    a.withUnsafeBufferPointer { ap in
                        once.withUnsafeMutableBufferPointer { cp in
                            repeated.addProduct(a: ap.baseAddress!, lda: k, c: cp.baseAddress!, ldc: n)
                        }
                    }
                    MatrixProduct.addProductTransposedB(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: k + 2, c: &direct, ldc: n)
                    #expect(once == direct, "\(S.self) \(m)×\(n)×\(k)")
                }
            }
        }
        check(Float.self)
        check(Double.self)
    }

    @Test(arguments: shapes) func floatFollowsTheDocumentedOrders(shape: (Int, Int, Int)) {
        checkRowsOfB(Float.self, m: shape.0, n: shape.1, k: shape.2)
        checkTransposedB(Float.self, m: shape.0, n: shape.1, k: shape.2)
    }

    @Test(arguments: shapes) func doubleFollowsTheDocumentedOrders(shape: (Int, Int, Int)) {
        checkRowsOfB(Double.self, m: shape.0, n: shape.1, k: shape.2)
        checkTransposedB(Double.self, m: shape.0, n: shape.1, k: shape.2)
    }

    /// Blocks of `k` and of columns, packed panels, and several threads keep every `Float` bit.
    @Test func floatBlocksAndThreadsKeepTheirBits() {
        let (m, n, k) = (203, 2 * MatrixProduct.nBlock + 37, 2 * MatrixProduct.kBlock + 45)
        checkRowsOfB(Float.self, m: 19, n: n, k: k)
        var rng = SeededRandom(seed: 99)
        let a = values(m * k, &rng, as: Float.self), b = values(k * n, &rng, as: Float.self)
        let bt = values(n * k, &rng, as: Float.self), c = values(m * n, &rng, as: Float.self)
        func all(threads: Int) -> [[Float]] {
            MatrixProduct.$threads.withValue(threads) {
                var nn = c, tn = c, nt = c
                MatrixProduct.addProduct(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: &nn, ldc: n)
                MatrixProduct.addProductTransposedA(m: m, n: n, k: k, a: a, lda: m, b: b, ldb: n, c: &tn, ldc: n)
                MatrixProduct.addProductTransposedB(m: m, n: n, k: k, a: a, lda: k, b: bt, ldb: k, c: &nt, ldc: n)
                return [nn, tn, nt]
            }
        }
        let one = all(threads: 1)
        #expect(all(threads: 2) == one)
        #expect(all(threads: 3) == one)
    }

    /// A planted defect: a sum of the lanes in another order is caught.
    @Test func theOrderCheckCatchesAnotherOrder() {
        let v = SIMD8<Float>(1e8, 1, -1e8, 1, 3, -3, 0.5, 0.25)
        #expect(Float.pairwiseSum(v) == ((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + v[7])))
        #expect(Float.pairwiseSum(v) != (((v[0] + v[2]) + (v[1] + v[3])) + ((v[4] + v[6]) + (v[5] + v[7]))))
    }
}
