import Foundation
import Unrolled

/// Downloads each dataset from its public URL with `curl` and keeps a file only if its SHA-256
/// matches the pinned one.
enum Downloader {
    static func fetch(_ datasets: [Dataset], into directory: URL) throws {
        let fm = FileManager.default
        var failures: [String] = []
        for dataset in datasets {
            let folder = directory.appendingPathComponent(dataset.folder)
            do { try fm.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
                throw UnrolledError("data directory \(directory.path) cannot hold \(dataset.folder)/: \(FileAccess.reason(error, at: folder.path)); fix it or pass another directory to --into (DATA for make)")
            }
            for file in dataset.files {
                let target = folder.appendingPathComponent(file.name)
                // After one failed download, the dataset's other files would fail the same way.
                if failures.last?.hasPrefix("\(dataset.folder)/") == true {
                    failures.append("\(dataset.folder)/\(file.name): not attempted")
                    continue
                }
                if let data = try? Data(contentsOf: target), SHA256.hex(of: data) == file.sha256 {
                    continue
                }
                print("fetching \(dataset.folder)/\(file.name) from \(file.url)")
                fflush(nil)
                let partial = folder.appendingPathComponent(".\(file.name).partial")
                try? fm.removeItem(at: partial)
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                process.arguments = ["curl", "--fail", "--location", "--silent", "--show-error", "--retry", "2", "--connect-timeout", "20",
                                     "--output", partial.path, file.url]
                do { try process.run() } catch {
                    throw UnrolledError("cannot run curl (\(error)); install curl or copy the data by hand")
                }
                process.waitUntilExit()
                guard process.terminationStatus == 0, let data = try? Data(contentsOf: partial) else {
                    try? fm.removeItem(at: partial)
                    failures.append("\(dataset.folder)/\(file.name): download failed from \(file.url)")
                    continue
                }
                let digest = SHA256.hex(of: data)
                guard digest == file.sha256 else {
                    try? fm.removeItem(at: partial)
                    failures.append("\(dataset.folder)/\(file.name): SHA-256 \(digest), expected \(file.sha256); refused")
                    continue
                }
                _ = try? fm.removeItem(at: target)
                do { try fm.moveItem(at: partial, to: target) } catch {
                    try? fm.removeItem(at: partial)
                    throw UnrolledError("data file \(target.path) cannot be written: \(FileAccess.reason(error, at: target.path)); fix it or pass another directory to --into (DATA for make)")
                }
            }
        }
        guard failures.isEmpty else {
            throw UnrolledError(failures.filter { !$0.hasSuffix("not attempted") }.joined(separator: "\n") + "\nWithout internet access, copy the datasets into \(directory.path) (one folder per dataset) or point DATA at a directory that has them.")
        }
        print("\(datasets.map(\.folder).joined(separator: ", ")): present and verified in \(directory.path).")
    }
}
