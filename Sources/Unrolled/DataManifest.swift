import Foundation

/// Where each dataset comes from and the SHA-256 of every file the book reads.
///
/// The checksums are those in each dataset's `PROVENANCE.md`; a file that does not match is
/// refused, so every number in the book is computed from exactly these bytes.
public struct Dataset: Sendable {
    public struct File: Sendable {
        public let name: String
        public let sha256: String
        public let url: String
    }
    /// The folder under the data directory, e.g. `names`.
    public let folder: String
    public let title: String
    public let files: [File]

    /// Every dataset of the book's manifest, including those no chapter reads yet.
    public static let all: [Dataset] = [names, airline, timeMachine, tinyShakespeare]

    /// The datasets the chapters read: what `make data` (`book data --into DIR`) fetches. Tiny
    /// Shakespeare stays in the manifest for a later chapter, fetched only when asked for
    /// (`book data --into DIR --all`, or `book data --into DIR tinyshakespeare`).
    public static let required: [Dataset] = [names, airline, timeMachine]

    /// The dataset whose folder is `folder` (`names`, `airline`, `timemachine`, `tinyshakespeare`).
    public static func named(_ folder: String) -> Dataset? { all.first { $0.folder == folder } }

    /// Surnames by language, from the author's repository at a pinned commit (the same bytes as
    /// the tutorial's `data.zip`).
    public static let names: Dataset = {
        let base = "https://raw.githubusercontent.com/spro/practical-pytorch/ff2b4c46224c8f887910da343211a2e468eef9ac/data/names/"
        let sums: [(String, String)] = [
            ("Arabic", "6f424a8dbe51cbbbabab7a57d38b617210125e4e3991f3c657cb79b8f104bafc"),
            ("Chinese", "49263ef55a8cb1740e841d65cad8214b2f9b5b869bc534c811746422496fa91e"),
            ("Czech", "145bbbd6d0816578f03388e92c264d39ef1c60df920b081d371fa5c5cc055a8e"),
            ("Dutch", "924f32b635170eae561f84538632138fc07d4c8bbd70ba3fb980de1ecc4d2af3"),
            ("English", "9cca037066d3d5989e24bc01801416162de506b5e28e15b7c092a47905d29bf2"),
            ("French", "81e65b36c60ed5b89a17422f6edcadbb89546f38ad69e960e64e7ba682012a95"),
            ("German", "7449cd590b97a733e18d613a4155decd77ec35dc5f8aadd7a82204dce4f051db"),
            ("Greek", "3555b5186de7f401e6d991b088e9e644ca3099116477818c25ab5793801389e6"),
            ("Irish", "cf8c7013256252a88d2503127b87282a11f21b2ff6db1bded68834c19a1ec058"),
            ("Italian", "f88414c27d0606a11a678b4859277828c2565d6cc4d9ee932deef6e94f3b35e4"),
            ("Japanese", "e0e717e114fec3e7eade4d9dabe0067c475f43147e36a22b47902ee76ad9e67f"),
            ("Korean", "cd54221ccb362a6cba4c78828838cf3268a0e59744767a37cf6ec4b74036b136"),
            ("Polish", "45bab898af2f60ed3a728bbf6980e28821011a7caa53227553b5785903a40826"),
            ("Portuguese", "50a8735f41f4f73757c8ce5b16cb0275cd86b2b214bcbc8c9805f508cb131c53"),
            ("Russian", "43b3e64ce351f77f1ac9e0cdf7566012d127f4371875fd25208845b5c9d6f7c3"),
            ("Scottish", "78d0252711d87d948ea86fe34826c51d2d794a8e52d15b5d6f7b6244d45d62dd"),
            ("Spanish", "1bcb462ed3316756a85781d68232bddae04498fdddd5d9219c53fd1fbdeba7a7"),
            ("Vietnamese", "f3f9e4164ab47601178a6e45b216464a64122f49d05541f24bf18a757253281d"),
        ]
        return Dataset(
            folder: "names", title: "surnames by language",
            files: sums.map { File(name: "\($0.0).txt", sha256: $0.1, url: base + "\($0.0).txt") })
    }()

    public static let airline = Dataset(
        folder: "airline", title: "airline passengers",
        files: [File(
            name: "airline-passengers.csv",
            sha256: "8cb51be753a718d9be5d76d7e238cc224792754676adc21faa59e954b0201621",
            url: "https://raw.githubusercontent.com/jbrownlee/Datasets/master/airline-passengers.csv")])

    public static let timeMachine = Dataset(
        folder: "timemachine", title: "The Time Machine",
        files: [File(
            name: "timemachine.txt",
            sha256: "8424dbd9532ac81f7e5f0b6add90e6952baea29158309d7d1bf3884f4e12c516",
            url: "http://d2l-data.s3-accelerate.amazonaws.com/timemachine.txt")])

    public static let tinyShakespeare = Dataset(
        folder: "tinyshakespeare", title: "tiny Shakespeare",
        files: [File(
            name: "input.txt",
            sha256: "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed",
            url: "https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt")])

    /// Reads one file of this dataset from `dataDirectory` and checks its SHA-256.
    ///
    /// - Throws: `UnrolledError` naming the file and the command that fetches it when the file
    ///   is missing or its bytes differ from the pinned checksum.
    public func read(_ fileName: String, from dataDirectory: URL) throws -> Data {
        guard let file = files.first(where: { $0.name == fileName }) else {
            throw UnrolledError("internal: \(folder) has no file \(fileName)")
        }
        let url = dataDirectory.appendingPathComponent(folder).appendingPathComponent(fileName)
        let fetch = "run `make data DATA=\(dataDirectory.path)` to download it, or point DATA at a directory that holds \(folder)/"
        let fm = FileManager.default
        guard fm.fileExists(atPath: url.path) else {
            var isDirectory: ObjCBool = false
            if !fm.fileExists(atPath: dataDirectory.path, isDirectory: &isDirectory) {
                throw UnrolledError("missing data file \(url.path) (the data directory \(dataDirectory.path) does not exist); \(fetch)")
            }
            if !isDirectory.boolValue {
                throw UnrolledError("missing data file \(url.path) (the data directory \(dataDirectory.path) is a file, not a directory); point --data (or DATA for make) at the datasets directory, or run `make data` to download them")
            }
            throw UnrolledError("missing data file \(url.path); \(fetch)")
        }
        let data = try FileAccess.read(url, what: "data file", advice: "fix or delete it, then \(fetch)")
        let digest = SHA256.hex(of: data)
        guard digest == file.sha256 else {
            throw UnrolledError(
                "\(url.path) is corrupt or a different version: SHA-256 \(digest), expected \(file.sha256) (\(data.count) bytes read); delete it and \(fetch)")
        }
        return data
    }
}
