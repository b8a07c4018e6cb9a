import Dispatch
import Foundation

/// Matrix products in `Float`, for the one layer where arithmetic dominates a whole chapter: a
/// word model's output layer over thousands of words. Twice the lanes of `Double` per vector
/// register and half the memory traffic.
///
/// The same three forms as `MatrixProduct` (`nn`, `tn`, `nt`), and one summation order for all
/// three: every `C[i, j]` adds `A[i, k] · B[k, j]` over ascending `k`, each product rounded and
/// then added (no fused multiply-adds), so the bits depend only on the operands, never on the
/// build, the blocking or the number of threads. Each block of `B` is first copied into panels
/// of sixteen columns (`[K, 16]`, contiguous; for `nt` the copy is also the transpose), and a
/// kernel of four rows by sixteen columns reads a panel from start to end. For `tn`, whose four
/// rows of `Aᵀ` lie across one cache line per `k`, those rows are first copied into a strip.
public enum FloatProduct {
    public typealias Pointer = UnsafePointer<Float>
    public typealias MutablePointer = UnsafeMutablePointer<Float>

    @inline(__always) static func load8(_ p: Pointer) -> SIMD8<Float> { UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self) }
    @inline(__always) static func store8(_ v: SIMD8<Float>, _ p: MutablePointer) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self) }

    /// Where an operand's element `(row, column)` lives: `base[row * row + column * column]`.
    struct Layout {
        let base: Pointer, row: Int, column: Int
        @inline(__always) subscript(_ r: Int, _ c: Int) -> Float { base[r * row + c * column] }
        @inline(__always) func offset(_ r: Int, _ c: Int) -> Layout { Layout(base: base + r * row + c * column, row: row, column: column) }
    }

    /// Rows of `B` (the `k` of a block) and columns of `B` per block: a block of 256 × 128
    /// `Float`s (128 KiB) stays in the core's second-level cache while every row of `A` goes by.
    /// (`tn` with fewer columns takes more rows in the same space; see `blocked`.)
    static let kBlock = 256, cBlock = 128

    // snippet.float-tile
    /// `C[i, j] = S[i, j] + Σ_k A[i, k] · B[k, j]` for four rows and sixteen columns of `C`
    /// (eight vector accumulators), ascending `k`; `B[k, 0 ..< 16]` is row `k` of a packed panel,
    /// and `S` is `C` itself (`sRow = ldc`) or one row repeated (`sRow = 0`, a bias).
    @inline(__always)
    static func tile4x16(k: Int, a: Layout, panel: Pointer, s: Pointer, sRow: Int,
                         c: MutablePointer, ldc: Int) {
        let c0 = c, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc
        let s0 = s, s1 = s0 + sRow, s2 = s1 + sRow, s3 = s2 + sRow
        var x0 = load8(s0), y0 = load8(s0 + 8), x1 = load8(s1), y1 = load8(s1 + 8)
        var x2 = load8(s2), y2 = load8(s2 + 8), x3 = load8(s3), y3 = load8(s3 + 8)
        var ap = a.base, bp = panel
        let r1 = a.row, r2 = 2 * a.row, r3 = 3 * a.row
        for _ in 0..<k {
            let b0 = load8(bp), b1 = load8(bp + 8)
            let a0 = SIMD8(repeating: ap[0]), a1 = SIMD8(repeating: ap[r1])
            let a2 = SIMD8(repeating: ap[r2]), a3 = SIMD8(repeating: ap[r3])
            x0 += a0 * b0; y0 += a0 * b1
            x1 += a1 * b0; y1 += a1 * b1
            x2 += a2 * b0; y2 += a2 * b1
            x3 += a3 * b0; y3 += a3 * b1
            ap += a.column; bp += 16
        }
        store8(x0, c0); store8(y0, c0 + 8); store8(x1, c1); store8(y1, c1 + 8)
        store8(x2, c2); store8(y2, c2 + 8); store8(x3, c3); store8(y3, c3 + 8)
    }
    // snippet.end

    /// One row by sixteen columns, for the rows a four-row tile leaves.
    @inline(__always)
    static func tile1x16(k: Int, a: Layout, panel: Pointer, s: Pointer, c: MutablePointer) {
        var x = load8(s), y = load8(s + 8)
        var ap = a.base, bp = panel
        for _ in 0..<k {
            let av = SIMD8(repeating: ap[0])
            x += av * load8(bp); y += av * load8(bp + 8)
            ap += a.column; bp += 16
        }
        store8(x, c); store8(y, c + 8)
    }

    /// `C[M, N] = S + A · B` for one block (`k` as `blocked` chooses, `n ≤ cBlock`; `S` as in `tile4x16`): `B`
    /// copied into panels of sixteen columns, the tiles over them (for `tn`, each four rows of `A`
    /// copied into `strip` first), and the columns past the last panel element by element (same order).
    static func block(m: Int, n: Int, k: Int, a: Layout, b: Layout, s: Pointer, sRow: Int, c: MutablePointer, ldc: Int,
                      panels: MutablePointer, strip: MutablePointer) {
        let n16 = n & ~15, m4 = m & ~3
        for p in stride(from: 0, to: n16, by: 16) {
            let panel = panels + p * k
            if b.column == 1 {
                for kk in 0..<k {
                    let src = b.base + kk * b.row + p
                    store8(load8(src), panel + kk * 16); store8(load8(src + 8), panel + kk * 16 + 8)
                }
            } else {
                for jj in 0..<16 {                          // the transpose: row p + jj of Bᵀ
                    let src = b.base + (p + jj) * b.column
                    for kk in 0..<k { panel[kk * 16 + jj] = src[kk * b.row] }
                }
            }
        }
        // rows outermost, so that `C` is read and written along its rows (which the hardware
        // prefetches) while the panels stay in cache
        var i = 0
        while i < m4 {
            // Aᵀ (the tn form): its four rows of this tile are four columns of the stored matrix,
            // one cache line per k; copied once into a strip of k × 4 values, read by every panel
            var rows = a.offset(i, 0)
            if a.row == 1 && n16 > 0 {
                var src = rows.base
                for kk in 0..<k {
                    strip[4 * kk] = src[0]; strip[4 * kk + 1] = src[1]; strip[4 * kk + 2] = src[2]; strip[4 * kk + 3] = src[3]
                    src += a.column
                }
                rows = Layout(base: strip, row: 1, column: 4)
            }
            for p in stride(from: 0, to: n16, by: 16) {
                tile4x16(k: k, a: rows, panel: panels + p * k, s: s + i * sRow + p, sRow: sRow, c: c + i * ldc + p, ldc: ldc)
            }
            i += 4
        }
        while i < m {
            for p in stride(from: 0, to: n16, by: 16) { tile1x16(k: k, a: a.offset(i, 0), panel: panels + p * k, s: s + i * sRow + p, c: c + i * ldc + p) }
            i += 1
        }
        for i in 0..<m {
            for j in n16..<n {
                var sum = s[i * sRow + j]
                for kk in 0..<k { sum += a[i, kk] * b[kk, j] }
                c[i * ldc + j] = sum
            }
        }
    }

    /// `C[M, N] = S + A · B` over blocks of `k` and of columns (`S` is `C` itself, or a bias row
    /// when `bias` is given). `C` is stored and reloaded exactly between blocks and columns never
    /// interact, so each element sums over ascending `k`.
    static func blocked(m: Int, n: Int, k: Int, a: Layout, b: Layout, bias: Pointer?, c: MutablePointer, ldc: Int) {
        // For tn (Aᵀ, `a.row == 1`) a narrow B takes longer blocks of k in the same space: a
        // weight gradient with k = 320 rows and n = 64 then runs in one block, one pass over C and
        // one strip per tile instead of two.
        let kb = a.row == 1 ? kBlock * cBlock / max(16, min(n, cBlock)) : kBlock
        let panels = MutablePointer.allocate(capacity: kBlock * cBlock), strip = MutablePointer.allocate(capacity: 4 * kb)
        defer { panels.deallocate(); strip.deallocate() }
        var k0 = 0
        repeat {
            let kc = min(kb, k - k0)
            var j0 = 0
            repeat {
                let nc = min(cBlock, n - j0)
                let (source, sRow) = k0 == 0 && bias != nil ? (bias! + j0, 0) : (Pointer(c + j0), ldc)
                block(m: m, n: nc, k: kc, a: a.offset(0, k0), b: b.offset(k0, j0), s: source, sRow: sRow, c: c + j0, ldc: ldc, panels: panels, strip: strip)
                j0 += nc
            } while j0 < n
            k0 += kc
        } while k0 < k
    }

    /// Splits the rows of `C` across threads; each element is still computed by one thread, in
    /// the order one thread would use. The product's multiply-adds go to `ProductCount`.
    static func splitRows(m: Int, k: Int, a: Layout, b: Layout, n: Int, bias: Pointer? = nil, c: MutablePointer, ldc: Int) {
        ProductCount.record(multiplyAdds: m * n * k, float: true)
        let parts = MatrixProduct.parts(rows: m, work: m * n * k)
        guard parts > 1 else { blocked(m: m, n: n, k: k, a: a, b: b, bias: bias, c: c, ldc: ldc); return }
        // Each thread writes its own rows of C and only reads A, B and the bias, so sharing the
        // pointers across threads is safe although their types do not say so.
        nonisolated(unsafe) let (a, b, bias, c) = (a, b, bias, c)
        DispatchQueue.concurrentPerform(iterations: parts) { p in
            let r = (m * p / parts)..<(m * (p + 1) / parts)
            blocked(m: r.count, n: n, k: k, a: a.offset(r.lowerBound, 0), b: b, bias: bias, c: c + r.lowerBound * ldc, ldc: ldc)
        }
    }

    /// `C[M,N] += A[M,K] · B[K,N]`.
    public static func addProduct(m: Int, n: Int, k: Int, a: Pointer, lda: Int, b: Pointer, ldb: Int, c: MutablePointer, ldc: Int) {
        splitRows(m: m, k: k, a: Layout(base: a, row: lda, column: 1), b: Layout(base: b, row: ldb, column: 1), n: n, c: c, ldc: ldc)
    }

    /// `C[M,N] += A[K,M]ᵀ · B[K,N]`.
    public static func addProductTransposedA(m: Int, n: Int, k: Int, a: Pointer, lda: Int, b: Pointer, ldb: Int, c: MutablePointer, ldc: Int) {
        splitRows(m: m, k: k, a: Layout(base: a, row: 1, column: lda), b: Layout(base: b, row: ldb, column: 1), n: n, c: c, ldc: ldc)
    }

    /// `C[M,N] += A[M,K] · B[N,K]ᵀ`.
    public static func addProductTransposedB(m: Int, n: Int, k: Int, a: Pointer, lda: Int, b: Pointer, ldb: Int, c: MutablePointer, ldc: Int) {
        splitRows(m: m, k: k, a: Layout(base: a, row: lda, column: 1), b: Layout(base: b, row: 1, column: ldb), n: n, c: c, ldc: ldc)
    }

    /// `C[M,N] = 1 bᵀ + A[M,K] · B[N,K]ᵀ`: every row of `C` starts from `bias [N]` instead of
    /// from its old value (which is never read, so `C` may be uninitialized); the same order.
    public static func productTransposedB(m: Int, n: Int, k: Int, a: Pointer, lda: Int, b: Pointer, ldb: Int, bias: Pointer,
                                          c: MutablePointer, ldc: Int) {
        splitRows(m: m, k: k, a: Layout(base: a, row: lda, column: 1), b: Layout(base: b, row: 1, column: ldb), n: n, bias: bias, c: c, ldc: ldc)
    }
}
