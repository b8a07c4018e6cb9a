import Unrolled

/// What the tutorial's training loop needs of a model: one name in, log-probabilities out, and a
/// forward-and-backward step for one labelled name.
protocol NameModel: Module where Scalar == Precision {
    /// `[C]` log-probabilities for a name given as letter indices.
    func logProbabilities(_ letters: [Int]) -> [Double]
    /// Forward and backward for one name; accumulates gradients, returns loss and output.
    func train(_ letters: [Int], target: Int) -> (loss: Double, logProbabilities: [Double])
}

extension TutorialCell: NameModel {
    func logProbabilities(_ letters: [Int]) -> [Double] { forward(letters).logProbabilities.map(Double.init) }

    func train(_ letters: [Int], target: Int) -> (loss: Double, logProbabilities: [Double]) {
        let trace = forward(letters)
        backward(trace, target: target)
        return (Double(loss(trace, target: target)), trace.logProbabilities.map(Double.init))
    }
}

extension RecurrentClassifier: NameModel where S == Precision {
    func logProbabilities(_ letters: [Int]) -> [Double] { forward([letters]).logProbabilities.map(Double.init) }

    func train(_ letters: [Int], target: Int) -> (loss: Double, logProbabilities: [Double]) {
        let (loss, logp) = lossAndGradient([letters], targets: [target])
        return (loss, logp.map(Double.init))
    }
}
