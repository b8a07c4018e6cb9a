import Foundation

/// The arithmetic of a run's matrix products, counted while `isOn` (every chapter's
/// `--count-products` switch, and `make flops`): a product `[M, K] · [K, N]` is `2 M N K`
/// floating-point operations, a multiply and an add per term, in `Double` or in `Float`.
///
/// This is the part of a run that a matrix product at the core's limit would finish fastest,
/// so `operations / limit` is a lower bound on the run's time that no kernel can beat. Counting
/// never changes a result; when it is off, each product pays for one test of `isOn`.
public enum ProductCount {
    /// Whether products are counted (off unless a run asks).
    nonisolated(unsafe) public static var isOn = false
    nonisolated(unsafe) private static var double = 0, float = 0
    private static let lock = NSLock()

    /// Adds one product of `multiplyAdds` terms (`M N K`) in `Double`, or in `Float`.
    @inline(__always)
    static func record(multiplyAdds: Int, float isFloat: Bool = false) {
        guard isOn else { return }
        lock.lock()                                        // chapters run some models side by side
        if isFloat { float += 2 * multiplyAdds } else { double += 2 * multiplyAdds }
        lock.unlock()
    }

    /// Operations counted so far, by precision.
    public static var operations: (double: Int, float: Int) {
        lock.lock()
        defer { lock.unlock() }
        return (double, float)
    }
}
