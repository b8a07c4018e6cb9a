/// A stack of recurrent layers with `torch.nn.RNN`'s interface, whichever implementation runs it:
/// the fast `RecurrentNetwork`, or the reference one that the chapters list. The reference
/// cases and the agreement tests run both through this one interface.
///
/// Layouts as in `RecurrentNetwork`: `x` and `output` `[T, B, ·]` (`[B, T, ·]` when
/// batch-first), `h0`, `c0`, `h_n`, `c_n` `[L·D, B, H]`.
public protocol RecurrentStack<Scalar>: Module {
    associatedtype Scalar
    associatedtype Trace: RecurrentStackTrace where Trace.Scalar == Scalar
    var configuration: RecurrentConfiguration { get }
    /// Runs the stack; `dropoutMasks[l]` multiplies the output of layer `l` before layer `l + 1`.
    func forward(_ x: SequenceInput<Scalar>, steps T: Int, batch B: Int, h0: [Scalar]?, c0: [Scalar]?,
                 dropoutMasks: [[Scalar]]) -> Trace
    /// Backpropagation through the stack; accumulates every parameter gradient.
    func backward(_ trace: Trace, dOutput: [Scalar]?, dhN: [Scalar]?, dcN: [Scalar]?, inputGradient: Bool)
        -> RecurrentNetwork<Scalar>.Gradient
}

/// What a stack's forward pass returns, in the layouts above.
public protocol RecurrentStackTrace {
    associatedtype Scalar: Real
    var steps: Int { get }
    var batch: Int { get }
    var output: [Scalar] { get }
    var hN: [Scalar] { get }
    var cN: [Scalar] { get }
}

extension RecurrentNetwork: RecurrentStack {}
extension RecurrentNetwork.Trace: RecurrentStackTrace {}

extension RecurrentStack {
    public var hasCellState: Bool { configuration.cell == .lstm }

    /// Where `output[t = T-1, b]` starts for each `b`, in the output's layout.
    @usableFromInline func lastStepOffsets(steps T: Int, batch B: Int) -> [Int] {
        let DH = configuration.directions * configuration.hiddenSize, batchFirst = configuration.batchFirst
        return (0..<B).map { b in batchFirst ? (b * T + T - 1) * DH : ((T - 1) * B + b) * DH }
    }

    /// The output at the last step, `[B, D·H]`: what a head on the last step reads.
    @inlinable public func lastStep(of trace: Trace) -> [Scalar] {
        let DH = configuration.directions * configuration.hiddenSize, output = trace.output
        let offsets = lastStepOffsets(steps: trace.steps, batch: trace.batch)
        var last = [Scalar](repeating: 0, count: trace.batch * DH)
        for (b, o) in offsets.enumerated() { for j in 0..<DH { last[b * DH + j] = output[o + j] } }
        return last
    }

    /// The backward pass of `lastStep(of:)`: `∂L/∂output` with `dLast [B, D·H]` at the last step
    /// and zeros at every other step.
    @inlinable public func outputGradient(lastStep dLast: [Scalar], of trace: Trace) -> [Scalar] {
        let DH = configuration.directions * configuration.hiddenSize
        var dOutput = [Scalar](repeating: 0, count: trace.output.count)
        for (b, o) in lastStepOffsets(steps: trace.steps, batch: trace.batch).enumerated() {
            for j in 0..<DH { dOutput[o + j] = dLast[b * DH + j] }
        }
        return dOutput
    }
}

extension RecurrentStack {
    /// Stops, saying what is wrong, unless `x`, `h0` and `c0` fit the stack: `x [T, B, I]`
    /// (`[B, T, I]` batch-first; symbols without the last axis), `h0, c0 [L·D, B, H]`.
    public func checkShapes(_ x: SequenceInput<Scalar>, steps T: Int, batch B: Int, h0: [Scalar]?, c0: [Scalar]?) {
        let c = configuration, states = c.layers * c.directions * B * c.hiddenSize
        // the words of the messages, built only when one is needed
        var layout: String { c.batchFirst ? "[B, T" : "[T, B" }
        var sizes: String { c.batchFirst ? "[\(B), \(T)" : "[\(T), \(B)" }
        var name: String { "a stack of \(c.layers) \(c.cell.rawValue) layer(s), \(c.directions) direction(s), I = \(c.inputSize), H = \(c.hiddenSize)" }
        switch x {
        case .dense(let v):
            precondition(v.count == T * B * c.inputSize, "\(name): x has \(v.count) values, expected \(layout), I] = \(sizes), \(c.inputSize)]")
        case .symbols(let s):
            precondition(s.count == T * B, "\(name): x has \(s.count) symbols, expected \(layout)] = \(sizes)]")
        }
        if let h0 { precondition(h0.count == states, "\(name): h0 has \(h0.count) values, expected [L·D, B, H] = \(states) values") }
        if let c0, hasCellState { precondition(c0.count == states, "\(name): c0 has \(c0.count) values, expected [L·D, B, H] = \(states) values") }
    }
}
