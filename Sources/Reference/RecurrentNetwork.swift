import Unrolled

/// A stack of recurrent layers, optionally bidirectional, as `torch.nn.RNN`, `torch.nn.LSTM` and
/// `torch.nn.GRU` build it, written to be read:
///
///     layer 0 reads x_1 ... x_T;  layer l > 0 reads the outputs of layer l - 1
///     direction 0 reads t = 1 ... T;  direction 1 reads t = T ... 1
///     output_t = [h_t(forward) | h_t(backward)]                                  [B, D·H]
///
/// (`D` = 2 directions when bidirectional, else 1; `L` layers.) The same parameters, names and
/// layouts as the fast `Unrolled.RecurrentNetwork` (`x [T, B, I]` or `[B, T, I]` batch-first,
/// `h0`, `c0`, `h_n`, `c_n` `[L·D, B, H]`), which is tested against this one.
public final class RecurrentNetwork: RecurrentStack {
    public typealias Configuration = Unrolled.RecurrentConfiguration
    public let configuration: Configuration
    /// `layers[l][d]`: layer `l`, direction `d`.
    public let layers: [[any SequenceLayer<Double>]]
    public var parameters: [Parameter] { layers.flatMap { row in row.flatMap { $0.parameters } } }

    public init(_ name: String, _ configuration: Configuration, rng: inout SeededRandom) {
        self.configuration = configuration
        let c = configuration
        layers = (0..<c.layers).map { l in
            (0..<c.directions).map { d -> any SequenceLayer<Double> in
                let input = l == 0 ? c.inputSize : c.directions * c.hiddenSize
                let suffix = "_l\(l)" + (d == 1 ? "_reverse" : "")
                switch c.cell {
                case .rnnTanh, .rnnRelu:
                    return ElmanLayer(name, inputSize: input, hiddenSize: c.hiddenSize, activation: c.cell == .rnnTanh ? .tanh : .relu,
                                      bias: c.bias, suffix: suffix, rng: &rng)
                case .lstm: return LSTMLayer(name, inputSize: input, hiddenSize: c.hiddenSize, bias: c.bias, suffix: suffix, rng: &rng)
                case .gru: return GRULayer(name, inputSize: input, hiddenSize: c.hiddenSize, bias: c.bias, suffix: suffix, rng: &rng)
                }
            }
        }
    }

    /// What the backward pass needs: every layer's trace.
    public struct Trace: RecurrentStackTrace {
        public let steps: Int, batch: Int
        let traces: [[SequenceTrace]]
        let masks: [[Double]]
        public let output: [Double], hN: [Double], cN: [Double]
    }

    // snippet.stack-forward
    /// Runs the stack from `h0`, `c0` (zeros when `nil`). `dropoutMasks[l]` `[T, B, D·H]`
    /// multiplies the output of layer `l` before layer `l + 1` reads it.
    public func forward(_ x: SequenceInput, steps T: Int, batch B: Int,
                        h0: [Double]? = nil, c0: [Double]? = nil,
                        dropoutMasks: [[Double]] = []) -> Trace {
        checkShapes(x, steps: T, batch: B, h0: h0, c0: c0)
        let c = configuration, H = c.hiddenSize
        var input = c.batchFirst ? x.timeMajor(steps: T, batch: B) : x              // [T, B, ·]
        var traces: [[SequenceTrace]] = [], hN: [Double] = [], cN: [Double] = []
        for (l, layer) in layers.enumerated() {
            var outputs: [[Matrix]] = []      // per direction: h_1 ... h_T in time order
            var row: [SequenceTrace] = []
            for (d, direction) in layer.enumerated() {
                let k = l * c.directions + d  // this layer and direction's initial state
                let seen = d == 0 ? input : input.reversedInTime(steps: T)
                let trace = direction.forward(seen, steps: T, batch: B,
                                              h0: block(h0, k, B * H), c0: block(c0, k, B * H))
                let hs = split(trace.outputs, steps: T, rows: B, columns: H)
                // the backward direction's h_t back in time order
                outputs.append(d == 0 ? hs : hs.reversed())
                hN += trace.last
                cN += trace.lastCell
                row.append(trace)
            }
            traces.append(row)
            // output_t = [h_t(forward) | h_t(backward)], then dropout before the next layer
            var output = flatten((0..<T).map { t in Matrix.concatenate(outputs.map { $0[t] }) })
            if l < dropoutMasks.count { output = zip(output, dropoutMasks[l]).map { $0 * $1 } }
            input = .dense(output)
        }
        guard case .dense(let top) = input else { preconditionFailure("a stack's output is dense") }
        let output = c.batchFirst ? SequenceInput.dense(top).batchMajor(steps: T, batch: B) : top
        return Trace(steps: T, batch: B, traces: traces, masks: dropoutMasks,
                     output: output, hN: hN, cN: cN)
    }
    // snippet.end

    // snippet.stack-backward
    /// Backpropagation through the stack, top layer first: each direction takes its own columns
    /// of `∂L/∂output` (in the order it read the sequence), and the input gradients of the two
    /// directions add up. Accumulates every parameter gradient.
    public func backward(_ trace: Trace, dOutput: [Double]?,
                         dhN: [Double]? = nil, dcN: [Double]? = nil, inputGradient: Bool = false)
        -> Unrolled.RecurrentNetwork<Double>.Gradient {
        let c = configuration, H = c.hiddenSize, D = c.directions, T = trace.steps, B = trace.batch
        var dh0: [Double] = [], dc0: [Double] = []
        // ∂L/∂(output of the layer above), one [B, D·H] matrix per step
        var dAbove = dOutput.map {
            split(c.batchFirst ? SequenceInput.dense($0).timeMajorValues(steps: T, batch: B) : $0,
                  steps: T, rows: B, columns: D * H)
        }
        for l in stride(from: c.layers - 1, through: 0, by: -1) {
            let width = l == 0 ? c.inputSize : D * H
            var dBelow = [Matrix](repeating: Matrix(rows: B, columns: width), count: T)
            var dh0Layer: [Double] = [], dc0Layer: [Double] = []
            for d in 0..<D {
                let k = l * D + d
                // through the concatenation: this direction's columns, in the order it read them
                let mine = dAbove.map { steps in steps.map { $0.columns((d * H)..<((d + 1) * H)) } }
                let dOut = mine.map { flatten(d == 0 ? $0 : $0.reversed()) }
                let g = layers[l][d].backward(trace.traces[l][d], dOutputs: dOut,
                                              dLast: block(dhN, k, B * H),
                                              dLastCell: block(dcN, k, B * H),
                                              inputGradient: l > 0 || inputGradient)
                dh0Layer += g.dh0
                dc0Layer += g.dc0
                guard l > 0 || inputGradient else { continue }
                // through the time reversal of the backward direction's input;
                // the directions add up
                let dx = split(g.dx, steps: T, rows: B, columns: width)
                for t in 0..<T { dBelow[t] += d == 0 ? dx[t] : dx[T - 1 - t] }
            }
            dh0 = dh0Layer + dh0
            dc0 = dc0Layer + dc0
            // through the dropout between layer l - 1 and layer l
            if l > 0, l - 1 < trace.masks.count {
                let mask = split(trace.masks[l - 1], steps: T, rows: B, columns: width)
                dBelow = (0..<T).map { dBelow[$0] .* mask[$0] }
            }
            dAbove = dBelow
        }
        var dx = inputGradient ? flatten(dAbove ?? []) : []
        if inputGradient && c.batchFirst {
            dx = SequenceInput.dense(dx).batchMajor(steps: T, batch: B)
        }
        return .init(dx: dx, dh0: dh0, dc0: dc0)
    }
    // snippet.end

    /// Block `k` of `n` values of `s`: one layer and direction's initial or final state.
    private func block(_ s: [Double]?, _ k: Int, _ n: Int) -> [Double]? {
        s.map { Array($0[(k * n)..<((k + 1) * n)]) }
    }
}

extension SequenceInput {
    /// The same sequence read from `t = T` back to `t = 1`.
    func reversedInTime(steps T: Int) -> SequenceInput {
        switch self {
        case .dense(let x): return .dense(reversedBlocks(x, T))
        case .symbols(let s): return .symbols(reversedBlocks(s, T))
        }
    }

    /// `[B, T, ·]` → `[T, B, ·]`.
    func timeMajor(steps T: Int, batch B: Int) -> SequenceInput {
        switch self {
        case .dense(let x): return .dense(swapped(x, T, B))
        case .symbols(let s): return .symbols(swapped(s, T, B))
        }
    }

    /// `[B, T, ·]` → `[T, B, ·]`, for a dense buffer.
    func timeMajorValues(steps T: Int, batch B: Int) -> [Double] {
        guard case .dense(let x) = self else { preconditionFailure("dense values only") }
        return swapped(x, T, B)
    }

    /// `[T, B, ·]` → `[B, T, ·]`, for a dense buffer.
    func batchMajor(steps T: Int, batch B: Int) -> [Double] {
        guard case .dense(let x) = self else { preconditionFailure("dense values only") }
        return swapped(x, B, T)
    }
}

/// `a` as `T` blocks, last block first.
private func reversedBlocks<E>(_ a: [E], _ T: Int) -> [E] {
    let n = a.count / T
    return (0..<T).reversed().flatMap { t in a[(t * n)..<((t + 1) * n)] }
}

/// `a [P, Q, F]` → `[Q, P, F]`.
private func swapped<E>(_ a: [E], _ Q: Int, _ P: Int) -> [E] {
    guard !a.isEmpty else { return a }
    let F = a.count / (P * Q)
    var out: [E] = []
    for q in 0..<Q {
        for p in 0..<P {
            let start = (p * Q + q) * F
            out += a[start..<(start + F)]
        }
    }
    return out
}
