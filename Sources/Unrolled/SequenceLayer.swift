/// What a recurrent layer keeps between its forward and backward passes over a whole sequence.
public struct SequenceTrace {
    public let steps: Int, batch: Int
    /// `x`, `[T, B, I]`.
    public let inputs: [Double]
    /// `[h0, h_1, ..., h_T]`, `[T + 1, B, H]`.
    public let states: [Double]
    /// Whatever else the layer's backward pass needs (gate activations), layer-specific.
    public let cache: [Double]

    /// `h_T`, `[B, H]`.
    public var last: [Double] {
        let n = states.count / (steps + 1)
        return Array(states[(states.count - n)...])
    }
    /// `h_1 ... h_T`, `[T, B, H]`.
    public var outputs: [Double] { Array(states[(states.count / (steps + 1))...]) }
}

/// A recurrent layer run over whole sequences: `x [T, B, I]`, `h0 [B, H]` → `h_1 ... h_T`.
public protocol SequenceLayer: Module {
    var inputSize: Int { get }
    var hiddenSize: Int { get }
    /// Runs the layer from `h0` (zeros when `nil`).
    func forward(_ x: [Double], steps T: Int, batch B: Int, h0: [Double]?) -> SequenceTrace
    /// Backpropagation through time: `dOutputs [T, B, H]` is `∂L/∂h_t` from above (`nil` when
    /// the loss reads only the last state), `dLast [B, H]` an extra `∂L/∂h_T`. Accumulates the
    /// parameter gradients; returns `∂L/∂h0 [B, H]` and, if asked, `∂L/∂x [T, B, I]`.
    func backward(_ trace: SequenceTrace, dOutputs: [Double]?, dLast: [Double]?, inputGradient: Bool)
        -> (dh0: [Double], dx: [Double])
}
