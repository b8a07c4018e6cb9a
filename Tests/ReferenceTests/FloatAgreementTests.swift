import Foundation
import Reference
import Testing
import Unrolled

/// The fast implementation in `Float` against the reference in `Double`, on the same numbers.
///
/// Both start from the same parameters and inputs (values of `Float`, which `Double` holds
/// exactly), so the difference is `Float`'s rounding alone. Each product of `K` terms rounds at
/// most `K` times, each time by at most `u = 2⁻²⁴ ≈ 6 · 10⁻⁸` relative to the sum, and a gradient
/// through `T` steps adds up `T` such products: over the shapes below (`K ≤ 3H + I ≤ 140`,
/// `T ≤ 6`) that bounds a relative error by about `K T u ≈ 5 · 10⁻⁵` in the worst case, while
/// errors of independent signs grow like its square root. The tolerance, norm-wise over each
/// buffer, is `floatTolerance = 2 · 10⁻⁵`: the shapes below reach at most about `1.5 · 10⁻⁶`
/// (a failing message prints what it saw), and weights off by one part in ten thousand fail it
/// (`aDefectIsCaught`).
let floatTolerance = 2e-5

/// `‖a − b‖ / max(‖b‖, 10⁻³⁰)`, the norm-wise relative error of `a` against `b`.
func normRelativeError(_ a: [Float], _ b: [Double]) -> Double {
    precondition(a.count == b.count, "\(a.count) values against \(b.count)")
    var d = 0.0, n = 0.0
    for (x, y) in zip(a, b) { d += (Double(x) - y) * (Double(x) - y); n += y * y }
    return d.squareRoot() / max(n.squareRoot(), 1e-30)
}

/// The worst relative error of every output and gradient of a `Float` layer against the same
/// layer in `Double`, for a loss that reads every output and the last states.
func floatLayerErrors(_ fast: any SequenceLayer<Float>, _ reference: any SequenceLayer<Double>, steps T: Int, batch B: Int,
                      symbols: Bool, defect: Double = 0, rng: inout SeededRandom) -> [(String, Double)] {
    // the same parameters: the Float ones, held exactly in Double (the first scaled by 1 + `defect`)
    for (f, r) in zip(fast.parameters, reference.parameters) { r.value = f.value.map(Double.init) }
    if defect != 0 { reference.parameters[0].value = reference.parameters[0].value.map { $0 * (1 + defect) } }
    let I = fast.inputSize, H = fast.hiddenSize
    func floats(_ n: Int) -> [Float] { (0..<n).map { _ in Float(rng.uniform(-1, 1)) } }
    let symbolValues = (0..<(T * B)).map { _ in rng.int(below: I) }
    let x = floats(T * B * I), h0 = floats(B * H), c0 = floats(B * H)
    let dOutputs = floats(T * B * H), dLast = floats(B * H), dLastCell = floats(B * H)
    let xf: Unrolled.SequenceInput<Float> = symbols ? .symbols(symbolValues) : .dense(x)
    let xd: Unrolled.SequenceInput<Double> = symbols ? .symbols(symbolValues) : .dense(x.map(Double.init))
    fast.zeroGrad()
    reference.zeroGrad()
    let tf = fast.forward(xf, steps: T, batch: B, h0: h0, c0: c0)
    let td = reference.forward(xd, steps: T, batch: B, h0: h0.map(Double.init), c0: c0.map(Double.init))
    let cell = fast.hasCellState
    let gf = fast.backward(tf, dOutputs: dOutputs, dLast: dLast, dLastCell: cell ? dLastCell : nil, inputGradient: !symbols)
    let gd = reference.backward(td, dOutputs: dOutputs.map(Double.init), dLast: dLast.map(Double.init),
                                dLastCell: cell ? dLastCell.map(Double.init) : nil, inputGradient: !symbols)
    var errors = [("states", normRelativeError(tf.states, td.states)), ("∂L/∂h0", normRelativeError(gf.dh0, gd.dh0))]
    if cell { errors += [("cells", normRelativeError(tf.cells, td.cells)), ("∂L/∂c0", normRelativeError(gf.dc0, gd.dc0))] }
    if !symbols { errors.append(("∂L/∂x", normRelativeError(gf.dx, gd.dx))) }
    for (f, r) in zip(fast.parameters, reference.parameters) { errors.append(("∂L/∂\(r.name)", normRelativeError(f.grad, r.grad))) }
    return errors
}

@Suite struct FloatAgreement {
    /// Every cell, with and without bias, dense and symbol inputs, on shapes that take every path
    /// of the Float kernels (`T = 1`, `B = 1`, sizes that are not multiples of 8, the packed
    /// products of at least 16 rows).
    @Test(arguments: ["rnn-tanh", "rnn-relu", "lstm", "gru"], [true, false])
    func floatLayersAgreeWithTheReference(cell: String, bias: Bool) {
        var rng = SeededRandom(seed: 31)
        for (T, B, I, H) in [(1, 1, 1, 1), (1, 3, 5, 7), (4, 1, 3, 2), (5, 2, 9, 11), (3, 5, 17, 13), (6, 9, 33, 20), (2, 17, 8, 40)] {
            for symbols in [false, true] {
                let fast: any SequenceLayer<Float>, reference: any SequenceLayer<Double>
                switch cell {
                case "lstm":
                    fast = Unrolled.LSTMLayer<Float>("lstm", inputSize: I, hiddenSize: H, bias: bias, rng: &rng)
                    reference = Reference.LSTMLayer("lstm", inputSize: I, hiddenSize: H, bias: bias, rng: &rng)
                case "gru":
                    fast = Unrolled.GRULayer<Float>("gru", inputSize: I, hiddenSize: H, bias: bias, rng: &rng)
                    reference = Reference.GRULayer("gru", inputSize: I, hiddenSize: H, bias: bias, rng: &rng)
                default:
                    let activation: ElmanActivation = cell == "rnn-tanh" ? .tanh : .relu
                    fast = Unrolled.ElmanLayer<Float>("rnn", inputSize: I, hiddenSize: H, activation: activation, bias: bias, rng: &rng)
                    reference = Reference.ElmanLayer("rnn", inputSize: I, hiddenSize: H, activation: activation, bias: bias, rng: &rng)
                }
                for (what, error) in floatLayerErrors(fast, reference, steps: T, batch: B, symbols: symbols, rng: &rng) {
                    #expect(error <= floatTolerance, "\(cell) bias \(bias) T \(T) B \(B) I \(I) H \(H) symbols \(symbols): \(what) off by \(error)")
                }
            }
        }
    }

    /// The tolerance is tight enough to see a wrong number: the input weights of the `Double`
    /// layer scaled by one part in ten thousand move some output or gradient by more than it.
    @Test func aDefectIsCaught() {
        var rng = SeededRandom(seed: 32)
        let fast = Unrolled.GRULayer<Float>("gru", inputSize: 9, hiddenSize: 11, rng: &rng)
        let reference = Reference.GRULayer("gru", inputSize: 9, hiddenSize: 11, rng: &rng)
        let errors = floatLayerErrors(fast, reference, steps: 5, batch: 2, symbols: false, defect: 1e-4, rng: &rng)
        #expect(errors.contains { $0.1 > floatTolerance }, "\(errors)")
    }

    /// A whole stack in `Float`: two bidirectional GRU layers, batch-first, against the reference.
    @Test func floatStackAgreesWithTheReference() {
        var rng = SeededRandom(seed: 33)
        let configuration = RecurrentConfiguration(cell: .gru, inputSize: 6, hiddenSize: 10, layers: 2, bidirectional: true, batchFirst: true)
        let fast = Unrolled.RecurrentNetwork<Float>("rnn", configuration, rng: &rng)
        let reference = Reference.RecurrentNetwork("rnn", configuration, rng: &rng)
        for (f, r) in zip(fast.parameters, reference.parameters) { r.value = f.value.map(Double.init) }
        let (T, B) = (5, 3)
        let x = (0..<(T * B * 6)).map { _ in Float(rng.uniform(-1, 1)) }
        let dOutput = (0..<(T * B * 20)).map { _ in Float(rng.uniform(-1, 1)) }
        let tf = fast.forward(.dense(x), steps: T, batch: B)
        let td = reference.forward(.dense(x.map(Double.init)), steps: T, batch: B, h0: nil, c0: nil, dropoutMasks: [])
        #expect(normRelativeError(tf.output, td.output) <= floatTolerance)
        let gf = fast.backward(tf, dOutput: dOutput, inputGradient: true)
        let gd = reference.backward(td, dOutput: dOutput.map(Double.init), dhN: nil, dcN: nil, inputGradient: true)
        #expect(normRelativeError(gf.dx, gd.dx) <= floatTolerance)
        for (f, r) in zip(fast.parameters, reference.parameters) {
            #expect(normRelativeError(f.grad, r.grad) <= floatTolerance, "\(r.name)")
        }
    }
}
