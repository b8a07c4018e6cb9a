import Foundation
import Reference
import Unrolled

/// One case of PyTorch float64 reference values, in the schema of `Tests/Fixtures/reference/SCHEMA.md`
/// (version 1): parameters, inputs, forward outputs, loss and gradients of a small model.
public struct ReferenceFixture {
    /// A tensor as stored: its shape and its values flattened row-major.
    public struct Tensor {
        public let shape: [Int]
        public let data: [Double]
    }

    /// The case's name (its `name` field, else its file name), and the file it came from; every
    /// error message names the file.
    public let name: String, file: String
    public let kind: String
    let root: [String: Any]
    /// Where `root` sits in the file (empty for the whole file; a list element's path otherwise).
    let prefix: [String]

    /// Reads a case file.
    public init(contentsOf url: URL) throws {
        file = url.lastPathComponent
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw UnrolledError("\(url.path): cannot be read") }
        let json: Any
        do { json = try JSONSerialization.jsonObject(with: data) } catch {
            throw UnrolledError("\(file): not valid JSON (\((error as NSError).userInfo["NSDebugDescription"] ?? error))")
        }
        guard let root = json as? [String: Any] else { throw UnrolledError("\(file): not a JSON object") }
        guard let version = root["schema_version"] as? Int, version == 1 else {
            throw UnrolledError("\(file): field schema_version is missing or not 1")
        }
        self.root = root
        prefix = []
        name = root["name"] as? String ?? url.deletingPathExtension().lastPathComponent
        guard let model = root["model"] as? [String: Any], let kind = model["kind"] as? String else {
            throw UnrolledError("\(file): field model.kind is missing")
        }
        self.kind = kind
    }

    private init(element root: [String: Any], of parent: ReferenceFixture, at path: [String]) {
        self.root = root
        prefix = path
        name = parent.name
        file = parent.file
        kind = parent.kind
    }

    /// Element `k` of the list at `path` (an object), with paths shown from the file's root.
    public func element(_ path: [String], _ k: Int) throws -> ReferenceFixture {
        guard let list = value(path) as? [Any], k < list.count, let object = list[k] as? [String: Any] else {
            throw UnrolledError("\(field(path + ["\(k)"])) is missing or not an object")
        }
        return ReferenceFixture(element: object, of: self, at: prefix + path + ["\(k)"])
    }

    /// `"file: field a.b.c"`, for messages.
    func field(_ path: [String]) -> String { "\(file): field \((prefix + path).joined(separator: "."))" }

    /// The value at a path of keys, if there is one.
    public func value(_ path: [String]) -> Any? {
        var node: Any = root
        for key in path {
            guard let dict = node as? [String: Any], let next = dict[key] else { return nil }
            node = next
        }
        return node
    }

    /// The number at a path of keys.
    public func number(_ path: [String]) throws -> Double {
        guard let v = value(path) else { throw UnrolledError("\(field(path)) is missing") }
        guard let n = v as? NSNumber else { throw UnrolledError("\(field(path)) is not a number") }
        return n.doubleValue
    }

    /// The tensor at a path of keys, which must have `shape`.
    public func tensor(_ path: [String], shape expected: [Int]) throws -> Tensor {
        let t = try tensor(path)
        guard t.shape == expected else { throw UnrolledError("\(field(path)) has shape \(t.shape), expected \(expected)") }
        return t
    }

    /// The integer tensor at a path of keys, which must have `shape` and values in `0..<bound`.
    public func indices(_ path: [String], shape expected: [Int], below bound: Int) throws -> [Int] {
        let t = try tensor(path, shape: expected)
        return try t.data.map { v in
            guard v == v.rounded(), v >= 0, v < Double(bound) else {
                throw UnrolledError("\(field(path)) holds \(v), not an index in 0..<\(bound)")
            }
            return Int(v)
        }
    }

    /// The object at a path of keys, e.g. `["grads", "parameters"]`.
    public func object(_ path: [String]) throws -> [String: Any] {
        guard let node = value(path) else { throw UnrolledError("\(field(path)) is missing") }
        guard let dict = node as? [String: Any] else { throw UnrolledError("\(field(path)) is not an object") }
        return dict
    }

    /// The tensor at a path of keys, e.g. `["parameters", "i2h.weight"]`.
    public func tensor(_ path: [String]) throws -> Tensor {
        let t = try object(path)
        guard let shape = t["shape"] as? [Int], shape.allSatisfy({ $0 >= 0 }) else {
            throw UnrolledError("\(field(path)).shape is missing or not a list of sizes")
        }
        var flat: [Double] = []
        func walk(_ v: Any) throws {
            if let list = v as? [Any] { for e in list { try walk(e) } }
            else if let n = v as? NSNumber { flat.append(n.doubleValue) }
            else { throw UnrolledError("\(field(path)).data holds something that is not a number") }
        }
        guard let data = t["data"] else { throw UnrolledError("\(field(path)).data is missing") }
        try walk(data)
        guard flat.count == shape.reduce(1, *) else {
            throw UnrolledError("\(field(path)) has \(flat.count) values for shape \(shape)")
        }
        return Tensor(shape: shape, data: flat)
    }

    /// The loss value PyTorch computed.
    public func lossValue() throws -> Double {
        try number(["loss", "value"])
    }
}

/// The largest absolute difference between two lists of values of the same length.
public func maxAbsDifference(_ a: [Double], _ b: [Double], what: String) throws -> Double {
    guard a.count == b.count else { throw UnrolledError("\(what): \(a.count) values against \(b.count) expected") }
    var m = 0.0
    for (x, y) in zip(a, b) {
        let d = abs(x - y)
        if d.isNaN { return .infinity }
        m = max(m, d)
    }
    return m
}
