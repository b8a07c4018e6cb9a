import Foundation
import Testing
@testable import Unrolled

@Suite struct MatrixProductTests {
    /// Naive products with the documented summation order.
    func naive(_ m: Int, _ n: Int, _ k: Int, _ a: (Int, Int) -> Double, _ b: (Int, Int) -> Double, _ c: [Double]) -> [Double] {
        var out = c
        for i in 0..<m { for j in 0..<n { var s = out[i * n + j]; for kk in 0..<k { s += a(i, kk) * b(kk, j) }; out[i * n + j] = s } }
        return out
    }

    static let shapes: [(Int, Int, Int)] = [(1, 1, 1), (1, 17, 5), (3, 8, 8), (4, 16, 3), (5, 9, 7), (7, 23, 13), (9, 128, 57), (2, 3, 1),
                                           (8, 2, 300), (12, 1, 40)]

    /// `nn` and `tn` add in the same order as the naive loop (ascending k): identical bits.
    @Test(arguments: shapes, [false, true]) func productsMatchNaiveBitForBit(shape: (Int, Int, Int), transposedA: Bool) {
        let (m, n, k) = shape
        var rng = SeededRandom(seed: UInt64(m * 1000 + n * 10 + k) + (transposedA ? 7 : 0))
        let a = randomValues(m * k, &rng), b = randomValues(k * n, &rng), c = randomValues(m * n, &rng)
        var out = c
        if transposedA {
            // a holds A as [K, M]
            MatrixProduct.addProductTransposedA(m: m, n: n, k: k, a: a, lda: m, b: b, ldb: n, c: &out, ldc: n)
            #expect(out == naive(m, n, k, { a[$1 * m + $0] }, { b[$0 * n + $1] }, c))
        } else {
            MatrixProduct.addProduct(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: &out, ldc: n)
            #expect(out == naive(m, n, k, { a[$0 * k + $1] }, { b[$0 * n + $1] }, c))
        }
    }

    /// Blocking over `k` (nn, tn) and over the rows of `B` (nt), and packing blocks of `B` when
    /// `A` has enough rows, keep every element's bits.
    @Test(arguments: [9, MatrixProduct.packRows + 3])
    func blockedProductsKeepTheirBits(m: Int) {
        let (n, k) = (2 * MatrixProduct.nBlock + 37, 2 * MatrixProduct.kBlock + 45)
        var rng = SeededRandom(seed: 98)
        let a = randomValues(m * k, &rng), b = randomValues(k * n, &rng), bt = randomValues(n * k, &rng), c = randomValues(m * n, &rng)
        MatrixProduct.$threads.withValue(1) {
            var nn = c, tn = c, nt = c, whole = c
            MatrixProduct.addProduct(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: &nn, ldc: n)
            #expect(nn == naive(m, n, k, { a[$0 * k + $1] }, { b[$0 * n + $1] }, c))
            MatrixProduct.addProductTransposedA(m: m, n: n, k: k, a: a, lda: m, b: b, ldb: n, c: &tn, ldc: n)
            #expect(tn == naive(m, n, k, { a[$1 * m + $0] }, { b[$0 * n + $1] }, c))
            MatrixProduct.addProductTransposedB(m: m, n: n, k: k, a: a, lda: k, b: bt, ldb: k, c: &nt, ldc: n)
            a.withUnsafeBufferPointer { ap in bt.withUnsafeBufferPointer { bp in whole.withUnsafeMutableBufferPointer { cp in
                MatrixProduct.dotProducts(m: m, n: n, k: k, a: ap.baseAddress!, lda: k, b: bp.baseAddress!, ldb: k, c: cp.baseAddress!, ldc: n)
            } } }
            #expect(nt == whole)
        }
    }

    /// Large products run on several threads; every form gives the same bits as on one.
    @Test func threadedProductsEqualSingleThreadedBitForBit() {
        let (m, n, k) = (403, 230, 191)           // m·n·k over four times the threading threshold, odd sizes
        #expect(m * n * k >= MatrixProduct.threadedWork)
        var rng = SeededRandom(seed: 99)
        let a = randomValues(m * k, &rng), b = randomValues(k * n, &rng), bt = randomValues(n * k, &rng), c = randomValues(m * n, &rng)
        func all(threads: Int) -> [[Double]] {
            MatrixProduct.$threads.withValue(threads) {
                #expect(MatrixProduct.parts(rows: m, work: m * n * k) == threads, "the product really runs on \(threads) threads")
                var nn = c, tn = c, nt = c
                MatrixProduct.addProduct(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: &nn, ldc: n)
                MatrixProduct.addProductTransposedA(m: m, n: n, k: k, a: a, lda: m, b: b, ldb: n, c: &tn, ldc: n)
                MatrixProduct.addProductTransposedB(m: m, n: n, k: k, a: a, lda: k, b: bt, ldb: k, c: &nt, ldc: n)
                return [nn, tn, nt]
            }
        }
        let one = all(threads: 1)
        for threads in [2, 3, 4] { #expect(all(threads: threads) == one, "\(threads) threads") }
    }

    @Test(arguments: shapes) func transposedBMatchesNaive(shape: (Int, Int, Int)) {
        let (m, n, k) = shape
        var rng = SeededRandom(seed: UInt64(m * 31 + n * 17 + k))
        let a = randomValues(m * k, &rng), b = randomValues(n * k, &rng), c = randomValues(m * n, &rng)
        var out = c
        MatrixProduct.addProductTransposedB(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: k, c: &out, ldc: n)
        let expected = naive(m, n, k, { a[$0 * k + $1] }, { b[$1 * k + $0] }, c)
        // Partial sums in another order: equal to rounding.
        for (x, y) in zip(out, expected) { #expect(abs(x - y) <= 1e-13 * max(1, abs(y))) }
    }

    /// `nt` follows its documented order exactly: per element, four lane sums over `k mod 4`
    /// (ascending), combined as `(s0 + s1) + (s2 + s3)`, then the tail in ascending `k`, then
    /// added to `C`. Same bits whatever block of rows and columns computed it.
    @Test func transposedBFollowsItsDocumentedOrder() {
        // the short forms too: k < 4 (no partial sums), and k < 16 (four columns per vector)
        for (m, n, k) in [(1, 1, 4), (2, 4, 8), (3, 5, 9), (5, 11, 64), (4, 9, 67), (7, 13, 3), (6, 130, 66),
                          (9, 6, 1), (5, 7, 2), (4, 10, 5), (3, 9, 12), (6, 17, 15), (5, 13, 0)] {
            var rng = SeededRandom(seed: UInt64(m * 7 + n * 3 + k))
            let a = randomValues(m * k, &rng), b = randomValues(n * k, &rng), c = randomValues(m * n, &rng)
            var out = c
            MatrixProduct.addProductTransposedB(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: k, c: &out, ldc: n)
            let k4 = k & ~3
            for i in 0..<m {
                for j in 0..<n {
                    var lanes = [0.0, 0.0, 0.0, 0.0]
                    for kk in 0..<k4 { lanes[kk % 4] += a[i * k + kk] * b[j * k + kk] }
                    var sum = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3])
                    for kk in k4..<k { sum += a[i * k + kk] * b[j * k + kk] }
                    #expect(out[i * n + j] == c[i * n + j] + sum, "\(m)×\(n)×\(k) at (\(i), \(j))")
                }
            }
        }
    }

    @Test func transposedBDoesNotDependOnRowCount() {
        // Row i of C must be the same whether it is computed alone or in a block of rows.
        var rng = SeededRandom(seed: 5)
        let k = 29, n = 11, m = 6
        let a = randomValues(m * k, &rng), b = randomValues(n * k, &rng)
        var all = [Double](repeating: 0, count: m * n)
        MatrixProduct.addProductTransposedB(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: k, c: &all, ldc: n)
        for i in 0..<m {
            var row = [Double](repeating: 0, count: n)
            MatrixProduct.addProductTransposedB(m: 1, n: n, k: k, a: Array(a[(i * k)...]), lda: k, b: b, ldb: k, c: &row, ldc: n)
            #expect(row == Array(all[(i * n)..<((i + 1) * n)]))
        }
    }
}

@Suite struct SHA256Tests {
    @Test func knownDigests() {
        #expect(SHA256.hex(of: Array("".utf8)) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(of: Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        // Two blocks.
        #expect(SHA256.hex(of: Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }
}

@Suite struct FormatTests {
    @Test func numbers() {
        #expect(Format.number(-0.0) == "0")
        #expect(Format.number(0.5) == "0.5")
        #expect(Format.number(1.0 / 3.0) == "0.333333")
        #expect(Format.number(.nan) == "nan")
        #expect(Format.fixed(-0.0001, decimals: 2) == "0.00")
        #expect(Format.grouped(20074) == "20,074")
        #expect(Format.grouped(-1234567) == "-1,234,567")
        #expect(Format.percent(0.8234) == "82.3")
    }

    @Test func csvQuotesFields() {
        var t = CSVTable(["a", "b"])
        t.append(["x,y", "say \"hi\""])
        #expect(t.text == "a,b\n\"x,y\",\"say \"\"hi\"\"\"\n")
    }
}
