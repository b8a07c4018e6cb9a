import Foundation

/// One case of PyTorch float64 reference values, in the schema of `shared/reference/SCHEMA.md`
/// (version 1): parameters, inputs, forward outputs, loss and gradients of a small model.
public struct ReferenceFixture {
    /// A tensor as stored: its shape and its values flattened row-major.
    public struct Tensor {
        public let shape: [Int]
        public let data: [Double]
    }

    public let name: String
    public let kind: String
    let root: [String: Any]

    /// Reads a case file.
    public init(contentsOf url: URL) throws {
        let data = try Data(contentsOf: url)
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw UnrolledError("\(url.lastPathComponent): not a JSON object")
        }
        guard let version = root["schema_version"] as? Int, version == 1 else {
            throw UnrolledError("\(url.lastPathComponent): schema_version is not 1")
        }
        self.root = root
        name = root["name"] as? String ?? url.deletingPathExtension().lastPathComponent
        guard let model = root["model"] as? [String: Any], let kind = model["kind"] as? String else {
            throw UnrolledError("\(name): no model.kind")
        }
        self.kind = kind
    }

    /// The object at a path of keys, e.g. `["grads", "parameters"]`.
    public func object(_ path: [String]) throws -> [String: Any] {
        var node: Any = root
        for key in path {
            guard let dict = node as? [String: Any], let next = dict[key] else {
                throw UnrolledError("\(name): missing field \(path.joined(separator: "."))")
            }
            node = next
        }
        guard let dict = node as? [String: Any] else { throw UnrolledError("\(name): \(path.joined(separator: ".")) is not an object") }
        return dict
    }

    /// The tensor at a path of keys, e.g. `["parameters", "i2h.weight"]`.
    public func tensor(_ path: [String]) throws -> Tensor {
        let t = try object(path)
        guard let shape = t["shape"] as? [Int] else { throw UnrolledError("\(name): \(path.joined(separator: ".")) has no shape") }
        var flat: [Double] = []
        func walk(_ v: Any) throws {
            if let list = v as? [Any] { for e in list { try walk(e) } }
            else if let n = v as? NSNumber { flat.append(n.doubleValue) }
            else { throw UnrolledError("\(name): \(path.joined(separator: ".")) holds a non-number") }
        }
        try walk(t["data"] as Any)
        guard flat.count == shape.reduce(1, *) else {
            throw UnrolledError("\(name): \(path.joined(separator: ".")) has \(flat.count) values for shape \(shape)")
        }
        return Tensor(shape: shape, data: flat)
    }

    /// The loss value PyTorch computed.
    public func lossValue() throws -> Double {
        guard let v = (try object(["loss"]))["value"] as? NSNumber else { throw UnrolledError("\(name): no loss.value") }
        return v.doubleValue
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
