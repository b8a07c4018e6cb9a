/// A stack of recurrent layers, optionally bidirectional, with the interface, parameter names and
/// state layout of `torch.nn.RNN`, `torch.nn.LSTM` and `torch.nn.GRU`:
///
///     layer 0 reads x;  layer l > 0 reads the output of layer l-1              [T, B, D·H]
///     direction 0 reads t = 0 … T-1;  direction 1 reads t = T-1 … 0
///     output[t] = [h_t(forward) | h_t(backward)]                                 [T, B, D·H]
///     h_n[l·D + d] = the last state of layer l, direction d                     [L·D, B, H]
///
/// (D = 2 when bidirectional, else 1; L layers.) The backward direction's last state is the one
/// after reading `x[0]`. With `batchFirst`, `x` and `output` are `[B, T, ·]`; `h0`, `h_n` keep
/// their layout. Parameters are named as in PyTorch's state dict (`rnn.weight_ih_l1_reverse`),
/// so weights move between the two unchanged.
public final class RecurrentNetwork<S: Real>: Module {
    public typealias Cell = RecurrentCell
    public typealias Configuration = RecurrentConfiguration

    public let configuration: Configuration
    /// `layers[l][d]`: layer `l`, direction `d`.
    public let layers: [[any SequenceLayer<S>]]
    /// In PyTorch's state-dict order: layer by layer, forward direction before backward.
    public var parameters: [Parameter<S>] { layers.flatMap { row in row.flatMap { $0.parameters } } }
    public init(_ name: String, _ configuration: Configuration, rng: inout SeededRandom) {
        self.configuration = configuration
        let c = configuration, D = c.directions
        var layers: [[any SequenceLayer<S>]] = []
        for l in 0..<c.layers {
            let input = l == 0 ? c.inputSize : D * c.hiddenSize
            var row: [any SequenceLayer<S>] = []
            for d in 0..<D {
                let suffix = "_l\(l)" + (d == 1 ? "_reverse" : "")
                switch c.cell {
                case .rnnTanh, .rnnRelu:
                    row.append(ElmanLayer<S>(name, inputSize: input, hiddenSize: c.hiddenSize,
                                          activation: c.cell == .rnnTanh ? .tanh : .relu, bias: c.bias, suffix: suffix, rng: &rng))
                case .lstm: row.append(LSTMLayer<S>(name, inputSize: input, hiddenSize: c.hiddenSize, bias: c.bias, suffix: suffix, rng: &rng))
                case .gru: row.append(GRULayer<S>(name, inputSize: input, hiddenSize: c.hiddenSize, bias: c.bias, suffix: suffix, rng: &rng))
                }
            }
            layers.append(row)
        }
        self.layers = layers
    }

    /// What the backward pass needs: every layer's trace, in time-major order.
    public struct Trace {
        public let steps: Int, batch: Int
        let traces: [[SequenceTrace<S>]]
        /// The dropout masks applied between layers (empty without dropout).
        let masks: [[S]]
        /// `[T, B, D·H]`, or `[B, T, D·H]` when batch-first.
        public let output: [S]
        /// `[L·D, B, H]`.
        public let hN: [S]
        /// `[L·D, B, H]` for an LSTM, else empty.
        public let cN: [S]
    }

    /// Runs the stack over `x` (`[T, B, I]`, or `[B, T, I]` when batch-first; symbols `[T, B]` or
    /// `[B, T]`) from `h0`, `c0` `[L·D, B, H]` (zeros when `nil`).
    ///
    /// `dropoutMasks[l]` (`[T, B, D·H]`, from `dropoutMasks(probability:steps:batch:rng:)`)
    /// multiplies the output of layer `l` before layer `l + 1` reads it, as `torch.nn.GRU`'s
    /// `dropout` does in training: one mask per layer but the last.
    @_specialize(where S == Double)
    @_specialize(where S == Float)
    public func forward(_ x: SequenceInput<S>, steps T: Int, batch B: Int, h0: [S]? = nil, c0: [S]? = nil,
                        dropoutMasks: [[S]] = []) -> Trace {
        checkShapes(x, steps: T, batch: B, h0: h0, c0: c0)
        precondition(dropoutMasks.isEmpty || dropoutMasks.count == configuration.layers - 1, "one dropout mask per layer but the last")
        let c = configuration, H = c.hiddenSize, D = c.directions, BH = B * H
        var input = c.batchFirst ? Self.swapLeadingAxes(x, T: T, B: B, features: c.inputSize, toTimeMajor: true) : x
        var traces: [[SequenceTrace<S>]] = [], hN: [S] = [], cN: [S] = []
        func initial(_ s: [S]?, _ k: Int) -> [S]? { s.map { Array($0[(k * BH)..<((k + 1) * BH)]) } }
        for l in 0..<c.layers {
            var row: [SequenceTrace<S>] = []
            var output = D == 1 ? [] : [S](repeating: 0, count: T * B * D * H)
            for d in 0..<D {
                // the backward direction reads the sequence reversed in time, and its outputs are
                // put back in time order
                let seen = d == 0 ? input : Self.reversed(input, T: T)
                let trace = layers[l][d].forward(seen, steps: T, batch: B, h0: initial(h0, l * D + d), c0: initial(c0, l * D + d))
                if D == 1 {
                    output = trace.outputs        // one direction: the states h_1 … h_T as they are
                } else {
                    for t in 0..<T {
                        let source = BH + (d == 0 ? t : T - 1 - t) * BH     // its h_t, after h0
                        for r in 0..<B { Self.copy(H, from: trace.states, at: source + r * H, to: &output, at: (t * B + r) * D * H + d * H) }
                    }
                }
                hN += trace.last
                cN += trace.lastCell
                row.append(trace)
            }
            traces.append(row)
            // through dropout between layers: the next layer reads output ⊙ mask
            if l < dropoutMasks.count { for i in 0..<output.count { output[i] *= dropoutMasks[l][i] } }
            input = .dense(output)
        }
        guard case .dense(let top) = input else { preconditionFailure() }
        let output = c.batchFirst ? Self.swapLeadingAxes(top, T: T, B: B, features: D * H, toTimeMajor: false) : top
        return Trace(steps: T, batch: B, traces: traces, masks: dropoutMasks, output: output, hN: hN, cN: cN)
    }

    /// The gradients the backward pass returns.
    public struct Gradient {
        /// `∂L/∂x`, in the input's layout (empty unless asked for).
        public var dx: [S]
        /// `∂L/∂h0`, `∂L/∂c0`, `[L·D, B, H]` (`dc0` empty without a cell state).
        public var dh0: [S], dc0: [S]

        public init(dx: [S], dh0: [S], dc0: [S]) {
            self.dx = dx
            self.dh0 = dh0
            self.dc0 = dc0
        }
    }

    /// Backpropagation through the stack: `dOutput` is `∂L/∂output` in the output's layout (`nil`
    /// when the loss reads only the final states), `dhN`, `dcN` are `∂L/∂h_n`, `∂L/∂c_n`.
    /// Accumulates every parameter gradient.
    @_specialize(where S == Double)
    @_specialize(where S == Float)
    public func backward(_ trace: Trace, dOutput: [S]?, dhN: [S]? = nil, dcN: [S]? = nil,
                         inputGradient: Bool = false) -> Gradient {
        let c = configuration, H = c.hiddenSize, D = c.directions, T = trace.steps, B = trace.batch, BH = B * H
        var dh0 = [S](repeating: 0, count: c.layers * D * BH), dc0 = hasCellState ? dh0 : []
        // ∂L/∂(output of the layer above), time-major [T, B, D·H]
        var dAbove: [S]? = dOutput.map { c.batchFirst ? Self.swapLeadingAxes($0, T: T, B: B, features: D * H, toTimeMajor: true) : $0 }
        var dx: [S] = []
        for l in stride(from: c.layers - 1, through: 0, by: -1) {
            let needInput = l > 0 || inputGradient
            let width = l == 0 ? c.inputSize : D * H
            var dBelow = needInput ? [S](repeating: 0, count: T * B * width) : []
            for d in 0..<D {
                let k = l * D + d
                // through the concatenation: this direction's columns, in the order it read them
                let dOut: [S]? = dAbove.map { above in
                    if D == 1 { return above }    // one direction: its columns are all of them
                    var g = [S](repeating: 0, count: T * BH)
                    for t in 0..<T {
                        let target = (d == 0 ? t : T - 1 - t) * BH
                        for r in 0..<B { Self.copy(H, from: above, at: (t * B + r) * D * H + d * H, to: &g, at: target + r * H) }
                    }
                    return g
                }
                let g = layers[l][d].backward(
                    trace.traces[l][d], dOutputs: dOut, dLast: dhN.map { Array($0[(k * BH)..<((k + 1) * BH)]) },
                    dLastCell: dcN.map { Array($0[(k * BH)..<((k + 1) * BH)]) }, inputGradient: needInput)
                for i in 0..<BH { dh0[k * BH + i] = g.dh0[i] }
                if hasCellState { for i in 0..<BH { dc0[k * BH + i] = g.dc0[i] } }
                guard needInput else { continue }
                // through the time reversal of the backward direction's input, then summed over directions
                let dxd = d == 0 ? g.dx : Self.reversed(g.dx, T: T)
                for i in 0..<dBelow.count { dBelow[i] += dxd[i] }
            }
            if l > 0 {
                // through the dropout between layer l-1 and layer l
                if l - 1 < trace.masks.count { for i in 0..<dBelow.count { dBelow[i] *= trace.masks[l - 1][i] } }
                dAbove = dBelow
            } else { dx = dBelow }
        }
        if inputGradient && c.batchFirst { dx = Self.swapLeadingAxes(dx, T: T, B: B, features: c.inputSize, toTimeMajor: false) }
        return Gradient(dx: dx, dh0: dh0, dc0: dc0)
    }

    /// Inverted-dropout masks for the outputs of every layer but the last: each entry is 0 with
    /// probability `p`, else `1 / (1 - p)`, so that the expected value is unchanged.
    @_specialize(where S == Double)
    @_specialize(where S == Float)
    public func dropoutMasks(probability p: Double, steps T: Int, batch B: Int, rng: inout SeededRandom) -> [[S]] {
        guard p > 0, configuration.layers > 1 else { return [] }
        let n = T * B * configuration.directions * configuration.hiddenSize, keep = 1 / (1 - p)
        return (1..<configuration.layers).map { _ in (0..<n).map { _ in rng.uniform() < p ? 0 : S(keep) } }
    }

    /// `target[j ..< j + n] = source[i ..< i + n]`.
    @inline(__always)
    static func copy(_ n: Int, from source: [S], at i: Int, to target: inout [S], at j: Int) {
        source.withUnsafeBufferPointer { s in
            target.withUnsafeMutableBufferPointer { t in (t.baseAddress! + j).update(from: s.baseAddress! + i, count: n) }
        }
    }

    /// `a` reversed along its first (time) axis of `T` blocks.
    static func reversed(_ a: [S], T: Int) -> [S] {
        let n = a.count / T
        guard n > 0 else { return a }
        return [S](unsafeUninitializedCapacity: a.count) { out, count in
            a.withUnsafeBufferPointer { src in
                for t in 0..<T { (out.baseAddress! + (T - 1 - t) * n).initialize(from: src.baseAddress! + t * n, count: n) }
            }
            count = a.count
        }
    }

    static func reversed(_ x: SequenceInput<S>, T: Int) -> SequenceInput<S> {
        switch x {
        case .dense(let a): return .dense(reversed(a, T: T))
        case .symbols(let s):
            let n = s.count / T
            var out = [Int](repeating: 0, count: s.count)
            for t in 0..<T { for i in 0..<n { out[(T - 1 - t) * n + i] = s[t * n + i] } }
            return .symbols(out)
        }
    }

    /// `[B, T, F]` → `[T, B, F]` (`toTimeMajor`) or back.
    static func swapLeadingAxes(_ a: [S], T: Int, B: Int, features F: Int, toTimeMajor: Bool) -> [S] {
        guard !a.isEmpty else { return a }
        return [S](unsafeUninitializedCapacity: a.count) { out, count in
            a.withUnsafeBufferPointer { src in
                let o = out.baseAddress!, s = src.baseAddress!
                for t in 0..<T {
                    for b in 0..<B {
                        let tm = (t * B + b) * F, bm = (b * T + t) * F
                        let (from, to) = toTimeMajor ? (bm, tm) : (tm, bm)
                        for f in 0..<F { (o + to + f).initialize(to: s[from + f]) }
                    }
                }
            }
            count = a.count
        }
    }

    static func swapLeadingAxes(_ x: SequenceInput<S>, T: Int, B: Int, features F: Int, toTimeMajor: Bool) -> SequenceInput<S> {
        switch x {
        case .dense(let a): return .dense(swapLeadingAxes(a, T: T, B: B, features: F, toTimeMajor: toTimeMajor))
        case .symbols(let s):
            var out = [Int](repeating: 0, count: s.count)
            for t in 0..<T { for b in 0..<B { out[t * B + b] = s[b * T + t] } }
            return .symbols(out)
        }
    }
}

/// The cell of every layer of a `RecurrentNetwork`.
public enum RecurrentCell: String, Sendable, CaseIterable {
    case rnnTanh = "rnn-tanh", rnnRelu = "rnn-relu", lstm, gru
}

public struct RecurrentConfiguration: Sendable {
    public var cell: RecurrentCell
    public var inputSize: Int, hiddenSize: Int
    public var layers = 1
    public var bidirectional = false
    public var bias = true
    public var batchFirst = false

    public init(cell: RecurrentCell, inputSize: Int, hiddenSize: Int, layers: Int = 1, bidirectional: Bool = false,
                bias: Bool = true, batchFirst: Bool = false) {
        self.cell = cell
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.layers = layers
        self.bidirectional = bidirectional
        self.bias = bias
        self.batchFirst = batchFirst
    }
    /// D, the number of directions.
    public var directions: Int { bidirectional ? 2 : 1 }
}
