import Foundation
import Testing
import Unrolled

/// Random values uniform in [-1, 1).
func randomValues(_ n: Int, _ rng: inout SeededRandom) -> [Double] {
    (0..<n).map { _ in rng.uniform(-1, 1) }
}

/// The largest `|a - b| / max(1, |b|)` over two buffers of the same length: a relative error for
/// entries of size one and more, an absolute one below.
func relativeDifference(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count, "\(a.count) values against \(b.count)")
    var worst = 0.0
    for i in 0..<a.count {
        let d = abs(a[i] - b[i]) / max(1, abs(b[i]))
        if !(d <= worst) { worst = d.isNaN ? .infinity : d }
    }
    return worst
}

/// The tolerance between the fast and the reference implementation in `Double`: they differ
/// only in the order of their sums and in `tanh`/`exp` (the fast ones within a few ulp).
let agreement = 1e-12

/// Expects two buffers to agree within `agreement`, naming what was compared.
func expectAgree(_ fast: [Double], _ reference: [Double], _ what: String,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(fast.count == reference.count, "\(what): \(fast.count) values against \(reference.count)", sourceLocation: sourceLocation)
    guard fast.count == reference.count else { return }
    let d = relativeDifference(fast, reference)
    #expect(d <= agreement, "\(what): fast and reference differ by \(d)", sourceLocation: sourceLocation)
}

/// Copies every parameter value of `source` into `target` (same names, same order).
func copyParameters(from source: [Parameter], to target: [Parameter]) {
    precondition(source.map(\.name) == target.map(\.name), "the two models' parameters differ: \(source.map(\.name)) vs \(target.map(\.name))")
    for (s, t) in zip(source, target) { t.value = s.value }
}

/// `(L(v + ε) - L(v - ε)) / 2ε` with `ε = step` for every entry `v` of a buffer that `get` reads
/// and `set` writes, each restored to its exact value afterwards: the finite differences the
/// reference implementation's gradients are checked against.
func centralDifferences(count n: Int, step: Double = 1e-6, get: (Int) -> Double, set: (Int, Double) -> Void,
                        loss: () -> Double) -> [Double] {
    (0..<n).map { i in
        let saved = get(i)
        set(i, saved + step)
        let plus = loss()
        set(i, saved - step)
        let minus = loss()
        set(i, saved)
        return (plus - minus) / (2 * step)
    }
}

/// The same for every entry of a parameter's value.
func centralDifferences(_ p: Parameter, loss: () -> Double) -> [Double] {
    centralDifferences(count: p.count, get: { p.value[$0] }, set: { p.value[$0] = $1 }, loss: loss)
}
