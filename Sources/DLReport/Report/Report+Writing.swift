import DLCore
import Foundation

/// A file of a report that could not be written.
public struct ReportWriteError: Error, CustomStringConvertible {
    /// The file or folder concerned.
    public var path: String
    /// What went wrong.
    public var reason: String

    /// "cannot write `path`: `reason`".
    public var description: String { "cannot write \(path): \(reason)" }
}

extension Report {
    /// Writes the run folder `directory`, creating it if needed: `report.md`, `results.json`,
    /// `results.csv` (the first table, if any) and one SVG file per plot or histogram grid. Each file is written
    /// atomically, so a reader or an interrupted run never leaves a half-written file.
    ///
    /// - Returns: The files written, `report.md` first.
    @discardableResult
    public func write(to directory: URL) throws -> [URL] {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw ReportWriteError(path: directory.path, reason: "\(error)")
        }
        var files = [("report.md", markdown()), ("results.json", json())]
        if let first = tables.first { files.append(("results.csv", first.table.csv())) }
        files += figureFiles.map { ($0.fileName, $0.svg()) }
        return try files.map { name, contents in
            let url = directory.appendingPathComponent(name)
            try AtomicFile.write(Data(contents.utf8), to: url)
            return url
        }
    }
}
