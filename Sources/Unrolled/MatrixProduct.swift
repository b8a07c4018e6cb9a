import Dispatch
import Foundation

/// Matrix products on contiguous row-major buffers, the hot loops of every layer.
///
/// Three forms cover every forward and backward pass in the book:
///
/// | function | computes | typical use |
/// |---|---|---|
/// | `addProduct(_:_:into:)` (`nn`) | `C[M,N] += A[M,K] · B[K,N]` | `dX = dY · W` |
/// | `addProductTransposedB` (`nt`) | `C[M,N] += A[M,K] · B[N,K]ᵀ` | `Y = X · Wᵀ` |
/// | `addProductTransposedA` (`tn`) | `C[M,N] += A[K,M]ᵀ · B[K,N]` | `dW = dYᵀ · X` |
///
/// Determinism: every element of `C` is accumulated in a fixed order that depends only on the
/// shapes (ascending `k` for `nn` and `tn`; four interleaved partial sums combined in a fixed
/// order for `nt`). Products and sums are separate IEEE operations (no fused multiply-add), so
/// debug and release builds give the same bits. The kernels use explicit `SIMD4<Double>` vectors,
/// which the compiler maps onto vector registers.
public enum MatrixProduct {
    public typealias Pointer = UnsafePointer<Double>
    public typealias MutablePointer = UnsafeMutablePointer<Double>

    @inline(__always)
    static func load4(_ p: Pointer) -> SIMD4<Double> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Double>.self)
    }

    @inline(__always)
    static func store4(_ v: SIMD4<Double>, _ p: MutablePointer) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD4<Double>.self)
    }

    @inline(__always)
    static func load8(_ p: Pointer) -> SIMD8<Double> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Double>.self)
    }

    @inline(__always)
    static func store8(_ v: SIMD8<Double>, _ p: MutablePointer) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Double>.self)
    }

    /// The kernel of the `nn` and `tn` forms: four rows by eight columns of `C` (eight vector
    /// accumulators), `C[i, j] += Σ_k A[i, k] · B[k, j]` over ascending `k`, where `A[i, k]` is at
    /// `a[i * aRow + k * aCol]` and `B[k, 0 ..< 8]` at `b + k * bStep` (a row of `B` itself, or of
    /// a packed panel).
    @inline(__always)
    static func tile4x8(k: Int, a: Pointer, aRow: Int, aCol: Int, b: Pointer, bStep: Int, c: MutablePointer, ldc: Int) {
        let c0 = c, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc
        var x0 = load4(c0), y0 = load4(c0 + 4)
        var x1 = load4(c1), y1 = load4(c1 + 4)
        var x2 = load4(c2), y2 = load4(c2 + 4)
        var x3 = load4(c3), y3 = load4(c3 + 4)
        var bp = b, ap = a
        for _ in 0..<k {
            let b0 = load4(bp), b1 = load4(bp + 4)
            let a0 = SIMD4(repeating: ap[0]), a1 = SIMD4(repeating: ap[aRow])
            let a2 = SIMD4(repeating: ap[2 * aRow]), a3 = SIMD4(repeating: ap[3 * aRow])
            x0 += a0 * b0; y0 += a0 * b1
            x1 += a1 * b0; y1 += a1 * b1
            x2 += a2 * b0; y2 += a2 * b1
            x3 += a3 * b0; y3 += a3 * b1
            bp += bStep; ap += aCol
        }
        store4(x0, c0); store4(y0, c0 + 4)
        store4(x1, c1); store4(y1, c1 + 4)
        store4(x2, c2); store4(y2, c2 + 4)
        store4(x3, c3); store4(y3, c3 + 4)
    }

    /// `C[M,N] += A · B` where `A[i,k]` is at `a[i * aRow + k * aCol]` and `B` is `[K,N]` with
    /// row stride `ldb`; `C` has row stride `ldc`. Each `C[i,j]` sums over ascending `k`.
    @inline(__always)
    static func kernelRowsOfB(
        m: Int, n: Int, k: Int,
        a: Pointer, aRow: Int, aCol: Int,
        b: Pointer, ldb: Int,
        c: MutablePointer, ldc: Int
    ) {
        var i = 0
        // Four rows of C at a time, eight columns at a time: 8 vector accumulators.
        while i + 4 <= m {
            var j = 0
            while j + 8 <= n {
                tile4x8(k: k, a: a + i * aRow, aRow: aRow, aCol: aCol, b: b + j, bStep: ldb, c: c + i * ldc + j, ldc: ldc)
                j += 8
            }
            if j < n { rowsTail(rows: i..<(i + 4), cols: j..<n, k: k, a: a, aRow: aRow, aCol: aCol, b: b, ldb: ldb, c: c, ldc: ldc) }
            i += 4
        }
        // Remaining rows one at a time; sixteen columns at a time keeps four independent sums.
        while i < m {
            var j = 0
            let ci = c + i * ldc
            while j + 16 <= n {
                var x = load4(ci + j), y = load4(ci + j + 4), z = load4(ci + j + 8), w = load4(ci + j + 12)
                for kk in 0..<k {
                    let av = SIMD4(repeating: a[i * aRow + kk * aCol])
                    let bp = b + kk * ldb + j
                    x += av * load4(bp); y += av * load4(bp + 4)
                    z += av * load4(bp + 8); w += av * load4(bp + 12)
                }
                store4(x, ci + j); store4(y, ci + j + 4); store4(z, ci + j + 8); store4(w, ci + j + 12)
                j += 16
            }
            while j + 8 <= n {
                var x = load4(ci + j), y = load4(ci + j + 4)
                for kk in 0..<k {
                    let av = SIMD4(repeating: a[i * aRow + kk * aCol])
                    let bp = b + kk * ldb + j
                    x += av * load4(bp); y += av * load4(bp + 4)
                }
                store4(x, ci + j); store4(y, ci + j + 4)
                j += 8
            }
            if j < n { rowsTail(rows: i..<(i + 1), cols: j..<n, k: k, a: a, aRow: aRow, aCol: aCol, b: b, ldb: ldb, c: c, ldc: ldc) }
            i += 1
        }
    }

    /// Columns left over from the eight-wide loops: four at a time in one vector per row (four
    /// rows at a time share each load of `B`), then one at a time (in the tn form, four rows of
    /// one column in one vector, as `Aᵀ` holds them side by side). Every element still sums over
    /// ascending `k`, a product then a sum, so each lane gets the bits of the scalar loop.
    @inline(__always)
    static func rowsTail(
        rows: Range<Int>, cols: Range<Int>, k: Int,
        a: Pointer, aRow: Int, aCol: Int, b: Pointer, ldb: Int, c: MutablePointer, ldc: Int
    ) {
        var j = cols.lowerBound
        while j + 4 <= cols.upperBound {
            var i = rows.lowerBound
            while i + 4 <= rows.upperBound {
                let c0 = c + i * ldc + j, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc
                var x0 = load4(c0), x1 = load4(c1), x2 = load4(c2), x3 = load4(c3)
                var ap = a + i * aRow, bp = b + j
                for _ in 0..<k {
                    let bv = load4(bp)
                    x0 += SIMD4(repeating: ap[0]) * bv; x1 += SIMD4(repeating: ap[aRow]) * bv
                    x2 += SIMD4(repeating: ap[2 * aRow]) * bv; x3 += SIMD4(repeating: ap[3 * aRow]) * bv
                    ap += aCol; bp += ldb
                }
                store4(x0, c0); store4(x1, c1); store4(x2, c2); store4(x3, c3)
                i += 4
            }
            while i < rows.upperBound {
                var x = load4(c + i * ldc + j)
                for kk in 0..<k { x += SIMD4(repeating: a[i * aRow + kk * aCol]) * load4(b + kk * ldb + j) }
                store4(x, c + i * ldc + j)
                i += 1
            }
            j += 4
        }
        var i0 = rows.lowerBound
        if aRow == 1 {
            // Aᵀ (the tn form): four rows of a column of C lie side by side in each row of A, so
            // four sums run in one vector, two columns at a time (two independent chains)
            while i0 + 4 <= rows.upperBound {
                var jj = j
                while jj + 2 <= cols.upperBound {
                    let c0 = c + i0 * ldc + jj
                    var x = SIMD4(c0[0], c0[ldc], c0[2 * ldc], c0[3 * ldc])
                    var y = SIMD4(c0[1], c0[ldc + 1], c0[2 * ldc + 1], c0[3 * ldc + 1])
                    var ap = a + i0, bp = b + jj
                    for _ in 0..<k {
                        let av = load4(ap)
                        x += av * SIMD4(repeating: bp[0]); y += av * SIMD4(repeating: bp[1])
                        ap += aCol; bp += ldb
                    }
                    for l in 0..<4 { c0[l * ldc] = x[l]; c0[l * ldc + 1] = y[l] }
                    jj += 2
                }
                if jj < cols.upperBound {
                    let c0 = c + i0 * ldc + jj
                    var x = SIMD4(c0[0], c0[ldc], c0[2 * ldc], c0[3 * ldc])
                    var ap = a + i0, bp = b + jj
                    for _ in 0..<k { x += load4(ap) * SIMD4(repeating: bp[0]); ap += aCol; bp += ldb }
                    for l in 0..<4 { c0[l * ldc] = x[l] }
                }
                i0 += 4
            }
        }
        for i in i0..<rows.upperBound {
            for jj in j..<cols.upperBound {
                var s = c[i * ldc + jj]
                for kk in 0..<k { s += a[i * aRow + kk * aCol] * b[kk * ldb + jj] }
                c[i * ldc + jj] = s
            }
        }
    }

    /// Products with at least this many multiply-adds are split across threads.
    public static let threadedWork = 1 << 22
    /// The most threads one product uses (the machine's cores by default; 1 turns threading off).
    /// A program sets it once, before any product runs (`--threads`).
    nonisolated(unsafe) public static var maxThreads = ProcessInfo.processInfo.activeProcessorCount
    /// Overrides `maxThreads` for the products that the current task runs, and for no others:
    /// `MatrixProduct.$threads.withValue(3) { … }`. Tests running side by side each choose their
    /// own count this way, instead of changing the shared `maxThreads` under one another.
    @TaskLocal public static var threads: Int?

    /// How many threads a product of `m` rows and `work` multiply-adds is split across. (A small
    /// product, most of them, returns before it looks up the task-local value.)
    public static func parts(rows m: Int, work: Int) -> Int {
        let most = min(m / 8, work / threadedWork)
        guard most > 1 else { return 1 }
        return max(1, min(threads ?? maxThreads, most))
    }

    /// Runs `body(rows)` over `0..<m` in contiguous row blocks, on several threads when the
    /// product is large. Every element of `C` is still computed by one thread, in the order it
    /// would be computed on one, so the result is the same bit for bit with any number of threads.
    /// The product's `work` multiply-adds go to `ProductCount`.
    @inline(__always)
    static func splitRows(m: Int, work: Int, _ body: (Range<Int>) -> Void) {
        ProductCount.record(multiplyAdds: work)
        let parts = parts(rows: m, work: work)
        guard parts > 1 else { body(0..<m); return }
        // Each call of `body` writes its own rows of C and only reads A and B, so running them on
        // several threads is safe although the closure's type does not say so.
        nonisolated(unsafe) let body = body
        DispatchQueue.concurrentPerform(iterations: parts) { p in body((m * p / parts)..<(m * (p + 1) / parts)) }
    }

    /// Rows of `B` per pass of `kernelRowsOfB`, and rows of `B` per pass of `dotProducts`: small
    /// enough that the block of `B` stays in cache while every row of `A` goes past it. Columns of
    /// `B` per pass of `kernelRowsOfB` (`cBlock`, a multiple of 8), so that a `kBlock × cBlock`
    /// block (256 KiB) fits the core's second-level cache however wide `B` is.
    static let kBlock = 256, nBlock = 128, cBlock = 128

    /// `kernelRowsOfB` over `k` in blocks of `kBlock` and over columns in blocks of `cBlock`. `C`
    /// is loaded, added to and stored once per block; a stored `Double` is reloaded exactly, and
    /// columns never interact, so each element still sums over ascending `k` with the same bits.
    /// With enough rows of `A` to share it, each block of `B` is first copied into panels of
    /// eight columns (`packedRowsOfB`), so that the kernel reads it sequentially.
    @inline(__always)
    static func blockedRowsOfB(
        m: Int, n: Int, k: Int, a: Pointer, aRow: Int, aCol: Int, b: Pointer, ldb: Int, c: MutablePointer, ldc: Int
    ) {
        let pack = m >= packRows && n >= 8
        let buffer = pack ? MutablePointer.allocate(capacity: kBlock * cBlock + 4 * kBlock) : nil
        defer { buffer?.deallocate() }
        var k0 = 0
        repeat {
            let kc = min(kBlock, k - k0)
            var j0 = 0
            repeat {
                let nc = min(cBlock, n - j0)
                if let buffer {
                    packedRowsOfB(m: m, n: nc, k: kc, a: a + k0 * aCol, aRow: aRow, aCol: aCol, b: b + k0 * ldb + j0, ldb: ldb,
                                  c: c + j0, ldc: ldc, panels: buffer, strip: buffer + kBlock * cBlock)
                } else {
                    kernelRowsOfB(m: m, n: nc, k: kc, a: a + k0 * aCol, aRow: aRow, aCol: aCol, b: b + k0 * ldb + j0, ldb: ldb,
                                  c: c + j0, ldc: ldc)
                }
                j0 += nc
            } while j0 < n
            k0 += kc
        } while k0 < k
    }

    /// Rows of `A` from which packing a block of `B` pays for the copy.
    static let packRows = 16

    /// `kernelRowsOfB` with `B [K, N]` first copied into `panels`: eight columns at a time, each
    /// panel `[K, 8]` contiguous. The 4 × 8 kernel is the same (`tile4x8`), so every element of
    /// `C` gets the same bits; rows and columns left over go through `kernelRowsOfB`
    /// and `rowsTail` on `B` itself. For `tn` (`aRow = 1`) each four rows of `A` are copied into
    /// `strip` (`[K, 4]`) first.
    @inline(__always)
    static func packedRowsOfB(
        m: Int, n: Int, k: Int, a: Pointer, aRow: Int, aCol: Int, b: Pointer, ldb: Int, c: MutablePointer, ldc: Int,
        panels: MutablePointer, strip: MutablePointer
    ) {
        let m4 = m & ~3, n8 = n & ~7
        for p in stride(from: 0, to: n8, by: 8) {
            let panel = panels + p * k
            for kk in 0..<k {
                let src = b + kk * ldb + p
                store4(load4(src), panel + kk * 8); store4(load4(src + 4), panel + kk * 8 + 4)
            }
        }
        var i = 0
        while i < m4 {
            // Aᵀ (the tn form, aRow = 1): the tile's four rows lie across one cache line per k;
            // copied once into a strip of k × 4 values, read by every panel
            var (rows, rowStep, colStep) = (a + i * aRow, aRow, aCol)
            if aRow == 1 {
                var src = rows
                for kk in 0..<k {
                    store4(load4(src), strip + 4 * kk)
                    src += aCol
                }
                (rows, rowStep, colStep) = (Pointer(strip), 1, 4)
            }
            var p = 0
            while p < n8 {
                tile4x8(k: k, a: rows, aRow: rowStep, aCol: colStep, b: panels + p * k, bStep: 8, c: c + i * ldc + p, ldc: ldc)
                p += 8
            }
            if n8 < n { rowsTail(rows: i..<(i + 4), cols: n8..<n, k: k, a: a, aRow: aRow, aCol: aCol, b: b, ldb: ldb, c: c, ldc: ldc) }
            i += 4
        }
        if m4 < m {
            kernelRowsOfB(m: m - m4, n: n, k: k, a: a + m4 * aRow, aRow: aRow, aCol: aCol, b: b, ldb: ldb, c: c + m4 * ldc, ldc: ldc)
        }
    }

    /// `C[M,N] += A[M,K] · B[K,N]`.
    public static func addProduct(
        m: Int, n: Int, k: Int, a: Pointer, lda: Int, b: Pointer, ldb: Int, c: MutablePointer, ldc: Int
    ) {
        splitRows(m: m, work: m * n * k) { r in
            blockedRowsOfB(m: r.count, n: n, k: k, a: a + r.lowerBound * lda, aRow: lda, aCol: 1, b: b, ldb: ldb,
                           c: c + r.lowerBound * ldc, ldc: ldc)
        }
    }

    /// `C[M,N] += A[K,M]ᵀ · B[K,N]`.
    public static func addProductTransposedA(
        m: Int, n: Int, k: Int, a: Pointer, lda: Int, b: Pointer, ldb: Int, c: MutablePointer, ldc: Int
    ) {
        splitRows(m: m, work: m * n * k) { r in
            blockedRowsOfB(m: r.count, n: n, k: k, a: a + r.lowerBound, aRow: 1, aCol: lda, b: b, ldb: ldb,
                           c: c + r.lowerBound * ldc, ldc: ldc)
        }
    }

    /// `C[M,N] += A[M,K] · B[N,K]ᵀ`: dot products of rows of `A` with rows of `B`.
    ///
    /// Each dot product keeps four partial sums (lanes `k mod 4` of a `SIMD4`), adds them as
    /// `(s0 + s1) + (s2 + s3)`, then adds the scalar tail in ascending `k`, then adds to `C`.
    public static func addProductTransposedB(
        m: Int, n: Int, k: Int, a: Pointer, lda: Int, b: Pointer, ldb: Int, c: MutablePointer, ldc: Int
    ) {
        splitRows(m: m, work: m * n * k) { r in
            if k < 4 {
                tailDotProducts(m: r.count, n: n, k: k, a: a + r.lowerBound * lda, lda: lda, b: b, ldb: ldb,
                                c: c + r.lowerBound * ldc, ldc: ldc)
                return
            }
            if k < shortK {
                shortDotProducts(m: r.count, n: n, k: k, a: a + r.lowerBound * lda, lda: lda, b: b, ldb: ldb,
                                 c: c + r.lowerBound * ldc, ldc: ldc)
                return
            }
            // rows of B in blocks of nBlock, each met by every row of A while it is in cache
            var j0 = 0
            repeat {
                let nc = min(nBlock, n - j0)
                dotProducts(m: r.count, n: nc, k: k, a: a + r.lowerBound * lda, lda: lda, b: b + j0 * ldb, ldb: ldb,
                            c: c + r.lowerBound * ldc + j0, ldc: ldc)
                j0 += nc
            } while j0 < n
        }
    }

    /// `dotProducts` for short rows (`k < shortK`: an input of a few values, a small hidden
    /// state), where the transposition of the partial sums would cost more than the products.
    /// Four columns of `C` at a time, one lane each: their rows of `B` are read once, as columns
    /// `B[j ..< j+4, kk]`, for all rows of `A`. Each lane does what `dotProducts` does for one dot
    /// product, in the same order: partial sums `s_l` over `kk ≡ l (mod 4)`, then
    /// `(s_0 + s_1) + (s_2 + s_3)`, the tail in ascending `kk`, and the sum added to `C`.
    @inline(never)
    static func shortDotProducts(
        m: Int, n: Int, k: Int, a: Pointer, lda: Int, b: Pointer, ldb: Int, c: MutablePointer, ldc: Int
    ) {
        let k4 = k & ~3
        withUnsafeTemporaryAllocation(of: SIMD4<Double>.self, capacity: k) { columns in
            let bt = columns.baseAddress!
            var j = 0
            while j + 4 <= n {
                let b0 = b + j * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb
                for kk in 0..<k { bt[kk] = SIMD4(b0[kk], b1[kk], b2[kk], b3[kk]) }
                for i in 0..<m {
                    let ai = a + i * lda, ci = c + i * ldc + j
                    var s0 = SIMD4<Double>(), s1 = SIMD4<Double>(), s2 = SIMD4<Double>(), s3 = SIMD4<Double>()
                    var kk = 0
                    while kk < k4 {
                        s0 += SIMD4(repeating: ai[kk]) * bt[kk]; s1 += SIMD4(repeating: ai[kk + 1]) * bt[kk + 1]
                        s2 += SIMD4(repeating: ai[kk + 2]) * bt[kk + 2]; s3 += SIMD4(repeating: ai[kk + 3]) * bt[kk + 3]
                        kk += 4
                    }
                    var s = (s0 + s1) + (s2 + s3)
                    while kk < k { s += SIMD4(repeating: ai[kk]) * bt[kk]; kk += 1 }
                    store4(load4(ci) + s, ci)
                }
                j += 4
            }
            // the last columns (fewer than four) as `dotProducts` does them
            if j < n { dotProducts(m: m, n: n - j, k: k, a: a, lda: lda, b: b + j * ldb, ldb: ldb, c: c + j, ldc: ldc) }
        }
    }

    /// `dotProducts` for `k < 4`, where every partial sum is zero and each dot product is
    /// `0 + a_0 b_0 (+ a_1 b_1 …)`: the columns of `B` stay in registers.
    @inline(__always)
    static func tailDotProducts(
        m: Int, n: Int, k: Int, a: Pointer, lda: Int, b: Pointer, ldb: Int, c: MutablePointer, ldc: Int
    ) {
        var j = 0
        while j + 4 <= n {
            let b0 = b + j * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb
            @inline(__always) func column(_ kk: Int) -> SIMD4<Double> { SIMD4(b0[kk], b1[kk], b2[kk], b3[kk]) }
            switch k {
            case 1:
                let v0 = column(0)
                for i in 0..<m { let ci = c + i * ldc + j; store4(load4(ci) + (SIMD4() + SIMD4(repeating: a[i * lda]) * v0), ci) }
            case 2:
                let v0 = column(0), v1 = column(1)
                for i in 0..<m {
                    let ai = a + i * lda, ci = c + i * ldc + j
                    store4(load4(ci) + ((SIMD4() + SIMD4(repeating: ai[0]) * v0) + SIMD4(repeating: ai[1]) * v1), ci)
                }
            case 3:
                let v0 = column(0), v1 = column(1), v2 = column(2)
                for i in 0..<m {
                    let ai = a + i * lda, ci = c + i * ldc + j
                    let s = (SIMD4() + SIMD4(repeating: ai[0]) * v0) + SIMD4(repeating: ai[1]) * v1
                    store4(load4(ci) + (s + SIMD4(repeating: ai[2]) * v2), ci)
                }
            default:   // k = 0: every dot product is +0 (which turns a −0 in C into +0)
                for i in 0..<m { let ci = c + i * ldc + j; store4(load4(ci) + SIMD4(), ci) }
            }
            j += 4
        }
        // the last columns (fewer than four) as `dotProducts` does them
        if j < n { dotProducts(m: m, n: n - j, k: k, a: a, lda: lda, b: b + j * ldb, ldb: ldb, c: c + j, ldc: ldc) }
    }

    /// Rows of `A` and `B` shorter than this go through `shortDotProducts`.
    static let shortK = 16

    /// The single-threaded body of `addProductTransposedB`. Never inlined: inlined into the
    /// closure that `splitRows` runs on several threads, it was compiled with its sums spilled to
    /// the stack, and two threads took longer than one (`make bench`, `matmul-double-nt-*`).
    @inline(never)
    static func dotProducts(
        m: Int, n: Int, k: Int, a: Pointer, lda: Int, b: Pointer, ldb: Int, c: MutablePointer, ldc: Int
    ) {
        let k4 = k & ~3
        @inline(__always) func finish(_ v: SIMD4<Double>, _ ar: Pointer, _ br: Pointer) -> Double {
            var s = (v[0] + v[1]) + (v[2] + v[3])
            var kk = k4
            while kk < k { s += ar[kk] * br[kk]; kk += 1 }
            return s
        }
        // `finish` for four dot products at once, one per lane: the same sums in the same order
        // ((s[0] + s[1]) + (s[2] + s[3]), then the tail), with the partial sums transposed first
        @inline(__always) func finish4(_ s0: SIMD4<Double>, _ s1: SIMD4<Double>, _ s2: SIMD4<Double>, _ s3: SIMD4<Double>,
                                       _ ar: Pointer, _ b0: Pointer, _ b1: Pointer, _ b2: Pointer, _ b3: Pointer) -> SIMD4<Double> {
            let low = SIMD4(s0[0], s1[0], s2[0], s3[0]) + SIMD4(s0[1], s1[1], s2[1], s3[1])
            let high = SIMD4(s0[2], s1[2], s2[2], s3[2]) + SIMD4(s0[3], s1[3], s2[3], s3[3])
            var s = low + high
            var kk = k4
            while kk < k { s += SIMD4(repeating: ar[kk]) * SIMD4(b0[kk], b1[kk], b2[kk], b3[kk]); kk += 1 }
            return s
        }
        /// Two rows of `A` (rows `i`, `i + 1` of `C`), from column `start` of `C` on.
        @inline(__always) func twoRows(_ i: Int, from start: Int) {
            let a0 = a + i * lda, a1 = a0 + lda
            var j = start
            // two rows of A against four rows of B: eight dot products share each load
            while j + 4 <= n {
                let b0 = b + j * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb
                var s00 = SIMD4<Double>(), s01 = SIMD4<Double>(), s02 = SIMD4<Double>(), s03 = SIMD4<Double>()
                var s10 = SIMD4<Double>(), s11 = SIMD4<Double>(), s12 = SIMD4<Double>(), s13 = SIMD4<Double>()
                var kk = 0
                while kk < k4 {
                    let x0 = load4(a0 + kk), x1 = load4(a1 + kk)
                    let w0 = load4(b0 + kk), w1 = load4(b1 + kk), w2 = load4(b2 + kk), w3 = load4(b3 + kk)
                    s00 += x0 * w0; s01 += x0 * w1; s02 += x0 * w2; s03 += x0 * w3
                    s10 += x1 * w0; s11 += x1 * w1; s12 += x1 * w2; s13 += x1 * w3
                    kk += 4
                }
                let c0 = c + i * ldc + j, c1 = c0 + ldc
                store4(load4(c0) + finish4(s00, s01, s02, s03, a0, b0, b1, b2, b3), c0)
                store4(load4(c1) + finish4(s10, s11, s12, s13, a1, b0, b1, b2, b3), c1)
                j += 4
            }
            while j + 2 <= n {
                let b0 = b + j * ldb, b1 = b0 + ldb
                var s00 = SIMD4<Double>(), s01 = SIMD4<Double>(), s10 = SIMD4<Double>(), s11 = SIMD4<Double>()
                var kk = 0
                while kk < k4 {
                    let x0 = load4(a0 + kk), x1 = load4(a1 + kk)
                    let w0 = load4(b0 + kk), w1 = load4(b1 + kk)
                    s00 += x0 * w0; s01 += x0 * w1
                    s10 += x1 * w0; s11 += x1 * w1
                    kk += 4
                }
                c[i * ldc + j] += finish(s00, a0, b0)
                c[i * ldc + j + 1] += finish(s01, a0, b1)
                c[(i + 1) * ldc + j] += finish(s10, a1, b0)
                c[(i + 1) * ldc + j + 1] += finish(s11, a1, b1)
                j += 2
            }
            if j < n {
                let b0 = b + j * ldb
                var s0 = SIMD4<Double>(), s1 = SIMD4<Double>()
                var kk = 0
                while kk < k4 { let w = load4(b0 + kk); s0 += load4(a0 + kk) * w; s1 += load4(a1 + kk) * w; kk += 4 }
                c[i * ldc + j] += finish(s0, a0, b0)
                c[(i + 1) * ldc + j] += finish(s1, a1, b0)
            }
        }
        var i = 0
#if REGISTERS32
        // With 32 vector registers: four rows of A against four rows of B, sixteen dot products
        // sharing each load (their sums do not fit in 16 registers). Each dot product keeps its
        // four partial sums and is finished as in `twoRows`, so the bits are the same.
        let n4 = n & ~3
        while i + 4 <= m {
            let a0 = a + i * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda
            var j = 0
            while j < n4 {
                let b0 = b + j * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb
                var s00 = SIMD4<Double>(), s01 = SIMD4<Double>(), s02 = SIMD4<Double>(), s03 = SIMD4<Double>()
                var s10 = SIMD4<Double>(), s11 = SIMD4<Double>(), s12 = SIMD4<Double>(), s13 = SIMD4<Double>()
                var s20 = SIMD4<Double>(), s21 = SIMD4<Double>(), s22 = SIMD4<Double>(), s23 = SIMD4<Double>()
                var s30 = SIMD4<Double>(), s31 = SIMD4<Double>(), s32 = SIMD4<Double>(), s33 = SIMD4<Double>()
                var kk = 0
                while kk < k4 {
                    let w0 = load4(b0 + kk), w1 = load4(b1 + kk), w2 = load4(b2 + kk), w3 = load4(b3 + kk)
                    let x0 = load4(a0 + kk)
                    s00 += x0 * w0; s01 += x0 * w1; s02 += x0 * w2; s03 += x0 * w3
                    let x1 = load4(a1 + kk)
                    s10 += x1 * w0; s11 += x1 * w1; s12 += x1 * w2; s13 += x1 * w3
                    let x2 = load4(a2 + kk)
                    s20 += x2 * w0; s21 += x2 * w1; s22 += x2 * w2; s23 += x2 * w3
                    let x3 = load4(a3 + kk)
                    s30 += x3 * w0; s31 += x3 * w1; s32 += x3 * w2; s33 += x3 * w3
                    kk += 4
                }
                let c0 = c + i * ldc + j, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc
                store4(load4(c0) + finish4(s00, s01, s02, s03, a0, b0, b1, b2, b3), c0)
                store4(load4(c1) + finish4(s10, s11, s12, s13, a1, b0, b1, b2, b3), c1)
                store4(load4(c2) + finish4(s20, s21, s22, s23, a2, b0, b1, b2, b3), c2)
                store4(load4(c3) + finish4(s30, s31, s32, s33, a3, b0, b1, b2, b3), c3)
                j += 4
            }
            if n4 < n { twoRows(i, from: n4); twoRows(i + 2, from: n4) }
            i += 4
        }
#endif
        while i + 2 <= m { twoRows(i, from: 0); i += 2 }
        if i < m {
            let a0 = a + i * lda
            var j = 0
            while j + 4 <= n {
                let b0 = b + j * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb
                var s0 = SIMD4<Double>(), s1 = SIMD4<Double>(), s2 = SIMD4<Double>(), s3 = SIMD4<Double>()
                var kk = 0
                while kk < k4 {
                    let x = load4(a0 + kk)
                    s0 += x * load4(b0 + kk); s1 += x * load4(b1 + kk)
                    s2 += x * load4(b2 + kk); s3 += x * load4(b3 + kk)
                    kk += 4
                }
                let ci = c + i * ldc + j
                store4(load4(ci) + finish4(s0, s1, s2, s3, a0, b0, b1, b2, b3), ci)
                j += 4
            }
            while j < n {
                let b0 = b + j * ldb
                var s0 = SIMD4<Double>()
                var kk = 0
                while kk < k4 { s0 += load4(a0 + kk) * load4(b0 + kk); kk += 4 }
                c[i * ldc + j] += finish(s0, a0, b0)
                j += 1
            }
        }
    }
}
