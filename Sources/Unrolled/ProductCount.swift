import Synchronization

/// The arithmetic of a run's matrix products: a product `[M, K] · [K, N]` is `2 M N K`
/// floating-point operations, a multiply and an add per term, in `Double` or in `Float`.
///
/// This is the part of a run that a matrix product at the core's limit would finish fastest,
/// so `operations / limit` is a lower bound on the run's time that no kernel can beat. Every
/// chapter's run counts (each product adds its count to an atomic total, in whatever order its
/// threads finish: the total is the same), writes the totals into `cost.csv`, and prints them
/// with `--count-products`; counting never changes a result.
public enum ProductCount {
    private static let double = Atomic<Int>(0), float = Atomic<Int>(0)

    /// One core's limit in GFLOP/s, numpy's 1,024-square matrix product with OpenBLAS on one
    /// thread, on the machine of the project's PyTorch timings (2-core AMD EPYC Zen 3, AVX2 and
    /// FMA): the yardstick `seconds at the limit` divides by (`make flops` uses the same numbers).
    public static let doubleLimit = 43.0, floatLimit = 91.0

    /// Adds one product of `multiplyAdds` terms (`M N K`) in `Double`, or in `Float`.
    @inline(__always)
    static func record(multiplyAdds: Int, float isFloat: Bool = false) {
        if isFloat { float.add(2 * multiplyAdds, ordering: .relaxed) } else { double.add(2 * multiplyAdds, ordering: .relaxed) }
    }

    /// Operations counted so far, by precision.
    public static var operations: (double: Int, float: Int) {
        (double.load(ordering: .relaxed), float.load(ordering: .relaxed))
    }

    /// The counts as a table (`precision,operations,gflop,seconds_at_limit`): what a chapter's
    /// experiments cost, which its text quotes.
    public static var table: CSVTable {
        let (d, f) = operations
        var t = CSVTable(["precision", "operations", "gflop", "seconds_at_limit"])
        for (name, n, limit) in [("Double", d, doubleLimit), ("Float", f, floatLimit)] {
            t.append([name, String(n), Format.fixed(Double(n) / 1e9, decimals: 1), Format.fixed(Double(n) / (limit * 1e9), decimals: 1)])
        }
        let seconds = Double(d) / (doubleLimit * 1e9) + Double(f) / (floatLimit * 1e9)
        t.append(["total", String(d + f), Format.fixed(Double(d + f) / 1e9, decimals: 1), Format.fixed(seconds, decimals: 1)])
        return t
    }
}
