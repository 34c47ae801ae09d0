import ArgumentParser
import DLNN
import DLReport
import Foundation

/// The options every training subcommand shares.
struct CommonOptions: ParsableArguments {
    @Option(help: ArgumentHelp("fashion-mnist (the Debian package's files), or a folder of IDX files (MNIST layout) or CIFAR-10/100 binary files. Default: the bundled MNIST.", valueName: "path"))
    var data: String?

    /// The data sets `--data` knows by name, and their folders.
    static let namedDataSets = ["fashion-mnist": "/usr/share/datasets/fashion-mnist"]

    /// The folder of `--data`: a named data set's or the path given; nil: the bundled MNIST.
    var dataDirectory: URL? {
        data.map { URL(fileURLWithPath: Self.namedDataSets[$0.lowercased()] ?? $0, isDirectory: true) }
    }

    @Option(parsing: .unconditional, help: "Seed of initialization, data order and augmentation.")
    var seed: UInt64 = 1

    @Option(parsing: .unconditional, help: "Passes over the training split (default depends on the subcommand).")
    var epochs: Int?

    @Option(name: .customLong("batch-size"), parsing: .unconditional, help: "Samples per step (default depends on the subcommand).")
    var batchSize: Int?

    @Option(help: ArgumentHelp("Folder for report.md, results.csv, results.json and the plots. Default: bench-results/<subcommand>/.", valueName: "dir"))
    var out: String?

    @Flag(help: "A small, fast run (a subset of the data and fewer epochs), for smoke tests.")
    var quick = false

    @Option(help: "How the result table is printed: table, csv, json or markdown.")
    var format: TableFormat = .table

    @Flag(help: "No progress output.")
    var quiet = false

    /// Bounds that keep step and sample counts far from overflow (a full MNIST epoch at batch size 1
    /// is 55,000 steps).
    static let maximumEpochs = 100_000, maximumBatchSize = 1 << 20

    func validate() throws {
        try checkRange(epochs, 1...Self.maximumEpochs, option: "--epochs")
        try checkRange(batchSize, 1...Self.maximumBatchSize, option: "--batch-size")
        try checkFolderName(out, option: "--out")
        if let data, let directory = dataDirectory {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                let hint = Self.namedDataSets[data.lowercased()] != nil ? " (install the Debian package dataset-\(data.lowercased()): make deps)" : ""
                throw ValidationError("--data \(data): no such folder \(directory.path)\(hint)")
            }
        }
    }

    /// The output folder for `subcommand`, created and checked to be writable, so that a bad
    /// `--out` fails before any training, in words. Throws a `ValidationError`.
    func outputDirectory(for subcommand: String) throws -> URL {
        let directory = URL(fileURLWithPath: out ?? "bench-results/\(subcommand)", isDirectory: true)
        try prepareWritableDirectory(directory, option: "--out")
        return directory
    }

    /// Progress display mode.
    var progressMode: ProgressReporter.Mode { quiet ? .quiet : .automatic }

    /// Loads the data set named by `--data` (or the bundled MNIST) and splits off a validation set.
    func loadData() throws -> DataSplits {
        try DataSplits.load(directory: dataDirectory, quick: quick, seed: seed)
    }
}

extension TableFormat: ExpressibleByArgument {}

/// Prints `table` in the chosen format to standard output.
func printTable(_ table: Table, format: TableFormat) {
    print(table.rendered(as: format), terminator: format == .table ? "\n" : "")
}

/// Throws a `ValidationError` unless `value` (when given) lies in `range`.
func checkRange(_ value: Int?, _ range: ClosedRange<Int>, option: String) throws {
    guard let value, !range.contains(value) else { return }
    throw ValidationError("\(option) must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
}

/// Throws a `ValidationError` when `path` is given but blank: `URL(fileURLWithPath: "")` would be the
/// current folder.
func checkFolderName(_ path: String?, option: String) throws {
    if let path, path.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("\(option) must name a folder, got an empty string") }
}

/// Creates `directory` if needed and checks that files can be created in it; throws a
/// `ValidationError` naming `option` and the reason in words otherwise.
func prepareWritableDirectory(_ directory: URL, option: String) throws {
    let path = directory.standardizedFileURL.path
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
        guard isDirectory.boolValue else { throw ValidationError("\(option) \(path): is a file, not a folder") }
    } else {
        // mkdir(2) one level at a time, so that the message says which folder failed and why.
        var partial = ""
        for component in path.split(separator: "/") {
            partial += "/" + component
            if FileManager.default.fileExists(atPath: partial, isDirectory: &isDirectory) {
                guard isDirectory.boolValue else { throw ValidationError("\(option) \(path): \(partial) is a file, not a folder") }
                continue
            }
            guard mkdir(partial, 0o755) == 0 || errno == EEXIST else {
                throw ValidationError("\(option) \(path): cannot create \(partial) (\(String(cString: strerror(errno))))")
            }
        }
    }
    let probe = directory.appendingPathComponent(".dlbench-write-test-\(getpid())")
    let descriptor = open(probe.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
        throw ValidationError("\(option) \(path): cannot write into the folder (\(String(cString: strerror(errno))))")
    }
    close(descriptor)
    unlink(probe.path)
}
