import Foundation
import Literate
import Unrolled

enum Sync {
    /// Renders every chapter. Writes the changed ones (atomically, all or none), or in check mode
    /// reports them. Returns false when a check fails.
    static func run(check: Bool, figures: String) throws -> Bool {
        let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let regions = try SourceRegions(root: root, directories: ["Sources"])
        let figuresURL = URL(fileURLWithPath: figures, relativeTo: root)
        var sync = ChapterSync(regions: regions) { path in
            let url = figuresURL.appendingPathComponent(path)
            guard let text = try? String(contentsOf: url, encoding: .utf8) else {
                throw LiterateError("missing generated file \(figures)/\(path): run the chapter's executable (`make reproduce`)")
            }
            return text
        }
        let chaptersDirectory = root.appendingPathComponent("Chapters")
        let chapters: [String]
        do { chapters = try FileManager.default.contentsOfDirectory(atPath: chaptersDirectory.path).filter { $0.hasSuffix(".md") }.sorted() } catch {
            throw UnrolledError("chapters directory \(chaptersDirectory.path) \(FileAccess.problem(error, at: chaptersDirectory.path)); run book sync from the repository's root")
        }
        var stale: [String] = [], rendered: [(URL, String)] = []
        var failures: [String] = []    // every chapter is rendered; the errors of all are reported together
        for chapter in chapters {
            let url = root.appendingPathComponent("Chapters").appendingPathComponent(chapter)
            let text = try FileAccess.readText(url, what: "chapter", advice: "fix it, or restore it with git")
            let new: String
            do {
                new = try sync.render(text, chapter: "Chapters/\(chapter)")
                try checkImages(new, chapter: chapter, root: root)
            } catch let error as LiterateError {
                failures.append("\(error)")
                continue
            }
            if new != text {
                stale.append(chapter)
                rendered.append((url, new))
                if check { print(firstDifference(chapter: "Chapters/\(chapter)", old: text, new: new)) }
            }
        }
        for failure in failures { print(failure) }
        let unused = failures.isEmpty ? Set(regions.regions.keys).subtracting(sync.used).sorted() : []
        for region in unused { print("unused listing region \(region): show it in a chapter or remove its markers") }
        if check {
            if stale.isEmpty && unused.isEmpty && failures.isEmpty { print("Chapters are in sync with Sources/ and \(figures)/."); return true }
            if !stale.isEmpty { print("Stale chapters: \(stale.joined(separator: ", ")). Run `make reproduce` (or `book sync`).") }
            return false
        }
        for (url, text) in rendered {
            do { try Data(text.utf8).write(to: url, options: .atomic) } catch {
                throw UnrolledError("chapter \(url.path) cannot be written: \(FileAccess.reason(error, at: url.path)); fix it and run book sync again")
            }
        }
        print(stale.isEmpty ? "Chapters already in sync." : "Updated \(stale.joined(separator: ", ")).")
        return unused.isEmpty && failures.isEmpty
    }

    /// Every image a chapter shows must exist.
    static func checkImages(_ text: String, chapter: String, root: URL) throws {
        var rest = Substring(text)
        while let open = rest.range(of: "](../") {
            guard let close = rest[open.upperBound...].firstIndex(of: ")") else { break }
            let path = String(rest[open.upperBound..<close])
            if path.hasSuffix(".svg"), !FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path) {
                throw LiterateError("Chapters/\(chapter) shows \(path), which does not exist")
            }
            rest = rest[close...]
        }
    }

    static func firstDifference(chapter: String, old: String, new: String) -> String {
        let a = old.components(separatedBy: "\n"), b = new.components(separatedBy: "\n")
        for i in 0..<max(a.count, b.count) where (i < a.count ? a[i] : nil) != (i < b.count ? b[i] : nil) {
            return "\(chapter):\(i + 1) is stale\n  - \(i < a.count ? a[i] : "")\n  + \(i < b.count ? b[i] : "")"
        }
        return "\(chapter) is stale"
    }
}
