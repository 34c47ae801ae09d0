import DLCore
import Foundation

/// The top-level `REPORT.md` of several runs: for each run folder, a link to its `report.md`
/// and its summary, so that a reader sees every outcome on one page.
///
///     let index = ReportIndex(title: "dlbench results", entries: [
///         .init(report: optimizersReport, folder: outputFolder.appendingPathComponent("optimizers")),
///         .init(report: normalizationReport, folder: outputFolder.appendingPathComponent("normalization")),
///     ])
///     try index.write(to: outputFolder)
public struct ReportIndex: Sendable {
    /// One run: its title, its folder and its outcome.
    public struct Entry: Sendable {
        /// The run's title, the text of the link.
        public var title: String
        /// The run folder, which holds `report.md`.
        public var folder: URL
        /// The outcome in a sentence or two.
        public var summary: String?

        /// An entry for the run in `folder`.
        public init(title: String, folder: URL, summary: String? = nil) {
            self.title = title
            self.folder = folder
            self.summary = summary
        }

        /// An entry for `report`, written to `folder`, with the report's title and summary.
        public init(report: Report, folder: URL) {
            self.init(title: report.title, folder: folder, summary: report.summary)
        }
    }

    /// The title, the page's level-1 heading.
    public var title: String
    /// Markdown shown under the title, e.g. how the runs were made.
    public var introduction: String?
    /// The runs, in order.
    public var entries: [Entry]

    /// An index of `entries`.
    public init(title: String, introduction: String? = nil, entries: [Entry]) {
        self.title = title
        self.introduction = introduction
        self.entries = entries
    }

    /// The index as Markdown, with links relative to `directory`, the folder the file goes in:
    /// a level-2 heading linking each run's `report.md`, followed by its summary.
    public func markdown(relativeTo directory: URL) -> String {
        var sections = ["# \(title)\n"]
        if let introduction { sections.append(introduction + "\n") }
        for entry in entries {
            let link = relativePath(from: directory, to: entry.folder.appendingPathComponent("report.md"))
            sections.append("## [\(entry.title)](\(percentEncodedPath(link)))\n" + (entry.summary.map { "\n\($0)\n" } ?? ""))
        }
        return sections.joined(separator: "\n")
    }

    /// Writes the index into `directory` (created if needed) as `fileName`, atomically.
    ///
    /// - Returns: The file written.
    @discardableResult
    public func write(to directory: URL, fileName: String = "REPORT.md") throws -> URL {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw ReportWriteError(path: directory.path, reason: "\(error)")
        }
        let url = directory.appendingPathComponent(fileName)
        try AtomicFile.write(Data(markdown(relativeTo: directory).utf8), to: url)
        return url
    }
}

/// The path of `file` relative to the folder `directory`, going up with `..` where needed:
/// from `/out` to `/out/optimizers/report.md` is `optimizers/report.md`, from `/out/index`
/// it is `../optimizers/report.md`. Relative URLs are resolved against the current directory.
func relativePath(from directory: URL, to file: URL) -> String {
    let from = directory.standardizedFileURL.pathComponents
    let to = file.standardizedFileURL.pathComponents
    var common = 0
    while common < from.count, common < to.count, from[common] == to[common] {
        common += 1
    }
    let up = Array(repeating: "..", count: from.count - common)
    return (up + to[common...]).joined(separator: "/")
}
