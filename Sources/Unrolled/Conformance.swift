import Foundation

/// Runs reference cases against the library and reports, for each, the largest absolute
/// difference from PyTorch's float64 values over every forward output, the loss and every
/// gradient.
public enum Conformance {
    public struct Outcome {
        public let name: String
        /// The largest absolute difference, and where it occurred.
        public let maxAbsDifference: Double
        public let worstField: String
    }

    /// Runs one case; throws when the case's kind or configuration is not supported.
    public static func run(_ fixture: ReferenceFixture) throws -> Outcome {
        switch fixture.kind {
        case "tutorial_cell_nll": return try tutorialCell(fixture)
        case "recurrent": return try recurrent(fixture)
        default: throw UnrolledError("\(fixture.name): kind '\(fixture.kind)' is not supported yet")
        }
    }

    /// Compares named pairs of (computed, reference) values.
    struct Comparison {
        let name: String
        var worst = 0.0, field = ""
        mutating func check(_ what: String, _ computed: [Double], _ reference: [Double]) throws {
            let d = try maxAbsDifference(computed, reference, what: "\(name): \(what)")
            if field.isEmpty || d > worst { worst = d; field = what }
        }
        var outcome: Outcome { Outcome(name: name, maxAbsDifference: worst, worstField: field) }
    }

    /// A recurrent layer under `loss = Σ output · R_output + Σ h_n · R_h_n`. Single-layer,
    /// unidirectional, time-major Elman and GRU layers so far.
    static func recurrent(_ f: ReferenceFixture) throws -> Outcome {
        guard let modules = (try f.object(["model"]))["modules"] as? [[String: Any]], let module = modules.first,
              let type = module["type"] as? String, let config = module["config"] as? [String: Any] else {
            throw UnrolledError("\(f.name): no model.modules")
        }
        let layers = config["num_layers"] as? Int ?? 1
        let bidirectional = config["bidirectional"] as? Bool ?? false
        let batchFirst = config["batch_first"] as? Bool ?? false
        let bias = config["bias"] as? Bool ?? true
        guard layers == 1, !bidirectional, !batchFirst else {
            throw UnrolledError("\(f.name): \(layers)-layer, bidirectional=\(bidirectional), batch_first=\(batchFirst) \(type) is not supported yet")
        }
        let x = try f.tensor(["inputs", "x"]), h0 = try f.tensor(["inputs", "h0"])
        let T = x.shape[0], B = x.shape[1], I = x.shape[2], H = h0.shape[2]
        var rng = SeededRandom(seed: 0)
        let layer: any SequenceLayer
        switch (type, config["nonlinearity"] as? String) {
        case ("RNN", "tanh"): layer = ElmanLayer("rnn", inputSize: I, hiddenSize: H, activation: .tanh, bias: bias, rng: &rng)
        case ("RNN", "relu"): layer = ElmanLayer("rnn", inputSize: I, hiddenSize: H, activation: .relu, bias: bias, rng: &rng)
        case ("GRU", _): layer = GRULayer("rnn", inputSize: I, hiddenSize: H, bias: bias, rng: &rng)
        default: throw UnrolledError("\(f.name): \(type) layers are not supported yet")
        }
        // PyTorch's names carry the layer index: rnn.weight_ih → rnn.weight_ih_l0.
        for p in layer.parameters { p.value = try f.tensor(["parameters", p.name + "_l0"]).data }
        let trace = layer.forward(.dense(x.data), steps: T, batch: B, h0: h0.data)
        let rOutput = try f.tensor(["loss", "tensors", "R_output"]).data, rLast = try f.tensor(["loss", "tensors", "R_h_n"]).data
        layer.zeroGrad()
        let (dh0, dx) = layer.backward(trace, dOutputs: rOutput, dLast: rLast, inputGradient: true)
        var loss = 0.0
        for (o, r) in zip(trace.outputs, rOutput) { loss += o * r }
        for (h, r) in zip(trace.last, rLast) { loss += h * r }

        var c = Comparison(name: f.name)
        try c.check("forward.output", trace.outputs, try f.tensor(["forward", "output"]).data)
        try c.check("forward.h_n", trace.last, try f.tensor(["forward", "h_n"]).data)
        try c.check("loss.value", [loss], [try f.lossValue()])
        for p in layer.parameters {
            try c.check("grads.parameters.\(p.name)_l0", p.grad, try f.tensor(["grads", "parameters", p.name + "_l0"]).data)
        }
        try c.check("grads.inputs.x", dx, try f.tensor(["grads", "inputs", "x"]).data)
        try c.check("grads.inputs.h0", dh0, try f.tensor(["grads", "inputs", "h0"]).data)
        return c.outcome
    }

    /// The names tutorial's cell: `i2h`, `i2o` on `[x_t, h_{t-1}]`, NLL of the last step.
    static func tutorialCell(_ f: ReferenceFixture) throws -> Outcome {
        let wh = try f.tensor(["parameters", "i2h.weight"]), bh = try f.tensor(["parameters", "i2h.bias"])
        let wo = try f.tensor(["parameters", "i2o.weight"]), bo = try f.tensor(["parameters", "i2o.bias"])
        let x = try f.tensor(["inputs", "x"]), h0 = try f.tensor(["inputs", "h0"])
        let target = Int(try f.tensor(["inputs", "target"]).data[0])
        let T = x.shape[0], I = x.shape[2], H = wh.shape[0], O = wo.shape[0]
        var letters: [Int] = []
        for t in 0..<T {
            let row = Array(x.data[(t * I)..<((t + 1) * I)])
            guard row.filter({ $0 == 1 }).count == 1, row.filter({ $0 != 0 }).count == 1 else {
                throw UnrolledError("\(f.name): x[\(t)] is not one-hot")
            }
            letters.append(row.firstIndex(of: 1)!)
        }
        var rng = SeededRandom(seed: 0)
        let cell = TutorialCell(inputSize: I, hiddenSize: H, outputSize: O, rng: &rng)
        cell.i2h.weight.value = wh.data; cell.i2h.bias!.value = bh.data
        cell.i2o.weight.value = wo.data; cell.i2o.bias!.value = bo.data
        let trace = cell.forward(letters, h0: h0.data, keepAllOutputs: true)
        cell.zeroGrad()
        let (dh0, dx) = cell.backward(trace, target: target, inputGradient: true)

        var c = Comparison(name: f.name)
        try c.check("forward.log_probs", trace.allLogProbabilities.flatMap { $0 }, try f.tensor(["forward", "log_probs"]).data)
        try c.check("forward.hiddens", trace.hiddens.dropFirst().flatMap { $0 }, try f.tensor(["forward", "hiddens"]).data)
        try c.check("forward.h_n", trace.hiddens.last!, try f.tensor(["forward", "h_n"]).data)
        try c.check("loss.value", [cell.loss(trace, target: target)], [try f.lossValue()])
        for p in cell.parameters {
            try c.check("grads.parameters.\(p.name)", p.grad, try f.tensor(["grads", "parameters", p.name]).data)
        }
        try c.check("grads.inputs.x", dx.flatMap { $0 }, try f.tensor(["grads", "inputs", "x"]).data)
        try c.check("grads.inputs.h0", dh0, try f.tensor(["grads", "inputs", "h0"]).data)
        return c.outcome
    }
}
