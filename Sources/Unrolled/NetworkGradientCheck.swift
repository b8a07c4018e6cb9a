/// The gradient check of a whole recurrent network: every parameter and the inputs `x`, `h0`
/// (and `c0` for an LSTM), under `L = Σ output · R + Σ h_n · R_h (+ Σ c_n · R_c)` with random
/// `R`, so that every output and final state reaches the loss.
public enum NetworkGradientCheck {
    public static func run(_ configuration: RecurrentNetwork.Configuration, steps T: Int = 5, batch B: Int = 2,
                           seed: UInt64) -> [GradientCheck.Result] {
        var rng = SeededRandom(seed: seed)
        let net = RecurrentNetwork("rnn", configuration, rng: &rng)
        let c = configuration, S = c.layers * c.directions * B * c.hiddenSize
        let lstm = net.hasCellState
        func random(_ n: Int) -> [Double] { (0..<n).map { _ in rng.uniform(-1, 1) } }
        var x = random(T * B * c.inputSize), h0 = random(S), c0 = random(S)
        let rOut = random(T * B * c.directions * c.hiddenSize), rH = random(S), rC = random(S)
        func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
        func loss() -> Double {
            let tr = net.forward(.dense(x), steps: T, batch: B, h0: h0, c0: lstm ? c0 : nil)
            return dot(tr.output, rOut) + dot(tr.hN, rH) + (lstm ? dot(tr.cN, rC) : 0)
        }
        net.zeroGrad()
        let g = net.backward(net.forward(.dense(x), steps: T, batch: B, h0: h0, c0: lstm ? c0 : nil),
                             dOutput: rOut, dhN: rH, dcN: lstm ? rC : nil, inputGradient: true)
        var results = GradientCheck.run(net.parameters, loss: loss)
        results.append(GradientCheck.check(name: "x", analytic: g.dx, get: { x[$0] }, set: { x[$0] = $1 }, loss: loss))
        results.append(GradientCheck.check(name: "h0", analytic: g.dh0, get: { h0[$0] }, set: { h0[$0] = $1 }, loss: loss))
        if lstm {
            results.append(GradientCheck.check(name: "c0", analytic: g.dc0, get: { c0[$0] }, set: { c0[$0] = $1 }, loss: loss))
        }
        return results
    }
}
