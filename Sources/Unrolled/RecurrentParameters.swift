/// The four parameters of a recurrent layer whose `G` gates are stacked along the rows, created
/// as `torch.nn.RNN` (`G = 1`), `torch.nn.LSTM` (`G = 4`) and `torch.nn.GRU` (`G = 3`) create
/// them, in this order: `W_ih [G·H, I]`, `W_hh [G·H, H]`, `b_ih, b_hh [G·H]` (none without
/// bias), every entry uniform in `[-1/√H, 1/√H]`, named `<name>.weight_ih<suffix>` and so on.
/// The fast and the reference layers both start from these, so one seed gives both the same values.
public struct RecurrentParameters<S: Real> {
    public let weightIH: Parameter<S>, weightHH: Parameter<S>
    public let biasIH: Parameter<S>?, biasHH: Parameter<S>?

    public init(_ name: String, gates G: Int, inputSize I: Int, hiddenSize H: Int, bias: Bool, suffix: String,
                rng: inout SeededRandom) {
        let k = 1 / Double(H).squareRoot()
        weightIH = Parameter("\(name).weight_ih\(suffix)", shape: [G * H, I], uniform: k, rng: &rng)
        weightHH = Parameter("\(name).weight_hh\(suffix)", shape: [G * H, H], uniform: k, rng: &rng)
        biasIH = bias ? Parameter("\(name).bias_ih\(suffix)", shape: [G * H], uniform: k, rng: &rng) : nil
        biasHH = bias ? Parameter("\(name).bias_hh\(suffix)", shape: [G * H], uniform: k, rng: &rng) : nil
    }
}
