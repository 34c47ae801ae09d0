import Foundation

/// Writes the trainer's step and epoch records to `directory` as `steps.csv` and `epochs.csv`
/// (`TrainingHistory.stepsCSV()`, `epochsCSV()`), or as `steps.jsonl` and `epochs.jsonl` (one
/// JSON object per line, sorted keys, NaN and ±∞ as the strings "nan", "inf", "-inf").
///
/// Both files are rewritten whole, atomically (`AtomicFile`), at the end of every epoch: a kill
/// leaves the log of the last finished epoch, never a torn line. The records come from
/// `Trainer.history`, so a resumed run's log holds the epochs before the resume too.
public final class TrainingLog: TrainingCallback {
    /// The file format.
    public enum Format: Sendable {
        case csv, jsonLines
    }

    public let directory: URL
    public let format: Format

    public init(directory: URL, format: Format = .csv) {
        self.directory = directory
        self.format = format
    }

    /// The files written: steps, then epochs.
    public var files: (steps: URL, epochs: URL) {
        let suffix = format == .csv ? "csv" : "jsonl"
        return (directory.appendingPathComponent("steps.\(suffix)"), directory.appendingPathComponent("epochs.\(suffix)"))
    }

    public func endOfEpoch(_ context: TrainingContext, record: TrainingHistory.Epoch) throws {
        let history = context.trainer.history
        let (steps, epochs): (String, String)
        switch format {
        case .csv: (steps, epochs) = (history.stepsCSV(), history.epochsCSV())
        case .jsonLines: (steps, epochs) = (try Self.jsonLines(history.steps), try Self.jsonLines(history.epochs))
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try AtomicFile.write(Data(steps.utf8), to: files.steps)
        try AtomicFile.write(Data(epochs.utf8), to: files.epochs)
    }

    /// One JSON object per record, each on its own line.
    static func jsonLines(_ records: [some Encodable]) throws -> String {
        let encoder = Trainer.jsonEncoder
        return try records.map { String(decoding: try encoder.encode($0), as: UTF8.self) + "\n" }.joined()
    }
}
