import Foundation
import Testing
@testable import Unrolled

/// The library against PyTorch's float64 values (`shared/reference/SCHEMA.md`). Every case of a
/// supported kind in the directory must agree to 1e-12.
@Suite struct ReferenceTests {
    func cases(kind: String) throws -> [ReferenceFixture] {
        guard FileManager.default.fileExists(atPath: fixturesDirectory.path) else {
            throw UnrolledError("no reference cases at \(fixturesDirectory.path); run `make test FIXTURES=<dir>`")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: fixturesDirectory.path)
            .filter { $0.hasSuffix(".json") && $0 != "INDEX.json" }.sorted()
        return try files.map { try ReferenceFixture(contentsOf: fixturesDirectory.appendingPathComponent($0)) }
            .filter { $0.kind == kind }
    }

    @Test func tutorialCellMatchesPyTorch() throws {
        let fixtures = try cases(kind: "tutorial_cell_nll")
        #expect(!fixtures.isEmpty, "no tutorial_cell_nll case in \(fixturesDirectory.path)")
        for f in fixtures {
            let outcome = try Conformance.run(f)
            #expect(outcome.maxAbsDifference <= 1e-12, "\(f.name): \(outcome.maxAbsDifference) at \(outcome.worstField)")
        }
    }

    @Test func singleLayerRecurrentCasesMatchPyTorch() throws {
        // Every single-layer, unidirectional, time-major RNN or GRU case of the directory.
        var ran = Set<String>()
        for f in try cases(kind: "recurrent") {
            guard let outcome = try? Conformance.run(f) else { continue }
            #expect(outcome.maxAbsDifference <= 1e-12, "\(f.name): \(outcome.maxAbsDifference) at \(outcome.worstField)")
            ran.insert(f.name)
        }
        #expect(ran.isSuperset(of: ["rnn_tanh_1layer", "rnn_relu_1layer", "gru_1layer"]), "ran only \(ran.sorted())")
    }

    @Test func aChangedGradientEntryIsCaught() throws {
        // Change one gradient entry by 1e-6 in a copy of the case: the comparison must fail.
        let original = fixturesDirectory.appendingPathComponent("tutorial_cell_nll.json")
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: original)) as! [String: Any]
        var grads = json["grads"] as! [String: Any], params = grads["parameters"] as! [String: Any]
        var bias = params["i2o.bias"] as! [String: Any]
        var data = bias["data"] as! [Double]
        data[1] += 1e-6
        bias["data"] = data; params["i2o.bias"] = bias; grads["parameters"] = params; json["grads"] = grads
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("changed.json")
        try JSONSerialization.data(withJSONObject: json).write(to: url)
        let outcome = try Conformance.run(try ReferenceFixture(contentsOf: url))
        #expect(outcome.maxAbsDifference > 1e-12)
        #expect(outcome.worstField == "grads.parameters.i2o.bias")
    }

    @Test func adamMatchesItsDefinition() {
        // One step moves each parameter by lr · m̂ / (√v̂ + ε) ≈ lr · sign(g); two steps by the
        // exact bias-corrected formula.
        let p = Parameter("p", shape: [3], value: [1, -2, 0.5])
        var adam = Adam(learningRate: 0.1)
        p.grad = [0.5, -0.25, 2]
        adam.step([p])
        for (v, e) in zip(p.value, [0.9, -1.9, 0.4]) { #expect(abs(v - e) < 1e-6) }
        p.grad = [0.5, -0.25, 2]
        adam.step([p])
        for (v, e) in zip(p.value, [0.8, -1.8, 0.3]) { #expect(abs(v - e) < 1e-6) }
    }
}
