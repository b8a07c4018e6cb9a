import Dispatch
import Foundation

/// Matrix products on contiguous row-major buffers, the hot loops of every layer, in `Double` or
/// `Float`: each function is written once over `Real` and compiled for both (`@_specialize`),
/// with four `Double`s or eight `Float`s per vector (`L` lanes).
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
/// shapes and the precision (ascending `k` for `nn` and `tn`; for `nt`, `L` interleaved partial
/// sums combined in a fixed order, or ascending `k` where `packsTransposedB` says so). Products
/// and sums are separate IEEE operations (no fused multiply-add), so debug and release builds
/// give the same bits. The kernels use explicit SIMD vectors (`Real.Vector`), which the compiler
/// maps onto vector registers.
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

    // snippet.tile
    /// The kernel of the `nn` and `tn` forms: four rows by two vectors of columns of `C` (eight
    /// vector accumulators of `W` lanes each), `C[i, j] += Σ_k A[i, k] · B[k, j]` over ascending
    /// `k`, where `A[i, k]` is at `a[i * aRow + k * aCol]` and `B[k, 0 ..< 2W]` at `b + k * bStep`
    /// (a row of `B` itself, or of a packed panel). `V` is `S.Vector` (a 256-bit register: four
    /// `Double`s or eight `Float`s), or `S.Wide` on a machine with 512-bit registers.
    @inline(__always)
    static func tile<S: Real, V: SIMD>(_: V.Type, k: Int, a: UnsafePointer<S>, aRow: Int,
                                       aCol: Int, b: UnsafePointer<S>, bStep: Int,
                                       c: UnsafeMutablePointer<S>, ldc: Int) where V.Scalar == S {
        let W = V.scalarCount
        @inline(__always) func load(_ p: UnsafePointer<S>) -> V {
            UnsafeRawPointer(p).loadUnaligned(as: V.self)
        }
        @inline(__always) func store(_ v: V, _ p: UnsafeMutablePointer<S>) {
            UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
        }
        let c0 = c, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc
        var x0 = load(c0), y0 = load(c0 + W)
        var x1 = load(c1), y1 = load(c1 + W)
        var x2 = load(c2), y2 = load(c2 + W)
        var x3 = load(c3), y3 = load(c3 + W)
        var bp = b, ap = a
        for _ in 0..<k {
            let b0 = load(bp), b1 = load(bp + W)
            let a0 = V(repeating: ap[0]), a1 = V(repeating: ap[aRow])
            let a2 = V(repeating: ap[2 * aRow]), a3 = V(repeating: ap[3 * aRow])
            x0 += a0 * b0; y0 += a0 * b1
            x1 += a1 * b0; y1 += a1 * b1
            x2 += a2 * b0; y2 += a2 * b1
            x3 += a3 * b0; y3 += a3 * b1
            bp += bStep; ap += aCol
        }
        store(x0, c0); store(y0, c0 + W)
        store(x1, c1); store(y1, c1 + W)
        store(x2, c2); store(y2, c2 + W)
        store(x3, c3); store(y3, c3 + W)
    }
    // snippet.end

    /// `C[M,N] += A · B` where `A[i,k]` is at `a[i * aRow + k * aCol]` and `B` is `[K,N]` with
    /// row stride `ldb`; `C` has row stride `ldc`. Each `C[i,j]` sums over ascending `k`.
    @inline(__always)
    static func kernelRowsOfB<S: Real>(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<S>, aRow: Int, aCol: Int,
        b: UnsafePointer<S>, ldb: Int,
        c: UnsafeMutablePointer<S>, ldc: Int
    ) {
        let L = S.lanes
        var i = 0
        // Four rows of C at a time, two vectors of columns at a time: 8 vector accumulators.
        while i + 4 <= m {
            var j = 0
            while j + 2 * L <= n {
                tile(S.Vector.self, k: k, a: a + i * aRow, aRow: aRow, aCol: aCol, b: b + j, bStep: ldb, c: c + i * ldc + j, ldc: ldc)
                j += 2 * L
            }
            if j < n { rowsTail(rows: i..<(i + 4), cols: j..<n, k: k, a: a, aRow: aRow, aCol: aCol, b: b, ldb: ldb, c: c, ldc: ldc) }
            i += 4
        }
        // Remaining rows one at a time; four vectors of columns at a time keeps four independent sums.
        while i < m {
            var j = 0
            let ci = c + i * ldc
            while j + 4 * L <= n {
                var x = S.load(ci + j), y = S.load(ci + j + L), z = S.load(ci + j + 2 * L), w = S.load(ci + j + 3 * L)
                for kk in 0..<k {
                    let av = S.Vector(repeating: a[i * aRow + kk * aCol])
                    let bp = b + kk * ldb + j
                    x += av * S.load(bp); y += av * S.load(bp + L)
                    z += av * S.load(bp + 2 * L); w += av * S.load(bp + 3 * L)
                }
                S.store(x, ci + j); S.store(y, ci + j + L); S.store(z, ci + j + 2 * L); S.store(w, ci + j + 3 * L)
                j += 4 * L
            }
            while j + 2 * L <= n {
                var x = S.load(ci + j), y = S.load(ci + j + L)
                for kk in 0..<k {
                    let av = S.Vector(repeating: a[i * aRow + kk * aCol])
                    let bp = b + kk * ldb + j
                    x += av * S.load(bp); y += av * S.load(bp + L)
                }
                S.store(x, ci + j); S.store(y, ci + j + L)
                j += 2 * L
            }
            if j < n { rowsTail(rows: i..<(i + 1), cols: j..<n, k: k, a: a, aRow: aRow, aCol: aCol, b: b, ldb: ldb, c: c, ldc: ldc) }
            i += 1
        }
    }

    /// Columns left over from the two-vector loops: one vector at a time per row (four rows at a
    /// time share each load of `B`), then one at a time (in the tn form, `L` rows of one column in
    /// one vector, as `Aᵀ` holds them side by side). Every element still sums over ascending `k`,
    /// a product then a sum, so each lane gets the bits of the scalar loop.
    @inline(__always)
    static func rowsTail<S: Real>(
        rows: Range<Int>, cols: Range<Int>, k: Int,
        a: UnsafePointer<S>, aRow: Int, aCol: Int, b: UnsafePointer<S>, ldb: Int, c: UnsafeMutablePointer<S>, ldc: Int
    ) {
        let L = S.lanes
        var j = cols.lowerBound
        while j + L <= cols.upperBound {
            var i = rows.lowerBound
            while i + 4 <= rows.upperBound {
                let c0 = c + i * ldc + j, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc
                var x0 = S.load(c0), x1 = S.load(c1), x2 = S.load(c2), x3 = S.load(c3)
                var ap = a + i * aRow, bp = b + j
                for _ in 0..<k {
                    let bv = S.load(bp)
                    x0 += S.Vector(repeating: ap[0]) * bv; x1 += S.Vector(repeating: ap[aRow]) * bv
                    x2 += S.Vector(repeating: ap[2 * aRow]) * bv; x3 += S.Vector(repeating: ap[3 * aRow]) * bv
                    ap += aCol; bp += ldb
                }
                S.store(x0, c0); S.store(x1, c1); S.store(x2, c2); S.store(x3, c3)
                i += 4
            }
            while i < rows.upperBound {
                var x = S.load(c + i * ldc + j)
                for kk in 0..<k { x += S.Vector(repeating: a[i * aRow + kk * aCol]) * S.load(b + kk * ldb + j) }
                S.store(x, c + i * ldc + j)
                i += 1
            }
            j += L
        }
        // with eight lanes (Float), four columns left still fill half a vector: four at a time
        while L > 4 && j + 4 <= cols.upperBound {
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
            // Aᵀ (the tn form): L rows of a column of C lie side by side in each row of A, so L
            // sums run in one vector, two columns at a time (two independent chains)
            while i0 + L <= rows.upperBound {
                var jj = j
                while jj + 2 <= cols.upperBound {
                    let c0 = c + i0 * ldc + jj
                    var x = S.Vector(), y = S.Vector()
                    for l in 0..<L { x[l] = c0[l * ldc]; y[l] = c0[l * ldc + 1] }
                    var ap = a + i0, bp = b + jj
                    for _ in 0..<k {
                        let av = S.load(ap)
                        x += av * S.Vector(repeating: bp[0]); y += av * S.Vector(repeating: bp[1])
                        ap += aCol; bp += ldb
                    }
                    for l in 0..<L { c0[l * ldc] = x[l]; c0[l * ldc + 1] = y[l] }
                    jj += 2
                }
                if jj < cols.upperBound {
                    let c0 = c + i0 * ldc + jj
                    var x = S.Vector()
                    for l in 0..<L { x[l] = c0[l * ldc] }
                    var ap = a + i0, bp = b + jj
                    for _ in 0..<k { x += S.load(ap) * S.Vector(repeating: bp[0]); ap += aCol; bp += ldb }
                    for l in 0..<L { c0[l * ldc] = x[l] }
                }
                i0 += L
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
    static func splitRows<S: Real>(m: Int, work: Int, of _: S.Type, _ body: (Range<Int>) -> Void) {
        ProductCount.record(multiplyAdds: work, float: S.self == Float.self)
        let parts = parts(rows: m, work: work)
        guard parts > 1 else { body(0..<m); return }
        // Each call of `body` writes its own rows of C and only reads A and B, so running them on
        // several threads is safe although the closure's type does not say so.
        nonisolated(unsafe) let body = body
        DispatchQueue.concurrentPerform(iterations: parts) { p in body((m * p / parts)..<(m * (p + 1) / parts)) }
    }

    /// Rows of `B` per pass of `kernelRowsOfB`, and rows of `B` per pass of `dotProducts`: small
    /// enough that the block of `B` stays in cache while every row of `A` goes past it. Columns of
    /// `B` per pass of `kernelRowsOfB` (`cBlock`, a multiple of two vectors), so that a
    /// `kBlock × cBlock` block (256 KiB in `Double`) fits the core's second-level cache however
    /// wide `B` is.
    static let kBlock = 256, nBlock = 128, cBlock = 128

    /// Where an operand's element `(row, column)` lives: `base[row * row + column * column]`, so
    /// that `A`, `Aᵀ`, `B` and `Bᵀ` are all read through one type.
    struct Layout<S: Real> {
        let base: UnsafePointer<S>, row: Int, column: Int
        @inline(__always) subscript(_ r: Int, _ c: Int) -> S { base[r * row + c * column] }
        @inline(__always) func offset(_ r: Int, _ c: Int) -> Layout { Layout(base: base + r * row + c * column, row: row, column: column) }
    }

    /// `C[M, N] += A · B` over blocks of `kBlock` values of `k` and `cBlock` columns. `C` is
    /// loaded, added to and stored once per block; a stored value is reloaded exactly, and columns
    /// never interact, so each element still sums over ascending `k` with the same bits. With
    /// enough rows of `A` to share it, or when `B` is read transposed (its rows are then not
    /// contiguous), each block of `B` is first copied into panels (`packedBlock`), so that the
    /// kernel reads it sequentially; otherwise the kernel reads `B` in place.
    @inline(__always)
    static func blocked<S: Real>(m: Int, n: Int, k: Int, a: Layout<S>, b: Layout<S>, c: UnsafeMutablePointer<S>, ldc: Int) {
        let pack = (m >= packRows && n >= 2 * S.lanes) || b.column != 1
        // For tn (Aᵀ, `a.row == 1`) a narrow B takes longer blocks of k in the same space: a
        // weight gradient with k = 320 rows and n = 64 then runs in one block, one pass over C and
        // one strip per tile instead of two.
        let kb = pack && a.row == 1 ? kBlock * cBlock / max(2 * S.lanes, min(n, cBlock)) : kBlock
        let buffer = pack ? UnsafeMutablePointer<S>.allocate(capacity: kBlock * cBlock + 4 * kb) : nil
        defer { buffer?.deallocate() }
        var k0 = 0
        repeat {
            let kc = min(kb, k - k0)
            var j0 = 0
            repeat {
                let nc = min(cBlock, n - j0)
                if let buffer {
                    packedBlock(m: m, n: nc, k: kc, a: a.offset(0, k0), b: b.offset(k0, j0), c: c + j0, ldc: ldc,
                                panels: buffer, strip: buffer + kBlock * cBlock)
                } else {
                    kernelRowsOfB(m: m, n: nc, k: kc, a: a.base + k0 * a.column, aRow: a.row, aCol: a.column,
                                  b: b.base + k0 * b.row + j0, ldb: b.row, c: c + j0, ldc: ldc)
                }
                j0 += nc
            } while j0 < n
            k0 += kc
        } while k0 < k
    }

    /// Rows of `A` from which packing a block of `B` pays for the copy.
    static let packRows = 16

    /// Whether the packed products use `S.Wide` panels and tiles: with 32 vector registers
    /// (AVX-512), whose 512-bit registers hold a `Wide`, so that one instruction does the work of
    /// two. Every element still sums over ascending `k`, so the bits are those of `S.Vector` tiles.
#if REGISTERS32
    static let wideTiles = true
#else
    static let wideTiles = false
#endif

    /// One block of `C[M, N] += A · B`: `B` copied into panels of two vectors of columns
    /// (`[K, 2W]` each, contiguous: first as many of two `Wide`s as fit, when `wideTiles`, then of
    /// two `Vector`s; for `Bᵀ` the copy is also the transpose), then `tile` over them, four rows
    /// of `C` at a time (for `Aᵀ`, each four rows first copied into `strip`, `[K, 4]`). The rows
    /// and columns left over sum in the same order (ascending `k`), so every element of `C` gets
    /// the bits of the scalar loop.
    @inline(__always)
    static func packedBlock<S: Real>(m: Int, n: Int, k: Int, a: Layout<S>, b: Layout<S>, c: UnsafeMutablePointer<S>, ldc: Int,
                                     panels: UnsafeMutablePointer<S>, strip: UnsafeMutablePointer<S>) {
        let L = S.lanes, narrow = 2 * L, wide = wideTiles ? 2 * S.Wide.scalarCount : narrow
        let m4 = m & ~3, nWide = n - n % wide, nPanels = n - n % narrow
        @inline(__always) func width(_ p: Int) -> Int { p < nWide ? wide : narrow }
        var p = 0
        while p < nPanels {
            let width = width(p), panel = panels + p * k
            if b.column == 1 {
                for kk in 0..<k {                         // rows of B, a vector at a time
                    let src = b.base + kk * b.row + p
                    for q in stride(from: 0, to: width, by: L) { S.store(S.load(src + q), panel + kk * width + q) }
                }
            } else {
                for jj in 0..<width {                     // the transpose: row p + jj of Bᵀ
                    let src = b.base + (p + jj) * b.column
                    for kk in 0..<k { panel[kk * width + jj] = src[kk * b.row] }
                }
            }
            p += width
        }
        var i = 0
        while i < m4 {
            // Aᵀ (the tn form): the tile's four rows lie across one cache line per k; copied once
            // into a strip of k × 4 values, read by every panel
            var rows = a.offset(i, 0)
            if a.row == 1 && nPanels > 0 {
                var src = rows.base
                for kk in 0..<k {
                    UnsafeMutableRawPointer(strip + 4 * kk).storeBytes(of: UnsafeRawPointer(src).loadUnaligned(as: SIMD4<S>.self), as: SIMD4<S>.self)
                    src += a.column
                }
                rows = Layout(base: strip, row: 1, column: 4)
            }
            var p = 0
            while p < nWide {
                tile(S.Wide.self, k: k, a: rows.base, aRow: rows.row, aCol: rows.column, b: panels + p * k, bStep: wide,
                     c: c + i * ldc + p, ldc: ldc)
                p += wide
            }
            while p < nPanels {
                tile(S.Vector.self, k: k, a: rows.base, aRow: rows.row, aCol: rows.column, b: panels + p * k, bStep: narrow,
                     c: c + i * ldc + p, ldc: ldc)
                p += narrow
            }
            i += 4
        }
        // the rows a four-row tile leaves: one row by two vectors
        for i in m4..<m {
            var p = 0
            while p < nPanels {
                let width = width(p)
                for q in stride(from: 0, to: width, by: narrow) {
                    let ci = c + i * ldc + p + q
                    var x = S.load(ci), y = S.load(ci + L)
                    var ap = a.base + i * a.row, bp = UnsafePointer(panels + p * k + q)
                    for _ in 0..<k {
                        let av = S.Vector(repeating: ap[0])
                        x += av * S.load(bp); y += av * S.load(bp + L)
                        ap += a.column; bp += width
                    }
                    S.store(x, ci); S.store(y, ci + L)
                }
                p += width
            }
        }
        // the columns past the last panel
        if nPanels < n {
            if b.column == 1 {
                rowsTail(rows: 0..<m, cols: nPanels..<n, k: k, a: a.base, aRow: a.row, aCol: a.column, b: b.base, ldb: b.row, c: c, ldc: ldc)
            } else {
                for i in 0..<m {
                    for j in nPanels..<n {
                        var sum = c[i * ldc + j]
                        for kk in 0..<k { sum += a[i, kk] * b[kk, j] }
                        c[i * ldc + j] = sum
                    }
                }
            }
        }
    }

    /// `C[M,N] += A[M,K] · B[K,N]`.
    @_specialize(where S == Double)
    @_specialize(where S == Float)
    public static func addProduct<S: Real>(
        m: Int, n: Int, k: Int, a: UnsafePointer<S>, lda: Int, b: UnsafePointer<S>, ldb: Int, c: UnsafeMutablePointer<S>, ldc: Int
    ) {
        splitRows(m: m, work: m * n * k, of: S.self) { r in
            blocked(m: r.count, n: n, k: k, a: Layout(base: a + r.lowerBound * lda, row: lda, column: 1),
                    b: Layout(base: b, row: ldb, column: 1), c: c + r.lowerBound * ldc, ldc: ldc)
        }
    }

    /// `C[M,N] += A[K,M]ᵀ · B[K,N]`.
    @_specialize(where S == Double)
    @_specialize(where S == Float)
    public static func addProductTransposedA<S: Real>(
        m: Int, n: Int, k: Int, a: UnsafePointer<S>, lda: Int, b: UnsafePointer<S>, ldb: Int, c: UnsafeMutablePointer<S>, ldc: Int
    ) {
        splitRows(m: m, work: m * n * k, of: S.self) { r in
            blocked(m: r.count, n: n, k: k, a: Layout(base: a + r.lowerBound, row: 1, column: lda),
                    b: Layout(base: b, row: ldb, column: 1), c: c + r.lowerBound * ldc, ldc: ldc)
        }
    }

    /// `C[M,N] += A[M,K] · B[N,K]ᵀ`, in one of two orders chosen by the whole product's shape
    /// (never by how its rows are split across threads):
    ///
    /// - `packsTransposedB`: `Bᵀ` is copied into panels and every element sums over ascending
    ///   `k`, as in `addProduct`;
    /// - otherwise dot products of rows of `A` with rows of `B`: each keeps `L` partial sums
    ///   (lanes `k mod L` of a vector, `L` = 4 in `Double` and 8 in `Float`), adds them neighbours
    ///   first (`Real.pairwiseSum`: `(s0 + s1) + (s2 + s3)` in `Double`), then adds the scalar
    ///   tail in ascending `k`, then adds to `C`.
    @_specialize(where S == Double)
    @_specialize(where S == Float)
    public static func addProductTransposedB<S: Real>(
        m: Int, n: Int, k: Int, a: UnsafePointer<S>, lda: Int, b: UnsafePointer<S>, ldb: Int, c: UnsafeMutablePointer<S>, ldc: Int
    ) {
        if packsTransposedB(m: m, n: n, k: k, of: S.self) {
            splitRows(m: m, work: m * n * k, of: S.self) { r in
                blocked(m: r.count, n: n, k: k, a: Layout(base: a + r.lowerBound * lda, row: lda, column: 1),
                        b: Layout(base: b, row: 1, column: ldb), c: c + r.lowerBound * ldc, ldc: ldc)
            }
            return
        }
        splitRows(m: m, work: m * n * k, of: S.self) { r in
            if k < S.lanes {
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

    /// `M [rows, columns]` (row `i` at `m + i · rowStride`) as `Mᵀ [columns, rows]`, contiguous.
    static func transposed<S: Real>(_ m: UnsafePointer<S>, rows: Int, columns: Int, rowStride: Int) -> [S] {
        [S](unsafeUninitializedCapacity: rows * columns) { t, count in
            for i in 0..<rows { for j in 0..<columns { t[j * rows + i] = m[i * rowStride + j] } }
            count = rows * columns
        }
    }

    /// `B [N, K]` of `addProductTransposedB` for many products of `m` rows with the same `B`: a
    /// recurrent weight `W_hh`, multiplied once per time step. Where that function would copy `Bᵀ`
    /// into panels in every call (`packsTransposedB`), `Bᵀ [K, N]` is transposed once here and
    /// each product reads it as `addProduct` does; both sum every element over ascending `k`, so
    /// the bits are the same. Otherwise each product is `addProductTransposedB` itself. `b` must
    /// outlive the value (the layers make one inside `withUnsafeBufferPointer`).
    public struct RepeatedTransposedB<S: Real> {
        let m: Int, n: Int, k: Int, b: UnsafePointer<S>, ldb: Int
        /// `Bᵀ [K, N]`, or `nil` where the products keep the dot products' order.
        let transposed: [S]?

        public init(m: Int, n: Int, k: Int, b: UnsafePointer<S>, ldb: Int) {
            (self.m, self.n, self.k, self.b, self.ldb) = (m, n, k, b, ldb)
            guard MatrixProduct.packsTransposedB(m: m, n: n, k: k, of: S.self) else { transposed = nil; return }
            transposed = MatrixProduct.transposed(b, rows: n, columns: k, rowStride: ldb)
        }

        /// `C[M,N] += A[M,K] · B[N,K]ᵀ`, the bits of `addProductTransposedB`.
        @inline(__always)
        public func addProduct(a: UnsafePointer<S>, lda: Int, c: UnsafeMutablePointer<S>, ldc: Int) {
            if let transposed {
                MatrixProduct.addProduct(m: m, n: n, k: k, a: a, lda: lda, b: transposed, ldb: n, c: c, ldc: ldc)
            } else {
                MatrixProduct.addProductTransposedB(m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc)
            }
        }
    }

    /// Whether `addProductTransposedB` packs `Bᵀ` (ascending `k`) instead of taking dot products:
    /// in `Float`, for a product of at least `packRows` rows, two vectors of columns and `shortK`
    /// values of `k`, where the packed tile runs about 1.5 times as fast as the dot products
    /// (`make bench`, rows `matmul-float-nt-*`). `Double` keeps the dot products' order for every
    /// shape.
    @inline(__always)
    static func packsTransposedB<S: Real>(m: Int, n: Int, k: Int, of _: S.Type) -> Bool {
        S.self == Float.self && m >= packRows && n >= 2 * S.lanes && k >= shortK
    }

    /// `L` partial sums, one vector each, added neighbours first as `Real.pairwiseSum` adds the
    /// lanes of one vector: lane by lane, each lane gets the bits of its own pairwise sum.
    @inline(__always)
    static func pairwise<S: Real>(_ s: (S.Vector, S.Vector, S.Vector, S.Vector, S.Vector, S.Vector, S.Vector, S.Vector), of _: S.Type) -> S.Vector {
        if S.lanes == 4 { return (s.0 + s.1) + (s.2 + s.3) }
        return ((s.0 + s.1) + (s.2 + s.3)) + ((s.4 + s.5) + (s.6 + s.7))
    }

    /// `dotProducts` for short rows (`L ≤ k < shortK`: an input of a few values, a small hidden
    /// state), where the transposition of the partial sums would cost more than the products.
    /// `L` columns of `C` at a time, one lane each: their rows of `B` are read once, as columns
    /// `B[j ..< j+L, kk]`, for all rows of `A`. Each lane does what `dotProducts` does for one dot
    /// product, in the same order: partial sums `s_l` over `kk ≡ l (mod L)` added neighbours first,
    /// the tail in ascending `kk`, and the sum added to `C`.
    @inline(never)
    static func shortDotProducts<S: Real>(
        m: Int, n: Int, k: Int, a: UnsafePointer<S>, lda: Int, b: UnsafePointer<S>, ldb: Int, c: UnsafeMutablePointer<S>, ldc: Int
    ) {
        let L = S.lanes, kL = k - k % L
        withUnsafeTemporaryAllocation(of: S.Vector.self, capacity: k) { columns in
            let bt = columns.baseAddress!
            var j = 0
            while j + L <= n {
                for kk in 0..<k {
                    var v = S.Vector()
                    for l in 0..<L { v[l] = b[(j + l) * ldb + kk] }
                    bt[kk] = v
                }
                for i in 0..<m {
                    let ai = a + i * lda, ci = c + i * ldc + j
                    let z = S.Vector()
                    var s = (z, z, z, z, z, z, z, z)
                    var kk = 0
                    while kk < kL {
                        s.0 += S.Vector(repeating: ai[kk]) * bt[kk]; s.1 += S.Vector(repeating: ai[kk + 1]) * bt[kk + 1]
                        s.2 += S.Vector(repeating: ai[kk + 2]) * bt[kk + 2]; s.3 += S.Vector(repeating: ai[kk + 3]) * bt[kk + 3]
                        if L == 8 {
                            s.4 += S.Vector(repeating: ai[kk + 4]) * bt[kk + 4]; s.5 += S.Vector(repeating: ai[kk + 5]) * bt[kk + 5]
                            s.6 += S.Vector(repeating: ai[kk + 6]) * bt[kk + 6]; s.7 += S.Vector(repeating: ai[kk + 7]) * bt[kk + 7]
                        }
                        kk += L
                    }
                    var sum = pairwise(s, of: S.self)
                    while kk < k { sum += S.Vector(repeating: ai[kk]) * bt[kk]; kk += 1 }
                    S.store(S.load(ci) + sum, ci)
                }
                j += L
            }
            // the last columns (fewer than L) as `dotProducts` does them
            if j < n { dotProducts(m: m, n: n - j, k: k, a: a, lda: lda, b: b + j * ldb, ldb: ldb, c: c + j, ldc: ldc) }
        }
    }

    /// `dotProducts` for `k < L`, where every partial sum is zero and each dot product is
    /// `0 + a_0 b_0 (+ a_1 b_1 …)`: `L` columns of `C` at a time, one lane each, their columns of
    /// `B` gathered once.
    @inline(__always)
    static func tailDotProducts<S: Real>(
        m: Int, n: Int, k: Int, a: UnsafePointer<S>, lda: Int, b: UnsafePointer<S>, ldb: Int, c: UnsafeMutablePointer<S>, ldc: Int
    ) {
        let L = S.lanes
        withUnsafeTemporaryAllocation(of: S.Vector.self, capacity: max(k, 1)) { columns in
            let bt = columns.baseAddress!
            var j = 0
            while j + L <= n {
                for kk in 0..<k {
                    var v = S.Vector()
                    for l in 0..<L { v[l] = b[(j + l) * ldb + kk] }
                    bt[kk] = v
                }
                for i in 0..<m {
                    let ai = a + i * lda, ci = c + i * ldc + j
                    var s = S.Vector()               // k = 0: every dot product is +0 (a −0 in C becomes +0)
                    for kk in 0..<k { s += S.Vector(repeating: ai[kk]) * bt[kk] }
                    S.store(S.load(ci) + s, ci)
                }
                j += L
            }
            // the last columns (fewer than L) as `dotProducts` does them
            if j < n { dotProducts(m: m, n: n - j, k: k, a: a, lda: lda, b: b + j * ldb, ldb: ldb, c: c + j, ldc: ldc) }
        }
    }

    /// Rows of `A` and `B` shorter than this go through `shortDotProducts` (or `tailDotProducts`).
    static let shortK = 16

    /// Four vectors of `C`'s values in place: the four elements at `p`.
    @inline(__always) static func load4<S: Real>(_ p: UnsafePointer<S>) -> SIMD4<S> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD4<S>.self)
    }
    @inline(__always) static func store4<S: Real>(_ v: SIMD4<S>, _ p: UnsafeMutablePointer<S>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD4<S>.self)
    }

    /// The single-threaded body of `addProductTransposedB`. Never inlined: inlined into the
    /// closure that `splitRows` runs on several threads, it was compiled with its sums spilled to
    /// the stack, and two threads took longer than one (`make bench`, `matmul-double-nt-*`).
    @inline(never)
    static func dotProducts<S: Real>(
        m: Int, n: Int, k: Int, a: UnsafePointer<S>, lda: Int, b: UnsafePointer<S>, ldb: Int, c: UnsafeMutablePointer<S>, ldc: Int
    ) {
        let L = S.lanes, kL = k - k % L
        typealias V = S.Vector
        @inline(__always) func finish(_ v: V, _ ar: UnsafePointer<S>, _ br: UnsafePointer<S>) -> S {
            var s = S.pairwiseSum(v)
            var kk = kL
            while kk < k { s += ar[kk] * br[kk]; kk += 1 }
            return s
        }
        // `finish` for four dot products at once, one per lane: the same sums in the same order
        // (each vector's lanes neighbours first, then the tail), with the partial sums transposed
        // first, so that lane l of column t is lane t of vector l
        @inline(__always) func finish4(_ s0: V, _ s1: V, _ s2: V, _ s3: V,
                                       _ ar: UnsafePointer<S>, _ b0: UnsafePointer<S>, _ b1: UnsafePointer<S>,
                                       _ b2: UnsafePointer<S>, _ b3: UnsafePointer<S>) -> SIMD4<S> {
            @inline(__always) func t(_ l: Int) -> SIMD4<S> { SIMD4(s0[l], s1[l], s2[l], s3[l]) }
            var s: SIMD4<S>
            if L == 4 {
                s = (t(0) + t(1)) + (t(2) + t(3))
            } else {
                s = ((t(0) + t(1)) + (t(2) + t(3))) + ((t(4) + t(5)) + (t(6) + t(7)))
            }
            var kk = kL
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
                var s00 = V(), s01 = V(), s02 = V(), s03 = V()
                var s10 = V(), s11 = V(), s12 = V(), s13 = V()
                var kk = 0
                while kk < kL {
                    let x0 = S.load(a0 + kk), x1 = S.load(a1 + kk)
                    let w0 = S.load(b0 + kk), w1 = S.load(b1 + kk), w2 = S.load(b2 + kk), w3 = S.load(b3 + kk)
                    s00 += x0 * w0; s01 += x0 * w1; s02 += x0 * w2; s03 += x0 * w3
                    s10 += x1 * w0; s11 += x1 * w1; s12 += x1 * w2; s13 += x1 * w3
                    kk += L
                }
                let c0 = c + i * ldc + j, c1 = c0 + ldc
                store4(load4(c0) + finish4(s00, s01, s02, s03, a0, b0, b1, b2, b3), c0)
                store4(load4(c1) + finish4(s10, s11, s12, s13, a1, b0, b1, b2, b3), c1)
                j += 4
            }
            while j + 2 <= n {
                let b0 = b + j * ldb, b1 = b0 + ldb
                var s00 = V(), s01 = V(), s10 = V(), s11 = V()
                var kk = 0
                while kk < kL {
                    let x0 = S.load(a0 + kk), x1 = S.load(a1 + kk)
                    let w0 = S.load(b0 + kk), w1 = S.load(b1 + kk)
                    s00 += x0 * w0; s01 += x0 * w1
                    s10 += x1 * w0; s11 += x1 * w1
                    kk += L
                }
                c[i * ldc + j] += finish(s00, a0, b0)
                c[i * ldc + j + 1] += finish(s01, a0, b1)
                c[(i + 1) * ldc + j] += finish(s10, a1, b0)
                c[(i + 1) * ldc + j + 1] += finish(s11, a1, b1)
                j += 2
            }
            if j < n {
                let b0 = b + j * ldb
                var s0 = V(), s1 = V()
                var kk = 0
                while kk < kL { let w = S.load(b0 + kk); s0 += S.load(a0 + kk) * w; s1 += S.load(a1 + kk) * w; kk += L }
                c[i * ldc + j] += finish(s0, a0, b0)
                c[(i + 1) * ldc + j] += finish(s1, a1, b0)
            }
        }
        var i = 0
#if REGISTERS32
        // With 32 vector registers: four rows of A against four rows of B, sixteen dot products
        // sharing each load (their sums do not fit in 16 registers). Each dot product keeps its
        // partial sums and is finished as in `twoRows`, so the bits are the same.
        let n4 = n & ~3
        while i + 4 <= m {
            let a0 = a + i * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda
            var j = 0
            while j < n4 {
                let b0 = b + j * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb
                var s00 = V(), s01 = V(), s02 = V(), s03 = V()
                var s10 = V(), s11 = V(), s12 = V(), s13 = V()
                var s20 = V(), s21 = V(), s22 = V(), s23 = V()
                var s30 = V(), s31 = V(), s32 = V(), s33 = V()
                var kk = 0
                while kk < kL {
                    let w0 = S.load(b0 + kk), w1 = S.load(b1 + kk), w2 = S.load(b2 + kk), w3 = S.load(b3 + kk)
                    let x0 = S.load(a0 + kk)
                    s00 += x0 * w0; s01 += x0 * w1; s02 += x0 * w2; s03 += x0 * w3
                    let x1 = S.load(a1 + kk)
                    s10 += x1 * w0; s11 += x1 * w1; s12 += x1 * w2; s13 += x1 * w3
                    let x2 = S.load(a2 + kk)
                    s20 += x2 * w0; s21 += x2 * w1; s22 += x2 * w2; s23 += x2 * w3
                    let x3 = S.load(a3 + kk)
                    s30 += x3 * w0; s31 += x3 * w1; s32 += x3 * w2; s33 += x3 * w3
                    kk += L
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
                var s0 = V(), s1 = V(), s2 = V(), s3 = V()
                var kk = 0
                while kk < kL {
                    let x = S.load(a0 + kk)
                    s0 += x * S.load(b0 + kk); s1 += x * S.load(b1 + kk)
                    s2 += x * S.load(b2 + kk); s3 += x * S.load(b3 + kk)
                    kk += L
                }
                let ci = c + i * ldc + j
                store4(load4(ci) + finish4(s0, s1, s2, s3, a0, b0, b1, b2, b3), ci)
                j += 4
            }
            while j < n {
                let b0 = b + j * ldb
                var s0 = V()
                var kk = 0
                while kk < kL { s0 += S.load(a0 + kk) * S.load(b0 + kk); kk += L }
                c[i * ldc + j] += finish(s0, a0, b0)
                j += 1
            }
        }
    }
}
