import Foundation
import Testing
@testable import Checks
@testable import Unrolled

/// The library against PyTorch's float64 values (`Tests/Fixtures/reference/SCHEMA.md`). Every case of a
/// supported kind in the directory must agree to 1e-12.
@Suite struct ReferenceTests {
    /// The committed cases (`Tests/Fixtures/reference`, written by `Tools/make_fixtures.py`), or
    /// the directory `UNROLLED_FIXTURES` names.
    func caseFiles() throws -> [URL] { try Conformance.caseFiles(in: fixturesDirectory) }

    @Test func everyCaseMatchesPyTorch() throws {
        let files = try caseFiles()
        #expect(!files.isEmpty, "no cases in \(fixturesDirectory.path)")
        var kinds = Set<String>()
        for url in files {
            let fixture = try ReferenceFixture(contentsOf: url)
            kinds.insert(fixture.kind)
            for implementation in Implementation.allCases {
                let outcome = try Conformance.run(fixture, on: implementation)
                #expect(outcome.maxAbsDifference <= Conformance.tolerance,
                        "\(implementation): \(outcome.file): \(outcome.maxAbsDifference) at \(outcome.worstField)")
            }
        }
        #expect(kinds.count == 4, "the cases cover only \(kinds.sorted())")
    }

    /// A copy of a case with one change made to its JSON object, written to a temporary file.
    func changedCopy(of file: String, _ change: (inout [String: Any]) -> Void) throws -> (URL, URL) {
        let original = packageRoot.appendingPathComponent("Tests/Fixtures/reference/\(file)")
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: original)) as! [String: Any]
        change(&json)
        let dir = try temporaryDirectory()
        let url = dir.appendingPathComponent(file)
        try JSONSerialization.data(withJSONObject: json).write(to: url)
        return (dir, url)
    }

    @Test func aGradientEntryChangedBy1e6IsCaught() throws {
        let (dir, url) = try changedCopy(of: "lstm_3layer_batchfirst.json") { json in
            var grads = json["grads"] as! [String: Any], params = grads["parameters"] as! [String: Any]
            var tensor = params["rnn.weight_hh_l1"] as! [String: Any]
            var rows = tensor["data"] as! [[Double]]
            rows[2][1] += 1e-6
            tensor["data"] = rows; params["rnn.weight_hh_l1"] = tensor; grads["parameters"] = params; json["grads"] = grads
        }
        defer { try? FileManager.default.removeItem(at: dir) }
        for implementation in Implementation.allCases {
            let outcome = try Conformance.run(try ReferenceFixture(contentsOf: url), on: implementation)
            #expect(outcome.maxAbsDifference > Conformance.tolerance, "\(implementation)")
            #expect(outcome.worstField == "grads.parameters.rnn.weight_hh_l1", "\(implementation)")
        }
    }

    @Test func malformedCasesGiveMessagesNamingTheFileAndTheField() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = dir.appendingPathComponent("broken.json")
        try Data("{\"schema_version\": 1, \"model\": ".utf8).write(to: bad)
        #expect(throws: UnrolledError.self) { try ReferenceFixture(contentsOf: bad) }
        do { _ = try ReferenceFixture(contentsOf: bad) } catch { #expect("\(error)".contains("broken.json: not valid JSON")) }

        func message(_ file: String, _ change: (inout [String: Any]) -> Void) throws -> String {
            let (d, url) = try changedCopy(of: file, change)
            defer { try? FileManager.default.removeItem(at: d) }
            var messages = Set<String>()
            for implementation in Implementation.allCases {
                do { _ = try Conformance.run(try ReferenceFixture(contentsOf: url), on: implementation); messages.insert("no error") } catch {
                    messages.insert("\(error)")
                }
            }
            return messages.count == 1 ? messages.first! : "the implementations disagree: \(messages.sorted())"
        }
        let missing = try message("gru_bidirectional_2layer.json") { json in
            var inputs = json["inputs"] as! [String: Any]
            inputs["h0"] = nil
            json["inputs"] = inputs
        }
        #expect(missing == "gru_bidirectional_2layer.json: field inputs.h0 is missing")
        let shape = try message("embed_lstm_linear_ce_batchfirst.json") { json in
            var params = json["parameters"] as! [String: Any], w = params["fc.weight"] as! [String: Any]
            w["shape"] = [6, 11]
            params["fc.weight"] = w
            json["parameters"] = params
        }
        #expect(shape.hasPrefix("embed_lstm_linear_ce_batchfirst.json: field parameters.fc.weight has shape [6, 11], expected [11, 6]"), "\(shape)")
        let step = try message("adam_steps_lstm.json") { json in
            var opt = json["optimizer"] as! [String: Any], steps = opt["steps_taken"] as! [[String: Any]]
            steps[1]["params_after"] = [:]
            opt["steps_taken"] = steps
            json["optimizer"] = opt
        }
        #expect(step == "adam_steps_lstm.json: field optimizer.steps_taken.1.params_after.rnn.weight_ih_l0 is missing", "\(step)")
        let kind = try message("rnn_tanh_3layer.json") { json in
            var model = json["model"] as! [String: Any]
            model["kind"] = "transformer"
            json["model"] = model
        }
        #expect(kind.hasPrefix("rnn_tanh_3layer.json: field model.kind is 'transformer'"), "\(kind)")
        let unknownGradient = try message("gru_bidirectional_2layer.json") { json in
            var grads = json["grads"] as! [String: Any], params = grads["parameters"] as! [String: Any]
            params["rnn.weight_hh_l7"] = params["rnn.weight_hh_l0"]
            grads["parameters"] = params
            json["grads"] = grads
        }
        #expect(unknownGradient == "gru_bidirectional_2layer.json: field grads.parameters.rnn.weight_hh_l7 is not a parameter of the model the case describes",
                "\(unknownGradient)")
    }

    @Test func adamMatchesItsDefinition() {
        // One step moves each parameter by lr · m̂ / (√v̂ + ε) ≈ lr · sign(g); two steps by the
        // exact bias-corrected formula.
        let p = Parameter("p", shape: [3], value: [1, -2, 0.5])
        var adam = Unrolled.Adam<Double>(learningRate: 0.1)
        p.grad = [0.5, -0.25, 2]
        adam.step([p])
        for (v, e) in zip(p.value, [0.9, -1.9, 0.4]) { #expect(abs(v - e) < 1e-6) }
        p.grad = [0.5, -0.25, 2]
        adam.step([p])
        for (v, e) in zip(p.value, [0.8, -1.8, 0.3]) { #expect(abs(v - e) < 1e-6) }
    }
}
