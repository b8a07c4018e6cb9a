import Foundation
import Testing
import Unrolled

@testable import TimeSeries

/// Networks trained side by side (`LockstepRegressors`) against the same networks trained alone
/// (`WindowRegressor`, the fast implementation's layers), from the same seeds on the same windows.
///
/// The two compute the same sums in different orders. In `Double` they agree to rounding
/// (`1e-12`, norm-wise, for every parameter, gradient and prediction after several epochs), and a
/// weight off by one part in a million fails that.
///
/// In `Float` the comparison is one epoch from the same parameters: the loss, the predictions,
/// and the whole gradient of each network, norm-wise. Each sum of `K ≤ 4H + 1 ≤ 33` terms rounds
/// by at most `K u` (`u = 2⁻²⁴ ≈ 6 · 10⁻⁸`), and a gradient adds `T ≤ 12` steps of them, so
/// `K T u ≈ 2 · 10⁻⁵` bounds the difference (the tolerance `FloatAgreement` uses); a weight off
/// by one part in a thousand fails it. Later epochs are not compared in `Float`: Adam divides
/// each gradient by its running size, so an entry whose gradient is rounding noise moves by noise
/// of the step's own size, and two correct runs drift apart.
@Suite struct Lockstep {
    static let cells: [RecurrentCell] = [.rnnTanh, .rnnRelu, .gru, .lstm]

    /// `‖a − b‖ / max(‖b‖, 10⁻³⁰)`.
    static func error<S: Real>(_ a: [S], _ b: [S]) -> Double {
        var d = 0.0, n = 0.0
        for (x, y) in zip(a, b) { d += (Double(x) - Double(y)) * (Double(x) - Double(y)); n += Double(y) * Double(y) }
        return d.squareRoot() / max(n.squareRoot(), 1e-30)
    }

    /// `N` random windows of `T` values and their targets.
    static func data(windows N: Int, steps T: Int, seed: UInt64) -> ([[Double]], [Double]) {
        var rng = SeededRandom(seed: seed)
        return ((0..<N).map { _ in (0..<T).map { _ in rng.uniform(-2, 2) } }, (0..<N).map { _ in rng.uniform(-1, 1) })
    }

    /// The worst error, over every network, of `epochs` epochs side by side against each network
    /// alone: each epoch's loss, then the last epoch's gradients, the parameters after it and the
    /// predictions; every parameter on its own, or (`whole`) all of a network's at once.
    /// `defect` scales network 1's first weight before training, side by side only.
    static func worstError<S: Real>(_: S.Type, cell: RecurrentCell, hidden H: Int, networks: Int, windows N: Int, steps T: Int,
                                    epochs: Int, whole: Bool, defect: S = 0) -> (Double, String) {
        let (x, y) = data(windows: N, steps: T, seed: 5 + UInt64(N * T))
        let seeds = (0..<networks).map { 11 + UInt64($0) }
        let alone = seeds.map { s in
            var rng = SeededRandom(seed: s)
            return WindowRegressor<S>(cell: cell, hidden: H, rng: &rng)
        }
        var together = alone.map { $0.parameters.map(\.value) }
        if networks > 1 { together[1][0][0] *= 1 + defect }
        let group = LockstepRegressors<S>(cell: cell, hiddenSize: H, networks: together)
        var worst = (0.0, "nothing compared")
        func see(_ e: Double, _ what: String) { if !(e <= worst.0) { worst = (e, what) } }
        var adams = alone.map { _ in Unrolled.Adam<S>(learningRate: 0.01) }, adam = Unrolled.Adam<S>(learningRate: 0.01)
        let xs = x.map { $0.map(S.init) }, ys = y.map(S.init), lanes = LockstepRegressors<S>.capacity
        for e in 1...epochs {
            let losses = group.epoch(xs.flatMap { $0 }, ys, windows: N, steps: T, optimizer: &adam)
            for (k, model) in alone.enumerated() {
                let loss = model.epoch(xs, ys, optimizer: &adams[k])
                see(abs(Double(losses[k]) - loss) / max(abs(loss), 1e-30), "loss of network \(k) at epoch \(e)")
            }
        }
        for (k, model) in alone.enumerated() {
            let packed = group.network(k)
            let grads = group.parameters.map { p in stride(from: k, to: p.count, by: lanes).map { p.grad[$0] } }
            if whole {
                see(error(grads.flatMap { $0 }, model.parameters.flatMap(\.grad)), "the gradient of network \(k)")
                see(error(packed.flatMap { $0 }, model.parameters.flatMap(\.value)), "the parameters of network \(k)")
            } else {
                for (i, p) in model.parameters.enumerated() {
                    see(error(grads[i], p.grad), "∂L/∂\(p.name) of network \(k)")
                    see(error(packed[i], p.value), "\(p.name) of network \(k) after \(epochs) epochs")
                }
            }
            let predictions = group.predict(xs.flatMap { $0 }, windows: N, steps: T)[k]
            see(error(predictions, model.predict(x).map(S.init)), "predictions of network \(k)")
        }
        return worst
    }

    // (H, N, T): H covers the backward pass's groups of four, two and one sums (7 = 4 + 2 + 1)
    static let shapes = [(1, 1, 1), (2, 7, 4), (5, 13, 3), (7, 6, 3), (8, 9, 12)]

    @Test(arguments: cells)
    func inDoubleSideBySideIsAloneToRounding(cell: RecurrentCell) {
        for (H, N, T) in Self.shapes {
            for networks in [1, 3, LockstepRegressors<Double>.capacity] {
                let (e, what) = Self.worstError(Double.self, cell: cell, hidden: H, networks: networks, windows: N, steps: T,
                                                epochs: 5, whole: false)
                #expect(e <= 1e-12, "\(cell) H \(H) N \(N) T \(T), \(networks) networks: \(what) off by \(e)")
            }
        }
    }

    @Test(arguments: cells)
    func inFloatSideBySideIsAloneWithinTheFloatTolerance(cell: RecurrentCell) {
        for (H, N, T) in Self.shapes {
            for networks in [1, 5, LockstepRegressors<Float>.capacity] {
                let (e, what) = Self.worstError(Float.self, cell: cell, hidden: H, networks: networks, windows: N, steps: T,
                                                epochs: 1, whole: true)
                #expect(e <= 2e-5, "\(cell) H \(H) N \(N) T \(T), \(networks) networks: \(what) off by \(e)")
            }
        }
    }

    /// One weight of one network off by one part in a million fails the `Double` comparison, by
    /// one part in a thousand the `Float` one.
    @Test(arguments: cells)
    func aDefectIsCaught(cell: RecurrentCell) {
        for H in [1, 4] {
            let (d, _) = Self.worstError(Double.self, cell: cell, hidden: H, networks: 3, windows: 9, steps: 5, epochs: 5, whole: false, defect: 1e-6)
            #expect(d > 1e-12, "\(cell) H \(H): a defect of 1e-6 in Double")
            let (f, _) = Self.worstError(Float.self, cell: cell, hidden: H, networks: 3, windows: 9, steps: 5, epochs: 1, whole: true, defect: 1e-3)
            #expect(f > 2e-5, "\(cell) H \(H): a defect of 1e-3 in Float")
        }
    }

    /// No lane reads another: a network trained beside others gives the same bits as beside none.
    @Test(arguments: cells)
    func aNetworkIsUnchangedByItsNeighbours(cell: RecurrentCell) {
        let (x, y) = Self.data(windows: 11, steps: 6, seed: 3)
        let xs = x.flatMap { $0 }.map(Float.init), ys = y.map(Float.init)
        func trained(_ seeds: [UInt64]) -> LockstepRegressors<Float> {
            let group = LockstepRegressors<Float>(cell: cell, hiddenSize: 3, networks: seeds.map { s in
                var rng = SeededRandom(seed: s)
                return WindowRegressor<Float>(cell: cell, hidden: 3, rng: &rng).parameters.map(\.value)
            })
            var adam = Unrolled.Adam<Float>(learningRate: 0.01)
            for _ in 0..<20 { _ = group.epoch(xs, ys, windows: 11, steps: 6, optimizer: &adam) }
            return group
        }
        let crowd = trained([7, 8, 9, 10, 11]), single = trained([9])
        #expect(crowd.network(2) == single.network(0))
        #expect(crowd.predict(xs, windows: 11, steps: 6)[2] == single.predict(xs, windows: 11, steps: 6)[0])
    }
}
