import ArgumentParser
import DLNN
import DLReport
import Foundation

/// `dlbench norms`: no normalization, BatchNorm, LayerNorm, InstanceNorm and GroupNorm at several
/// batch sizes, reported in the layout of the Group Normalization paper.
struct NormsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "norms",
        abstract: "Compare normalization layers after each convolution of a small VGG across batch sizes (test error, time, BatchNorm's train/eval gap).")

    @OptionGroup var common: CommonOptions

    @Option(help: "Normalizations: \(NormKind.allCases.map(\.rawValue).joined(separator: ", ")) (default: all).")
    var norms: String?

    @Option(name: .customLong("batch-sizes"), help: "Comma-separated batch sizes (default: 2,4,8,16,32,64; --quick: 4,16,64).")
    var batchSizes: String?

    @Option(name: .customLong("training-images"), parsing: .unconditional, help: "Training images, the same for every run (default: 4000; --quick: 1500).")
    var trainingImages: Int?

    @Option(name: .customLong("test-images"), parsing: .unconditional, help: "Test images (default: 5000; --quick: 1000).")
    var testImages: Int?

    @Option(name: .customLong("learning-rate"), parsing: .unconditional, help: "Momentum SGD learning rate at batch size 32, scaled linearly with the batch size.")
    var learningRate: Float = NormComparison.Settings().baseLearningRate

    func validate() throws {
        if common.batchSize != nil { throw ValidationError("--batch-size: norms trains several batch sizes; use --batch-sizes") }
        _ = try parsedBatchSizes()
        if let norms { _ = try parseList(norms, option: "--norms") as [NormKind] }
        for (name, value) in [("--training-images", trainingImages), ("--test-images", testImages)] {
            try checkRange(value, 1...10_000_000, option: name)
        }
        if !(learningRate > 0 && learningRate.isFinite) { throw ValidationError("--learning-rate must be a positive number, got \(learningRate)") }
    }

    /// The batch sizes of `--batch-sizes`, or nil for the default.
    func parsedBatchSizes() throws -> [Int]? {
        guard let batchSizes else { return nil }
        let sizes = try batchSizes.split(separator: ",").map { text in
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            guard let size = Int(trimmed), (1...CommonOptions.maximumBatchSize).contains(size) else {
                throw ValidationError("--batch-sizes: '\(trimmed)' is not an integer between 1 and \(CommonOptions.maximumBatchSize)")
            }
            return size
        }
        if sizes.isEmpty { throw ValidationError("--batch-sizes: no batch size given") }
        return sizes
    }

    /// The experiment's settings from the flags.
    func settings() throws -> NormComparison.Settings {
        var settings = NormComparison.Settings()
        if common.quick {
            settings.batchSizes = [4, 16, 64]
            settings.trainingImages = 1500
            settings.testImages = 1000
        }
        if let norms { settings.norms = try parseList(norms, option: "--norms") }
        if let sizes = try parsedBatchSizes() { settings.batchSizes = sizes }
        settings.trainingImages = trainingImages ?? settings.trainingImages
        settings.testImages = testImages ?? settings.testImages
        settings.epochs = common.epochs ?? settings.epochs
        settings.baseLearningRate = learningRate
        settings.seed = common.seed
        return settings
    }

    func run() throws {
        let directory = try common.outputDirectory(for: "norms")
        let data = try common.loadData()
        let comparison = try compareNormalizations(try settings(), on: data, progress: common.progressMode)
        let report = Self.report(for: comparison)
        printTable(Self.errorTable(comparison), format: common.format)
        if common.format == .table {
            print(comparison.findings.joined(separator: "\n"))
        }
        try report.write(to: directory)
        if common.format == .table { print("Report: \(directory.appendingPathComponent("report.md").path)") }
    }

    /// The batch sizes as columns, largest first as in the Group Normalization paper.
    private static func columns(_ comparison: NormComparison) -> [Int] {
        comparison.settings.batchSizes.sorted(by: >)
    }

    /// Rows: normalization; columns: batch size; cells: test error (evaluation mode). The best
    /// normalization of each batch size is marked.
    static func errorTable(_ comparison: NormComparison) -> Table {
        table(comparison, cell: { run in run.testError.map { .number($0, .percent(2)) } ?? .text("diverged") }, ranking: .lowerIsBetter)
    }

    /// Rows: normalization; columns: batch size; cells: seconds per epoch.
    static func timeTable(_ comparison: NormComparison) -> Table {
        table(comparison, cell: { .number($0.secondsPerEpoch, .fixed(1)) }, ranking: nil)
    }

    private static func table(_ comparison: NormComparison, cell: (NormComparison.Run) -> Cell, ranking: Table.Ranking?) -> Table {
        let sizes = columns(comparison)
        var table = Table(headers: ["normalization"] + sizes.map { "B = \($0)" })
        for norm in comparison.settings.norms {
            table.append([.text(norm.displayName)] + sizes.map { size in comparison.run(norm, batchSize: size).map(cell) ?? .missing })
        }
        if let ranking {
            for column in sizes.indices { table.markBest(inColumn: column + 1, ranking) }
        }
        return table
    }

    /// BatchNorm's test error with running statistics (evaluation mode) and with batch statistics (training mode).
    static func batchNormGapTable(_ comparison: NormComparison) -> Table {
        var table = Table(headers: ["batch size", "learning rate", "running statistics (eval)", "batch statistics (train)", "gap"])
        for size in columns(comparison) {
            guard let run = comparison.run(.batch, batchSize: size), let error = run.testError, let batchError = run.batchStatisticsError else { continue }
            table.append([
                .integer(size), Cell(run.learningRate, format: .significant(3)), .number(error, .percent(2)),
                .number(batchError, .percent(2)), .text(String(format: "%+.2f pts", (batchError - error) * 100)),
            ])
        }
        return table
    }

    /// Test error against batch size (log₂), one line per normalization.
    static func errorChart(_ comparison: NormComparison) -> LineChart {
        let sizes = comparison.settings.batchSizes.sorted()
        return LineChart(
            title: "Test error vs batch size", x: .init("batch size", scale: .log2), y: .init("test error (%)"),
            series: comparison.settings.norms.map { norm in
                let runs = sizes.compactMap { comparison.run(norm, batchSize: $0) }
                return .init(name: norm.displayName, x: runs.map { Double($0.batchSize) }, y: runs.map { ($0.testError ?? .nan) * 100 })
            },
            showsMarkers: true)
    }

    /// The report: summary and findings, settings, the error table, the plot, time per epoch and BatchNorm's gap.
    static func report(for comparison: NormComparison) -> Report {
        let settings = comparison.settings
        let findings = comparison.findings
        var report = Report(
            title: "Normalization layers vs batch size",
            summary: findings.first ?? "Test error of \(settings.norms.map(\.displayName).joined(separator: ", ")) at batch sizes \(settings.batchSizes.map(String.init).joined(separator: ", ")).")
        if findings.count > 1 {
            report.addHeading("Findings")
            report.addParagraph(findings.dropFirst().joined(separator: " "))
        }
        report.addSettings([
            ("data", .text(comparison.dataSummary)),
            ("model", .text("small VGG: per stage of \(settings.channels.map(String.init).joined(separator: ", ")) channels, two 3×3 convolutions (each followed by the normalization and ReLU) and 2×2 max pooling; Dense(→ \(settings.hiddenSize)), ReLU, Dense(→ classes)")),
            ("parameters", .text(settings.norms.compactMap { norm in comparison.parameterCounts[norm].map { "\(norm.displayName) \($0)" } }.joined(separator: ", "))),
            ("GroupNorm groups", .integer(NormKind.groupCount)),
            ("LayerNorm", .text("GroupNorm with one group: each sample normalized over (C, H, W), per-channel γ, β")),
            ("optimizer", .text("Momentum SGD (momentum 0.9), constant learning rate")),
            ("learning rate", .text("η = \(settings.baseLearningRate) · B / \(NormComparison.Settings.referenceBatchSize) (linear scaling rule, Goyal et al. 2017)")),
            ("epochs", .integer(settings.epochs)),
            ("batch sizes", .text(settings.batchSizes.map(String.init).joined(separator: ", "))),
            ("seed", .integer(Int(settings.seed))),
            ("evaluation", .text("evaluation mode (BatchNorm uses its running statistics), batches of 256")),
            ("input normalization", .text("per-channel standardization, statistics of the training split")),
        ])
        report.addTable(errorTable(comparison), title: "Test error (evaluation mode); the best of each batch size in bold")
        report.addPlot(errorChart(comparison), fileName: "error-vs-batch-size.svg", caption: "Test error against batch size (log scale), one line per normalization.")
        report.addTable(timeTable(comparison), title: "Seconds per training epoch")
        let gap = batchNormGapTable(comparison)
        if !gap.rows.isEmpty {
            report.addTable(gap, title: "BatchNorm: test error with running statistics (evaluation mode) vs with the statistics of test batches of the training batch size (training mode)")
        }
        report.addMachine(MachineInfo.current())
        return report
    }
}
