import Reference
import Unrolled

extension ClassifierChapter {
    /// Central finite differences for every parameter entry of both cells of the reference
    /// implementation (the one the chapter lists; the fast one is held to it by the tests), on
    /// one name: the tutorial's cell, and an Elman layer with a linear head on its last state.
    func gradientChecks() -> [(String, String, GradientCheck.Result)] {
        let letters = NamesData.indices(of: config.gradcheckName)
        let target = languages.firstIndex(of: config.gradcheckLabel)!
        let H = config.gradcheckHidden, T = letters.count
        var rng = SeededRandom(seed: config.seed &+ 99)
        func shape(_ p: Reference.Parameter) -> String { p.shape.map(String.init).joined(separator: "x") }

        let cell = Reference.TutorialCell(inputSize: I, hiddenSize: H, outputSize: C, rng: &rng)
        cell.zeroGrad()
        cell.backward(cell.forward(letters), target: target)
        var out = GradientCheck.run(cell.parameters) { cell.loss(cell.forward(letters), target: target) }
            .map { r in ("tutorial cell", shape(cell.parameters.first { $0.name == r.name }!), r) }

        let rnn = Reference.ElmanLayer("rnn", inputSize: I, hiddenSize: H, rng: &rng)
        let head = Reference.Linear("fc", inputSize: H, outputSize: C, rng: &rng)
        let parameters = rnn.parameters + head.parameters
        func loss(backward: Bool) -> Double {
            let trace = rnn.forward(.symbols(letters), steps: T, batch: 1)
            let logits = head.forward(trace.last, batch: 1)
            let (loss, dLogits) = Losses.loss(logProbabilities: Losses.logSoftmax(logits, classes: C), targets: [target], classes: C)
            if backward { _ = rnn.backward(trace, dLast: head.backward(dLogits, input: trace.last, batch: 1)) }
            return loss
        }
        parameters.zeroGrad()
        _ = loss(backward: true)
        out += GradientCheck.run(parameters) { loss(backward: false) }
            .map { r in ("Elman cell", shape(parameters.first { $0.name == r.name }!), r) }
        return out
    }
}
