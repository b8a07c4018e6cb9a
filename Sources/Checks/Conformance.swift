import Foundation
import Reference
import Unrolled

/// Which implementation runs a case: the reference one the chapters list, or the fast one that
/// computes the figures. Every case runs on both.
public enum Implementation: String, CaseIterable, Sendable {
    case reference, fast
}

/// Runs reference cases (`Tests/Fixtures/reference/SCHEMA.md`, version 1) on either implementation
/// and reports, for each, the largest absolute difference from PyTorch's float64 values over every
/// forward output, the loss, every gradient, and the clipping and optimizer steps when the case
/// has them. A case that cannot be run (a kind, module or option the schema does not define, a
/// missing field, a wrong shape) throws an error naming the file and the field.
public enum Conformance {
    /// The tolerance of the book's tests: PyTorch and this library agree to about 1e-15.
    public static let tolerance = 1e-12

    public struct Outcome {
        public let name: String, file: String
        /// The largest absolute difference, and where it occurred.
        public let maxAbsDifference: Double
        public let worstField: String
        /// How many values were compared.
        public let valuesCompared: Int
    }

    /// Runs one case on one implementation.
    public static func run(_ f: ReferenceFixture, on implementation: Implementation) throws -> Outcome {
        let model = try CaseModel(f, implementation)
        var c = Comparison(fixture: f)
        model.zeroGrad()
        try c.check(try model.evaluate(), model: model)
        if f.value(["clip_grad_norm"]) != nil { try clip(f, model, implementation, &c) }
        if f.value(["optimizer"]) != nil { try optimizerSteps(f, model, implementation, &c) }
        return c.outcome
    }

    /// Every case file of a directory (`INDEX.json` excepted), sorted by file name.
    public static func caseFiles(in directory: URL) throws -> [URL] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else {
            throw UnrolledError("\(directory.path): no such directory of reference cases")
        }
        return names.filter { $0.hasSuffix(".json") && $0 != "INDEX.json" }.sorted().map { directory.appendingPathComponent($0) }
    }

    /// Compares computed values with the case's, keeping the worst difference.
    struct Comparison {
        let fixture: ReferenceFixture
        var worst = 0.0, field = "", count = 0

        /// Compares with the tensor at `path` of the case, or of `entry` (an optimizer step) when given.
        mutating func check(_ path: [String], _ computed: [Double], shape: [Int], in entry: ReferenceFixture? = nil) throws {
            let source = entry ?? fixture
            let reference = try source.tensor(path, shape: shape)
            try check((source.prefix + path).joined(separator: "."), computed, reference.data)
        }

        mutating func check(_ what: String, _ computed: [Double], _ reference: [Double]) throws {
            let d = try maxAbsDifference(computed, reference, what: "\(fixture.file): \(what)")
            count += computed.count
            if field.isEmpty || !(d <= worst) { worst = d.isNaN ? .infinity : d; field = what }
        }

        /// The first evaluation: forward values, loss, and the gradient of every parameter and
        /// float input. For an optimizer step (`entry`), its loss and parameter gradients.
        mutating func check(_ e: CaseModel.Evaluation, model: CaseModel, in entry: ReferenceFixture? = nil) throws {
            let f = fixture
            if let entry {
                try check((entry.prefix + ["loss"]).joined(separator: "."), [e.loss], [try entry.number(["loss"])])
                for p in model.parameters { try check(["grads", p.name], p.grad, shape: p.shape, in: entry) }
                return
            }
            let expected = Set(try f.object(["forward"]).keys), produced = Set(e.forward.map(\.name))
            if let unknown = expected.subtracting(produced).sorted().first {
                throw UnrolledError("\(f.file): field forward.\(unknown) is not an output of kind \(f.kind)")
            }
            for (name, shape, values) in e.forward { try check(["forward", name], values, shape: shape) }
            try check("loss.value", [e.loss], [try f.number(["loss", "value"])])
            let mine = Set(model.parameters.map(\.name))
            if let extra = try f.object(["grads", "parameters"]).keys.sorted().first(where: { !mine.contains($0) }) {
                throw UnrolledError("\(f.field(["grads", "parameters", extra])) is not a parameter of the model the case describes")
            }
            for p in model.parameters { try check(["grads", "parameters", p.name], p.grad, shape: p.shape) }
            let inputs = try f.object(["grads", "inputs"])
            for key in inputs.keys.sorted() {
                guard let (shape, values) = e.inputGradients[key] else {
                    throw UnrolledError("\(f.file): field grads.inputs.\(key) is not a float input of kind \(f.kind)")
                }
                try check(["grads", "inputs", key], values, shape: shape)
            }
        }

        var outcome: Outcome {
            Outcome(name: fixture.name, file: fixture.file, maxAbsDifference: worst, worstField: field, valuesCompared: count)
        }
    }

    /// `clip_grad_norm_` after the first backward pass.
    static func clip(_ f: ReferenceFixture, _ model: CaseModel, _ implementation: Implementation, _ c: inout Comparison) throws {
        let path = ["clip_grad_norm"]
        let norm = try f.number(path + ["norm_type"])
        guard norm == 2 else { throw UnrolledError("\(f.field(path + ["norm_type"])) is \(norm); only 2 is defined") }
        for p in model.parameters { try c.check(path + ["grads_before", p.name], p.grad, shape: p.shape) }
        let clipGlobalNorm = implementation == .fast ? GradientClipping.clipGlobalNorm : Reference.clipGlobalNorm
        let outcome = clipGlobalNorm(model.parameters, try f.number(path + ["max_norm"]), try f.number(path + ["eps"]))
        try c.check("clip_grad_norm.total_norm", [outcome.totalNorm], [try f.number(path + ["total_norm"])])
        try c.check("clip_grad_norm.clip_coef", [outcome.coefficient], [try f.number(path + ["clip_coef"])])
        try c.check("clip_grad_norm.clip_coef_clamped", [outcome.appliedCoefficient], [try f.number(path + ["clip_coef_clamped"])])
        for p in model.parameters { try c.check(path + ["grads_after", p.name], p.grad, shape: p.shape) }
    }

    /// Every optimizer step of the case: a fresh forward and backward, then the update.
    static func optimizerSteps(_ f: ReferenceFixture, _ model: CaseModel, _ implementation: Implementation,
                               _ c: inout Comparison) throws {
        let path = ["optimizer"]
        let type = try f.object(path)["type"] as? String ?? ""
        let lr = try f.number(path + ["lr"])
        var optimizer: any Optimizer<Double> & TorchState
        let fast = implementation == .fast
        switch type {
        case "SGD":
            if let m = f.value(path + ["momentum"]) as? NSNumber, m.doubleValue != 0 {
                throw UnrolledError("\(f.field(path + ["momentum"])) is \(m); only 0 is defined")
            }
            optimizer = fast ? Unrolled.SGD<Double>(learningRate: lr) : Reference.SGD(learningRate: lr)
        case "Adam":
            guard let betas = f.value(path + ["betas"]) as? [NSNumber], betas.count == 2 else {
                throw UnrolledError("\(f.field(path + ["betas"])) is missing or not two numbers")
            }
            let (b1, b2, eps) = (betas[0].doubleValue, betas[1].doubleValue, try f.number(path + ["eps"]))
            optimizer = fast ? Unrolled.Adam<Double>(learningRate: lr, beta1: b1, beta2: b2, epsilon: eps)
                : Reference.Adam(learningRate: lr, beta1: b1, beta2: b2, epsilon: eps)
        case "Adagrad":
            let eps = try f.number(path + ["eps"])
            optimizer = fast ? Unrolled.Adagrad<Double>(learningRate: lr, epsilon: eps) : Reference.Adagrad(learningRate: lr, epsilon: eps)
        default:
            throw UnrolledError("\(f.field(path + ["type"])) is '\(type)'; SGD, Adam and Adagrad are defined")
        }
        guard let steps = f.value(path + ["steps_taken"]) as? [Any], !steps.isEmpty else {
            throw UnrolledError("\(f.field(path + ["steps_taken"])) is missing or empty")
        }
        for k in 0..<steps.count {
            let step = try f.element(path + ["steps_taken"], k)
            model.zeroGrad()
            try c.check(try model.evaluate(), model: model, in: step)
            optimizer.step(model.parameters)
            for p in model.parameters { try c.check(["params_after", p.name], p.value, shape: p.shape, in: step) }
            let state = optimizer.torchState
            for key in try step.object(["state_after"]).keys.sorted() {
                guard let values = state[key] else {
                    throw UnrolledError("\(step.field(["state_after", key])) is not state of \(type)")
                }
                for (j, p) in model.parameters.enumerated() {
                    try c.check(["state_after", key, p.name], values[j], shape: p.shape, in: step)
                }
            }
        }
    }
}

/// The small model a case describes, built from its `model.modules`, with the case's
/// parameters loaded and its inputs read and checked against the configuration.
final class CaseModel: Module {
    struct Evaluation {
        /// `(name, shape, values)` of every forward output.
        var forward: [(name: String, shape: [Int], values: [Double])]
        var loss: Double
        /// `name → (shape, ∂L/∂input)` for every float input.
        var inputGradients: [String: (shape: [Int], values: [Double])]
    }

    private(set) var parameters: [Parameter] = []
    private var run: () throws -> Evaluation = { throw UnrolledError("no model") }

    init(_ f: ReferenceFixture, _ implementation: Implementation) throws {
        let fast = implementation == .fast
        let losses: LossFunctions = fast ? .fast : .reference
        guard let modules = f.value(["model", "modules"]) as? [[String: Any]] else {
            throw UnrolledError("\(f.field(["model", "modules"])) is missing or not a list of modules")
        }
        func module(_ types: Set<String>) throws -> (name: String, type: String, config: Config) {
            guard let m = modules.first(where: { types.contains($0["type"] as? String ?? "") }),
                  let name = m["name"] as? String, let config = m["config"] as? [String: Any] else {
                throw UnrolledError("\(f.field(["model", "modules"])) has no \(types.sorted().joined(separator: "/")) module with a name and a config")
            }
            let type = m["type"] as! String
            return (name, type, Config(file: f.file, module: name, values: config))
        }
        var rng = SeededRandom(seed: 0)
        switch f.kind {
        case "recurrent":
            let r = try module(["RNN", "LSTM", "GRU"])
            let net = try Self.network(r.name, r.type, r.config, implementation, &rng)
            parameters = net.parameters
            try load(f)
            run = try Self.recurrent(f, net)
        case "embed_rnn_linear_ce":
            let e = try module(["Embedding"]), r = try module(["RNN", "LSTM", "GRU"]), l = try module(["Linear"])
            let (count, dimension) = (try e.config.int("num_embeddings"), try e.config.int("embedding_dim"))
            let embedding: any LookupLayer = fast ? Unrolled.Embedding<Double>(e.name, count: count, dimension: dimension, rng: &rng)
                : Reference.Embedding(e.name, count: count, dimension: dimension, rng: &rng)
            for key in ["padding_idx", "max_norm"] where !(e.config.values[key] is NSNull || e.config.values[key] == nil) {
                throw UnrolledError("\(f.file): field model.modules[\(e.name)].config.\(key) is set; only null is defined")
            }
            let net = try Self.network(r.name, r.type, r.config, implementation, &rng)
            let fc = try Self.linear(l.name, l.config, implementation, &rng)
            parameters = embedding.parameters + net.parameters + fc.parameters
            try load(f)
            run = try Self.embedRNNLinearCE(f, embedding, net, fc, losses)
        case "rnn_linear_mse_last":
            let r = try module(["RNN", "LSTM", "GRU"]), l = try module(["Linear"])
            let net = try Self.network(r.name, r.type, r.config, implementation, &rng)
            let fc = try Self.linear(l.name, l.config, implementation, &rng)
            parameters = net.parameters + fc.parameters
            try load(f)
            run = try Self.rnnLinearMSELast(f, net, fc, losses)
        case "tutorial_cell_nll":
            let i2h = try Self.linear("i2h", try module(["Linear"]).config, implementation, &rng)
            guard let i2oModule = modules.first(where: { $0["name"] as? String == "i2o" }),
                  let i2oConfig = i2oModule["config"] as? [String: Any] else {
                throw UnrolledError("\(f.field(["model", "modules"])) has no i2o module")
            }
            let outputs = try Config(file: f.file, module: "i2o", values: i2oConfig).int("out_features")
            let hidden = i2h.outputSize
            let (inputs, hiddens) = (i2h.inputSize - hidden, hidden)
            let cell: any NamesCell = fast ? Unrolled.TutorialCell<Double>(inputSize: inputs, hiddenSize: hiddens, outputSize: outputs, rng: &rng)
                : Reference.TutorialCell(inputSize: inputs, hiddenSize: hiddens, outputSize: outputs, rng: &rng)
            parameters = cell.parameters
            try load(f)
            run = try Self.tutorialCell(f, cell)
        default:
            throw UnrolledError("\(f.field(["model", "kind"])) is '\(f.kind)'; the schema defines recurrent, embed_rnn_linear_ce, rnn_linear_mse_last and tutorial_cell_nll")
        }
    }

    func evaluate() throws -> Evaluation { try run() }

    /// Sets every parameter from the case; every parameter of the case must be one of the model's.
    private func load(_ f: ReferenceFixture) throws {
        let given = try f.object(["parameters"])
        let mine = Set(parameters.map(\.name))
        if let extra = given.keys.sorted().first(where: { !mine.contains($0) }) {
            throw UnrolledError("\(f.field(["parameters", extra])) is not a parameter of the model the case describes")
        }
        for p in parameters { p.value = try f.tensor(["parameters", p.name], shape: p.shape).data }
    }

    /// A module's `config`, with typed reads that name the field when it is wrong.
    struct Config {
        let file: String, module: String, values: [String: Any]
        func field(_ key: String) -> String { "\(file): field model.modules[\(module)].config.\(key)" }
        func int(_ key: String) throws -> Int {
            guard let n = values[key] as? NSNumber, n.doubleValue == n.doubleValue.rounded(), n.intValue > 0 else {
                throw UnrolledError("\(field(key)) is missing or not a positive integer")
            }
            return n.intValue
        }
        func bool(_ key: String) throws -> Bool {
            guard let b = values[key] as? Bool else { throw UnrolledError("\(field(key)) is missing or not true/false") }
            return b
        }
    }

    static func network(_ name: String, _ type: String, _ c: Config, _ implementation: Implementation,
                        _ rng: inout SeededRandom) throws -> any RecurrentStack<Double> {
        let cell: Unrolled.RecurrentNetwork<Double>.Cell
        switch type {
        case "RNN":
            switch c.values["nonlinearity"] as? String {
            case "tanh": cell = .rnnTanh
            case "relu": cell = .rnnRelu
            default: throw UnrolledError("\(c.field("nonlinearity")) must be \"tanh\" or \"relu\" for an RNN")
            }
        case "LSTM": cell = .lstm
        default: cell = .gru
        }
        for key in ["dropout", "proj_size"] {
            if let v = c.values[key] as? NSNumber, v.doubleValue != 0 {
                throw UnrolledError("\(c.field(key)) is \(v); only 0 is defined")
            }
        }
        let configuration = Unrolled.RecurrentNetwork<Double>.Configuration(
            cell: cell, inputSize: try c.int("input_size"), hiddenSize: try c.int("hidden_size"), layers: try c.int("num_layers"),
            bidirectional: try c.bool("bidirectional"), bias: try c.bool("bias"), batchFirst: try c.bool("batch_first"))
        switch implementation {
        case .fast: return Unrolled.RecurrentNetwork<Double>(name, configuration, rng: &rng)
        case .reference: return Reference.RecurrentNetwork(name, configuration, rng: &rng)
        }
    }

    static func linear(_ name: String, _ c: Config, _ implementation: Implementation, _ rng: inout SeededRandom) throws -> any DenseLayer {
        let (i, o, bias) = (try c.int("in_features"), try c.int("out_features"), try c.bool("bias"))
        switch implementation {
        case .fast: return Unrolled.Linear<Double>(name, inputSize: i, outputSize: o, bias: bias, rng: &rng)
        case .reference: return Reference.Linear(name, inputSize: i, outputSize: o, bias: bias, rng: &rng)
        }
    }

    /// `(T, B)` from a sequence tensor's shape in the network's layout, checked against it.
    static func stepsAndBatch(_ f: ReferenceFixture, _ path: [String], _ net: some RecurrentStack<Double>, features: Int?) throws -> (Int, Int) {
        let t = try f.tensor(path)
        let rank = features == nil ? 2 : 3
        guard t.shape.count == rank, t.shape.allSatisfy({ $0 > 0 }), features == nil || t.shape[2] == features! else {
            let layout = net.configuration.batchFirst ? "[B, T" : "[T, B"
            throw UnrolledError("\(f.field(path)) has shape \(t.shape), expected \(layout)\(features.map { ", \($0)" } ?? "")]")
        }
        return net.configuration.batchFirst ? (t.shape[1], t.shape[0]) : (t.shape[0], t.shape[1])
    }

    /// `h0` (and `c0`), `[L·D, B, H]`.
    static func initialStates(_ f: ReferenceFixture, _ net: some RecurrentStack<Double>, batch B: Int) throws -> (h0: [Double], c0: [Double]?) {
        let c = net.configuration, shape = [c.layers * c.directions, B, c.hiddenSize]
        let h0 = try f.tensor(["inputs", "h0"], shape: shape).data
        let c0 = net.hasCellState ? try f.tensor(["inputs", "c0"], shape: shape).data : nil
        return (h0, c0)
    }

    /// The shapes of a network's outputs, in its layout.
    static func outputShapes(_ net: some RecurrentStack<Double>, T: Int, B: Int) -> (output: [Int], state: [Int]) {
        let c = net.configuration
        let output = c.batchFirst ? [B, T, c.directions * c.hiddenSize] : [T, B, c.directions * c.hiddenSize]
        return (output, [c.layers * c.directions, B, c.hiddenSize])
    }

    static func dot(_ a: [Double], _ b: [Double]) -> Double {
        var s = 0.0
        for i in 0..<a.count { s += a[i] * b[i] }
        return s
    }

    /// `loss = Σ output · R_output + Σ h_n · R_h_n (+ Σ c_n · R_c_n)`.
    static func recurrent(_ f: ReferenceFixture, _ net: some RecurrentStack<Double>) throws -> () throws -> Evaluation {
        let (T, B) = try stepsAndBatch(f, ["inputs", "x"], net, features: net.configuration.inputSize)
        let xShape = try f.tensor(["inputs", "x"]).shape, x = try f.tensor(["inputs", "x"]).data
        let (h0, c0) = try initialStates(f, net, batch: B)
        let (outShape, stateShape) = outputShapes(net, T: T, B: B)
        let rOut = try f.tensor(["loss", "tensors", "R_output"], shape: outShape).data
        let rH = try f.tensor(["loss", "tensors", "R_h_n"], shape: stateShape).data
        let rC = net.hasCellState ? try f.tensor(["loss", "tensors", "R_c_n"], shape: stateShape).data : nil
        return {
            let trace = net.forward(.dense(x), steps: T, batch: B, h0: h0, c0: c0, dropoutMasks: [])
            var loss = dot(trace.output, rOut) + dot(trace.hN, rH)
            if let rC { loss += dot(trace.cN, rC) }
            let g = net.backward(trace, dOutput: rOut, dhN: rH, dcN: rC, inputGradient: true)
            var e = Evaluation(forward: [("output", outShape, trace.output), ("h_n", stateShape, trace.hN)], loss: loss,
                               inputGradients: ["x": (xShape, g.dx), "h0": (stateShape, g.dh0)])
            if net.hasCellState {
                e.forward.append(("c_n", stateShape, trace.cN))
                e.inputGradients["c0"] = (stateShape, g.dc0)
            }
            return e
        }
    }

    /// `logits = fc(rnn(embedding(ids)))`; mean cross-entropy against the next tokens.
    static func embedRNNLinearCE(_ f: ReferenceFixture, _ embedding: any LookupLayer, _ net: some RecurrentStack<Double>,
                                 _ fc: any DenseLayer, _ losses: LossFunctions) throws -> () throws -> Evaluation {
        guard net.configuration.inputSize == embedding.dimension, fc.inputSize == net.configuration.directions * net.configuration.hiddenSize else {
            throw UnrolledError("\(f.field(["model", "modules"])): the modules' sizes do not chain")
        }
        let (T, B) = try stepsAndBatch(f, ["inputs", "input_ids"], net, features: nil)
        let idShape = try f.tensor(["inputs", "input_ids"]).shape
        let ids = try f.indices(["inputs", "input_ids"], shape: idShape, below: embedding.count)
        let targets = try f.indices(["inputs", "targets"], shape: idShape, below: fc.outputSize)
        let (h0, c0) = try initialStates(f, net, batch: B)
        let (outShape, stateShape) = outputShapes(net, T: T, B: B)
        let N = T * B, V = fc.outputSize
        return {
            let embedded = embedding.forward(ids)                              // [N, E] in the ids' layout
            let trace = net.forward(.dense(embedded), steps: T, batch: B, h0: h0, c0: c0, dropoutMasks: [])
            let logits = fc.forward(trace.output, batch: N)                   // [N, V]
            let (loss, dLogits) = losses.negativeLogLikelihood(losses.logSoftmax(logits, V), targets, V)
            let dOutput = fc.backward(dLogits, input: trace.output, batch: N)
            let g = net.backward(trace, dOutput: dOutput, dhN: nil, dcN: nil, inputGradient: true)
            embedding.backward(g.dx, ids: ids)
            var e = Evaluation(
                forward: [("embedded", idShape + [embedding.dimension], embedded), ("output", outShape, trace.output),
                          ("h_n", stateShape, trace.hN), ("logits", idShape + [V], logits)],
                loss: loss, inputGradients: ["h0": (stateShape, g.dh0)])
            if net.hasCellState {
                e.forward.append(("c_n", stateShape, trace.cN))
                e.inputGradients["c0"] = (stateShape, g.dc0)
            }
            return e
        }
    }

    /// `prediction = fc(output at the last step)`; mean squared error against `y`.
    static func rnnLinearMSELast(_ f: ReferenceFixture, _ net: some RecurrentStack<Double>, _ fc: any DenseLayer,
                                 _ losses: LossFunctions) throws -> () throws -> Evaluation {
        let c = net.configuration, DH = c.directions * c.hiddenSize
        guard fc.inputSize == DH else { throw UnrolledError("\(f.field(["model", "modules"])): the modules' sizes do not chain") }
        let (T, B) = try stepsAndBatch(f, ["inputs", "x"], net, features: c.inputSize)
        let xShape = try f.tensor(["inputs", "x"]).shape, x = try f.tensor(["inputs", "x"]).data
        let y = try f.tensor(["inputs", "y"], shape: [B, fc.outputSize]).data
        let (h0, c0) = try initialStates(f, net, batch: B)
        let (outShape, stateShape) = outputShapes(net, T: T, B: B)
        return {
            let trace = net.forward(.dense(x), steps: T, batch: B, h0: h0, c0: c0, dropoutMasks: [])
            let last = net.lastStep(of: trace)
            let prediction = fc.forward(last, batch: B)
            let (loss, dPrediction) = losses.meanSquaredError(prediction, y)
            let dLast = fc.backward(dPrediction, input: last, batch: B)
            let g = net.backward(trace, dOutput: net.outputGradient(lastStep: dLast, of: trace), dhN: nil, dcN: nil, inputGradient: true)
            var e = Evaluation(
                forward: [("output", outShape, trace.output), ("h_n", stateShape, trace.hN), ("prediction", [B, fc.outputSize], prediction)],
                loss: loss,
                inputGradients: ["x": (xShape, g.dx), "h0": (stateShape, g.dh0), "y": ([B, fc.outputSize], dPrediction.map { -$0 })])
            if net.hasCellState {
                e.forward.append(("c_n", stateShape, trace.cN))
                e.inputGradients["c0"] = (stateShape, g.dc0)
            }
            return e
        }
    }

    /// The names tutorial's cell: `i2h`, `i2o` on `[x_t, h_{t-1}]`, NLL of the last step.
    static func tutorialCell(_ f: ReferenceFixture, _ cell: any NamesCell) throws -> () throws -> Evaluation {
        let I = cell.inputSize, H = cell.hiddenSize, O = cell.outputSize
        let xt = try f.tensor(["inputs", "x"])
        guard xt.shape.count == 3, xt.shape[1] == 1, xt.shape[2] == I, xt.shape[0] > 0 else {
            throw UnrolledError("\(f.field(["inputs", "x"])) has shape \(xt.shape), expected [T, 1, \(I)]")
        }
        let T = xt.shape[0]
        var letters: [Int] = []
        for t in 0..<T {
            let row = Array(xt.data[(t * I)..<((t + 1) * I)])
            guard row.filter({ $0 == 1 }).count == 1, row.filter({ $0 != 0 }).count == 1 else {
                throw UnrolledError("\(f.field(["inputs", "x"]))[\(t)] is not one-hot")
            }
            letters.append(row.firstIndex(of: 1)!)
        }
        let h0 = try f.tensor(["inputs", "h0"], shape: [1, H]).data
        let target = try f.indices(["inputs", "target"], shape: [1], below: O)[0]
        return {
            let trace = cell.forward(letters, h0: h0, keepAllOutputs: true)
            let (dh0, dx) = cell.backward(trace, target: target, inputGradient: true)
            return Evaluation(
                forward: [("log_probs", [T, 1, O], trace.allLogProbabilities.flatMap { $0 }),
                          ("hiddens", [T, 1, H], trace.hiddens.dropFirst().flatMap { $0 }), ("h_n", [1, H], trace.hiddens.last!)],
                loss: cell.loss(trace, target: target),
                inputGradients: ["x": ([T, 1, I], dx.flatMap { $0 }), "h0": ([1, H], dh0)])
        }
    }
}

/// The modules a case can hold, as both implementations provide them.
protocol DenseLayer: Module where Scalar == Double {
    var inputSize: Int { get }
    var outputSize: Int { get }
    func forward(_ x: [Double], batch: Int) -> [Double]
    func backward(_ dy: [Double], input x: [Double], batch: Int) -> [Double]
}
extension Unrolled.Linear: DenseLayer where S == Double {}
extension Reference.Linear: DenseLayer {}

protocol LookupLayer: Module where Scalar == Double {
    var count: Int { get }
    var dimension: Int { get }
    func forward(_ ids: [Int]) -> [Double]
    func backward(_ dEmbedded: [Double], ids: [Int])
}
extension Unrolled.Embedding: LookupLayer where S == Double {}
extension Reference.Embedding: LookupLayer {}

protocol NamesCell: Module where Scalar == Double {
    var inputSize: Int { get }
    var hiddenSize: Int { get }
    var outputSize: Int { get }
    func forward(_ letters: [Int], h0: [Double]?, keepAllOutputs: Bool) -> Unrolled.TutorialCell<Double>.Trace
    func loss(_ trace: Unrolled.TutorialCell<Double>.Trace, target: Int) -> Double
    func backward(_ trace: Unrolled.TutorialCell<Double>.Trace, target: Int, inputGradient: Bool) -> (dh0: [Double], dx: [[Double]])
}
extension Unrolled.TutorialCell: NamesCell where S == Double {}
extension Reference.TutorialCell: NamesCell {}

/// The losses a case can use, from either implementation.
struct LossFunctions: Sendable {
    /// `z [N, C]` → `log softmax(z)`, row by row.
    let logSoftmax: @Sendable (_ z: [Double], _ classes: Int) -> [Double]
    /// The mean negative log-likelihood of the targets and its gradient with respect to the logits.
    let negativeLogLikelihood: @Sendable (_ logp: [Double], _ targets: [Int], _ classes: Int) -> (loss: Double, dLogits: [Double])
    /// The mean squared error and its gradient with respect to the prediction.
    let meanSquaredError: @Sendable (_ prediction: [Double], _ target: [Double]) -> (loss: Double, dPrediction: [Double])

    static let fast = LossFunctions(
        logSoftmax: { SoftmaxCrossEntropy.logSoftmax($0, classes: $1) },
        negativeLogLikelihood: { SoftmaxCrossEntropy.loss(logProbabilities: $0, targets: $1, classes: $2) },
        meanSquaredError: { MeanSquaredError.loss(prediction: $0, target: $1) })
    static let reference = LossFunctions(
        logSoftmax: { Losses.logSoftmax($0, classes: $1) },
        negativeLogLikelihood: { Losses.loss(logProbabilities: $0, targets: $1, classes: $2) },
        meanSquaredError: { Losses.loss(prediction: $0, target: $1) })
}

/// An optimizer's per-parameter state under `torch.optim`'s names (`exp_avg`, `sum`, …).
protocol TorchState {
    var torchState: [String: [[Double]]] { get }
}
extension Unrolled.SGD: TorchState where S == Double { var torchState: [String: [[Double]]] { [:] } }
extension Reference.SGD: TorchState { var torchState: [String: [[Double]]] { [:] } }
extension Unrolled.Adam: TorchState where S == Double { var torchState: [String: [[Double]]] { ["exp_avg": m, "exp_avg_sq": v] } }
extension Reference.Adam: TorchState { var torchState: [String: [[Double]]] { ["exp_avg": m, "exp_avg_sq": v] } }
extension Unrolled.Adagrad: TorchState where S == Double { var torchState: [String: [[Double]]] { ["sum": sum] } }
extension Reference.Adagrad: TorchState { var torchState: [String: [[Double]]] { ["sum": sum] } }
