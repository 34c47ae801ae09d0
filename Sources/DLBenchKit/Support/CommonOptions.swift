import ArgumentParser
import DLNN
import DLReport
import Foundation

/// The options every training subcommand shares.
struct CommonOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A folder of IDX files (MNIST layout) or CIFAR-10/100 binary files. Default: the bundled MNIST.", valueName: "path"))
    var data: String?

    @Option(help: "Seed of initialization, data order and augmentation.")
    var seed: UInt64 = 1

    @Option(help: "Passes over the training split (default depends on the subcommand).")
    var epochs: Int?

    @Option(name: .customLong("batch-size"), help: "Samples per step (default depends on the subcommand).")
    var batchSize: Int?

    @Option(help: ArgumentHelp("Folder for report.md, results.csv, results.json and the plots. Default: bench-results/<subcommand>/.", valueName: "dir"))
    var out: String?

    @Flag(help: "A small, fast run (a subset of the data and fewer epochs), for smoke tests.")
    var quick = false

    @Option(help: "How the result table is printed: table, csv, json or markdown.")
    var format: TableFormat = .table

    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1, got \(epochs)") }
        if let batchSize, batchSize < 1 { throw ValidationError("--batch-size must be at least 1, got \(batchSize)") }
        if let data {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: data, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("--data \(data): no such folder")
            }
        }
    }

    /// The output folder for `subcommand`.
    func outputDirectory(for subcommand: String) -> URL {
        URL(fileURLWithPath: out ?? "bench-results/\(subcommand)", isDirectory: true)
    }

    /// Progress display mode.
    var progressMode: ProgressReporter.Mode { quiet ? .quiet : .automatic }

    /// Loads the data set named by `--data` (or the bundled MNIST) and splits off a validation set.
    func loadData() throws -> DataSplits {
        try DataSplits.load(directory: data.map { URL(fileURLWithPath: $0, isDirectory: true) }, quick: quick, seed: seed)
    }
}

extension TableFormat: ExpressibleByArgument {}

/// Prints `table` in the chosen format to standard output.
func printTable(_ table: Table, format: TableFormat) {
    print(table.rendered(as: format), terminator: format == .table ? "\n" : "")
}
