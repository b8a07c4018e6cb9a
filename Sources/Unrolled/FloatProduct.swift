import Foundation

/// Matrix products in `Float`, for the one layer where arithmetic dominates a whole chapter: a
/// word model's output layer over thousands of words. Twice the lanes of `Double` per vector
/// register and half the memory traffic. Same three forms and the same determinism rules as
/// `MatrixProduct` (a fixed summation order that depends only on the shapes, no fused
/// multiply-adds, rows split across threads without changing any element's arithmetic).
public enum FloatProduct {
    public typealias Pointer = UnsafePointer<Float>
    public typealias MutablePointer = UnsafeMutablePointer<Float>

    @inline(__always) static func load8(_ p: Pointer) -> SIMD8<Float> { UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self) }
    @inline(__always) static func store8(_ v: SIMD8<Float>, _ p: MutablePointer) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self) }

    /// `C[M,N] += A · B`, `A[i,k]` at `a[i * aRow + k * aCol]`, `B [K,N]` with row stride `ldb`.
    /// Each `C[i,j]` sums over ascending `k`; four rows by sixteen columns per block.
    @inline(__always)
    static func rowsOfB(m: Int, n: Int, k: Int, a: Pointer, aRow: Int, aCol: Int, b: Pointer, ldb: Int, c: MutablePointer, ldc: Int) {
        var i = 0
        while i < m {
            let rows = min(4, m - i)
            var j = 0
            while j + 16 <= n && rows == 4 {
                let c0 = c + i * ldc + j, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc
                var x0 = load8(c0), y0 = load8(c0 + 8), x1 = load8(c1), y1 = load8(c1 + 8)
                var x2 = load8(c2), y2 = load8(c2 + 8), x3 = load8(c3), y3 = load8(c3 + 8)
                for kk in 0..<k {
                    let bp = b + kk * ldb + j
                    let b0 = load8(bp), b1 = load8(bp + 8)
                    let ap = a + kk * aCol + i * aRow
                    let a0 = SIMD8(repeating: ap[0]), a1 = SIMD8(repeating: ap[aRow])
                    let a2 = SIMD8(repeating: ap[2 * aRow]), a3 = SIMD8(repeating: ap[3 * aRow])
                    x0 += a0 * b0; y0 += a0 * b1
                    x1 += a1 * b0; y1 += a1 * b1
                    x2 += a2 * b0; y2 += a2 * b1
                    x3 += a3 * b0; y3 += a3 * b1
                }
                store8(x0, c0); store8(y0, c0 + 8); store8(x1, c1); store8(y1, c1 + 8)
                store8(x2, c2); store8(y2, c2 + 8); store8(x3, c3); store8(y3, c3 + 8)
                j += 16
            }
            // what the blocks leave: element by element, same order
            for r in i..<(i + rows) {
                for jj in j..<n {
                    var s = c[r * ldc + jj]
                    for kk in 0..<k { s += a[r * aRow + kk * aCol] * b[kk * ldb + jj] }
                    c[r * ldc + jj] = s
                }
            }
            i += rows
        }
    }

    static func splitRows(m: Int, work: Int, _ body: (Range<Int>) -> Void) {
        let parts = min(MatrixProduct.maxThreads, m / 8, work / MatrixProduct.threadedWork)
        guard parts > 1 else { body(0..<m); return }
        DispatchQueue.concurrentPerform(iterations: parts) { p in body((m * p / parts)..<(m * (p + 1) / parts)) }
    }

    /// `rowsOfB` over `k` in blocks of 256, so that the block of `B` stays in cache while every
    /// row of `A` goes past it; `C` is stored and reloaded exactly between blocks, so each element
    /// still sums over ascending `k`.
    static func blocked(m: Int, n: Int, k: Int, a: Pointer, aRow: Int, aCol: Int, b: Pointer, ldb: Int, c: MutablePointer, ldc: Int) {
        var k0 = 0
        repeat {
            let kc = min(256, k - k0)
            rowsOfB(m: m, n: n, k: kc, a: a + k0 * aCol, aRow: aRow, aCol: aCol, b: b + k0 * ldb, ldb: ldb, c: c, ldc: ldc)
            k0 += kc
        } while k0 < k
    }

    /// `C[M,N] += A[M,K] · B[K,N]`.
    public static func addProduct(m: Int, n: Int, k: Int, a: Pointer, lda: Int, b: Pointer, ldb: Int, c: MutablePointer, ldc: Int) {
        splitRows(m: m, work: m * n * k) { r in
            blocked(m: r.count, n: n, k: k, a: a + r.lowerBound * lda, aRow: lda, aCol: 1, b: b, ldb: ldb, c: c + r.lowerBound * ldc, ldc: ldc)
        }
    }

    /// `C[M,N] += A[K,M]ᵀ · B[K,N]`.
    public static func addProductTransposedA(m: Int, n: Int, k: Int, a: Pointer, lda: Int, b: Pointer, ldb: Int, c: MutablePointer, ldc: Int) {
        splitRows(m: m, work: m * n * k) { r in
            blocked(m: r.count, n: n, k: k, a: a + r.lowerBound, aRow: 1, aCol: lda, b: b, ldb: ldb, c: c + r.lowerBound * ldc, ldc: ldc)
        }
    }

    /// `C[M,N] += A[M,K] · B[N,K]ᵀ`: dot products in eight lanes (`k mod 8`), combined as
    /// `((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))`, then the tail in ascending `k`.
    public static func addProductTransposedB(m: Int, n: Int, k: Int, a: Pointer, lda: Int, b: Pointer, ldb: Int, c: MutablePointer, ldc: Int) {
        splitRows(m: m, work: m * n * k) { r in
            dotProducts(m: r.count, n: n, k: k, a: a + r.lowerBound * lda, lda: lda, b: b, ldb: ldb, c: c + r.lowerBound * ldc, ldc: ldc)
        }
    }

    @inline(__always) static func load4(_ p: Pointer) -> SIMD4<Float> { UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Float>.self) }
    @inline(__always) static func store4(_ v: SIMD4<Float>, _ p: MutablePointer) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD4<Float>.self) }

    /// `((v0 + v1) + (v2 + v3)) + ((v4 + v5) + (v6 + v7))` of `p`, `q`, `r` and `s` at once: each
    /// level adds the even lanes to the odd ones, so every sum pairs the same lanes as written.
    @inline(__always)
    static func laneSums(_ p: SIMD8<Float>, _ q: SIMD8<Float>, _ r: SIMD8<Float>, _ s: SIMD8<Float>) -> SIMD4<Float> {
        let pq = SIMD8(lowHalf: p.evenHalf, highHalf: q.evenHalf) + SIMD8(lowHalf: p.oddHalf, highHalf: q.oddHalf)
        let rs = SIMD8(lowHalf: r.evenHalf, highHalf: s.evenHalf) + SIMD8(lowHalf: r.oddHalf, highHalf: s.oddHalf)
        let halves = SIMD8(lowHalf: pq.evenHalf, highHalf: rs.evenHalf) + SIMD8(lowHalf: pq.oddHalf, highHalf: rs.oddHalf)
        return halves.evenHalf + halves.oddHalf
    }

    static func dotProducts(m: Int, n: Int, k: Int, a: Pointer, lda: Int, b: Pointer, ldb: Int, c: MutablePointer, ldc: Int) {
        let k8 = k & ~7
        @inline(__always) func finish(_ v: SIMD8<Float>, _ ar: Pointer, _ br: Pointer) -> Float {
            var s = ((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + v[7]))
            var kk = k8
            while kk < k { s += ar[kk] * br[kk]; kk += 1 }
            return s
        }
        var j0 = 0
        while j0 < n {                                   // rows of B in blocks that stay in cache
            let nc = min(256, n - j0)
            var i = 0
            while i < m {
                let rows = min(2, m - i)
                let a0 = a + i * lda, a1 = rows == 2 ? a0 + lda : a0
                var j = j0
                while j + 4 <= j0 + nc {
                    let b0 = b + j * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb
                    var s00 = SIMD8<Float>(), s01 = SIMD8<Float>(), s02 = SIMD8<Float>(), s03 = SIMD8<Float>()
                    var s10 = SIMD8<Float>(), s11 = SIMD8<Float>(), s12 = SIMD8<Float>(), s13 = SIMD8<Float>()
                    var kk = 0
                    while kk < k8 {
                        let x0 = load8(a0 + kk), x1 = load8(a1 + kk)
                        let w0 = load8(b0 + kk), w1 = load8(b1 + kk), w2 = load8(b2 + kk), w3 = load8(b3 + kk)
                        s00 += x0 * w0; s01 += x0 * w1; s02 += x0 * w2; s03 += x0 * w3
                        s10 += x1 * w0; s11 += x1 * w1; s12 += x1 * w2; s13 += x1 * w3
                        kk += 8
                    }
                    let c0 = c + i * ldc + j
                    if k8 == k {
                        // no tail: the four lane sums of a row at once, in the same pairwise order
                        store4(load4(c0) + laneSums(s00, s01, s02, s03), c0)
                        if rows == 2 { store4(load4(c0 + ldc) + laneSums(s10, s11, s12, s13), c0 + ldc) }
                    } else {
                        c0[0] += finish(s00, a0, b0); c0[1] += finish(s01, a0, b1); c0[2] += finish(s02, a0, b2); c0[3] += finish(s03, a0, b3)
                        if rows == 2 {
                            let c1 = c0 + ldc
                            c1[0] += finish(s10, a1, b0); c1[1] += finish(s11, a1, b1); c1[2] += finish(s12, a1, b2); c1[3] += finish(s13, a1, b3)
                        }
                    }
                    j += 4
                }
                while j < j0 + nc {
                    let b0 = b + j * ldb
                    var s0 = SIMD8<Float>(), s1 = SIMD8<Float>()
                    var kk = 0
                    while kk < k8 { let w = load8(b0 + kk); s0 += load8(a0 + kk) * w; s1 += load8(a1 + kk) * w; kk += 8 }
                    c[i * ldc + j] += finish(s0, a0, b0)
                    if rows == 2 { c[(i + 1) * ldc + j] += finish(s1, a1, b0) }
                    j += 1
                }
                i += rows
            }
            j0 += nc
        }
    }
}
