import ArgumentParser
import DLNN
import DLReport
import Foundation

/// `dlbench norms`: what normalization does to a plain deep CNN — BatchNorm's larger learning
/// rates, BatchNorm against GroupNorm (and LayerNorm, InstanceNorm, none) as the batch shrinks,
/// and GroupNorm's group count — each a claim — setting — measured — verdict section with seeds.
struct NormsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "norms",
        abstract: "Normalization on a plain 8-convolution VGG (Fashion-MNIST by default): BatchNorm's learning rates, error vs batch size per normalization, GroupNorm's groups.")

    @OptionGroup var common: CommonOptions

    @OptionGroup var parallel: ParallelOptions

    @Option(help: "Comma-separated parts: \(NormComparison.Part.allCases.map(\.rawValue).joined(separator: ", ")) (default: all).")
    var parts: String?

    @Option(help: "Normalizations of the batch-size part: \(NormKind.allCases.map(\.rawValue).joined(separator: ", ")) (default: all).")
    var norms: String?

    @Option(name: .customLong("batch-sizes"), help: "Comma-separated batch sizes of the batch-size part (default: 2,4,8,32; --quick: 4,32).")
    var batchSizes: String?

    @Option(name: .customLong("training-images"), parsing: .unconditional, help: "Training images, the same for every run (default: 5000; --quick: 200).")
    var trainingImages: Int?

    @Option(name: .customLong("test-images"), parsing: .unconditional, help: "Test images (default: 2000; --quick: 200).")
    var testImages: Int?

    @Option(parsing: .unconditional, help: "Seeds per configuration, from --seed up (default 2; 1 with --quick, 3 with --full).")
    var seeds: Int?

    @Flag(help: "Larger budgets for the claims: 20,000 images × 5 epochs, channels 16, 16, 32, 32, batch sizes 2…64, 3 seeds (hours on 2 cores).")
    var full = false

    /// The data set when `--data` is not given: MNIST is too easy for the differences to show.
    static let defaultData = "fashion-mnist"

    func validate() throws {
        if full && common.quick { throw ValidationError("--full and --quick exclude each other") }
        if common.batchSize != nil { throw ValidationError("--batch-size: norms trains several batch sizes; use --batch-sizes") }
        _ = try parsedBatchSizes()
        if let norms { _ = try parseList(norms, option: "--norms") as [NormKind] }
        if let parts { _ = try parseList(parts, option: "--parts") as [NormComparison.Part] }
        for (name, value) in [("--training-images", trainingImages), ("--test-images", testImages)] {
            try checkRange(value, 1...10_000_000, option: name)
        }
        try checkRange(seeds, 1...20, option: "--seeds")
        if common.data == nil, let folder = CommonOptions.namedDataSets[Self.defaultData], !FileManager.default.fileExists(atPath: folder) {
            throw ValidationError("norms runs on Fashion-MNIST by default, which is not installed at \(folder) (make deps installs dataset-fashion-mnist); or pass --data")
        }
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
            settings.batchSizes = [4, 32]
            (settings.trainingImages, settings.validationImages, settings.testImages, settings.epochs) = (200, 100, 200, 1)
            (settings.sweepRates, settings.baseRates, settings.groupCounts) = ([0.01, 0.3], [0.03], [1])
        } else if full {
            (settings.batchSizes, settings.channels, settings.groupCounts) = ([2, 4, 8, 16, 32, 64], [16, 16, 32, 32], [1, 2, 4, 8])
            (settings.trainingImages, settings.validationImages, settings.testImages, settings.epochs) = (20_000, 2000, 10_000, 5)
        }
        if let parts { settings.parts = NormComparison.Part.allCases.filter((try parseList(parts, option: "--parts") as [NormComparison.Part]).contains) }
        if let norms { settings.norms = try parseList(norms, option: "--norms") }
        if let sizes = try parsedBatchSizes() { settings.batchSizes = sizes }
        settings.trainingImages = trainingImages ?? settings.trainingImages
        settings.testImages = testImages ?? settings.testImages
        settings.epochs = common.epochs ?? settings.epochs
        settings.seeds = (0..<(seeds ?? (common.quick ? 1 : full ? 3 : 2))).map { common.seed &+ UInt64($0) }
        return settings
    }

    func run() throws {
        let directory = try common.outputDirectory(for: "norms")
        var options = common
        if options.data == nil { options.data = Self.defaultData }
        let data = try options.loadData()
        let settings = try settings()
        let comparison = try withSingleThreadedBLAS {
            try NormComparison(settings: settings, data: data, progress: common.progressMode, width: parallel.width)
        }
        let report = Self.report(for: comparison, quick: common.quick, full: full)
        if comparison.settings.parts.contains(.batchSize) { printTable(Self.errorTable(comparison), format: common.format) }
        if common.format == .table {
            for claim in comparison.claims { print(claim.summary) }
        }
        try report.write(to: directory)
        if common.format == .table { print("Report: \(directory.appendingPathComponent("report.md").path)") }
    }

    // MARK: Tables and plots

    /// Batch-size part. Rows: normalization; columns: batch size, largest first as in the paper;
    /// cells: mean ± std test error (evaluation mode). The best of each batch size is marked.
    static func errorTable(_ comparison: NormComparison) -> Table {
        let sizes = comparison.settings.batchSizes.sorted(by: >)
        var table = Table(headers: ["normalization", "η₃₂"] + sizes.map { "B = \($0)" })
        for kind in comparison.settings.norms {
            let rate = comparison.baseRates[kind].map { Cell($0.chosen, format: .significant(2)) } ?? .missing
            table.append([.text(kind.displayName), rate] + sizes.map { size in
                .text(NormComparison.errorText(comparison.runs(.batchSize, .init(kind), batchSize: size)))
            })
        }
        return table
    }

    /// BatchNorm's test error with running statistics (evaluation mode) and with batch statistics (training mode), per batch size.
    static func batchNormGapTable(_ comparison: NormComparison) -> Table {
        var table = Table(headers: ["batch size", "learning rate", "running statistics (eval)", "batch statistics (train)", "gap (points)"])
        for size in comparison.settings.batchSizes.sorted(by: >) {
            let runs = comparison.runs(.batchSize, .init(.batch), batchSize: size).filter { !$0.diverged }
            guard let first = runs.first else { continue }
            let batchErrors = Summary(runs.compactMap(\.batchStatisticsError))
            let gaps = NormComparison.statisticsGap(runs)
            table.append([.integer(size), Cell(first.learningRate, format: .significant(3)), .text(NormComparison.error(runs).percentText()),
                          .text(batchErrors.percentText()), .text(gaps.text(decimals: 2))])
        }
        return table
    }

    /// Test error against batch size (log₂), one line per normalization with a ±1 std band.
    static func errorChart(_ comparison: NormComparison) -> LineChart {
        let sizes = comparison.settings.batchSizes.sorted()
        return LineChart(
            title: "Test error vs batch size (mean ± std over seeds)", x: .init("batch size", scale: .log2), y: .init("test error (%)"),
            series: comparison.settings.norms.map { kind in
                let errors = sizes.map { NormComparison.error(comparison.runs(.batchSize, .init(kind), batchSize: $0)) }
                return .init(
                    name: kind.displayName, x: sizes.map(Double.init), y: errors.map { $0.mean * 100 },
                    band: comparison.settings.seeds.count > 1
                        ? .init(lower: errors.map { ($0.mean - $0.standardDeviation) * 100 }, upper: errors.map { ($0.mean + $0.standardDeviation) * 100 }) : nil)
            },
            showsMarkers: true)
    }

    /// Learning-rate part: final validation accuracy against the rate, without and with BatchNorm.
    static func sweepChart(_ comparison: NormComparison) -> LineChart {
        let rates = comparison.settings.sweepRates
        return LineChart(
            title: "Final validation accuracy vs learning rate (batch 32; diverged runs are gaps)", x: .init("learning rate", scale: .log10), y: .init("validation accuracy (%)"),
            series: [NormComparison.Variant(.none), .init(.batch)].map { variant in
                .init(name: variant.name, x: rates.map(Double.init),
                      y: rates.map { NormComparison.finalValidation(comparison.runs(.learningRate, variant, learningRate: $0)).mean * 100 })
            },
            showsMarkers: true)
    }

    /// Learning-rate part: validation accuracy against steps at each variant's highest training rate.
    static func sweepCurveChart(_ comparison: NormComparison) -> LineChart {
        let series = [NormComparison.Variant(.none), .init(.batch)].flatMap { variant -> [LineChart.Series] in
            comparison.settings.sweepRates.compactMap { rate in
                let runs = comparison.runs(.learningRate, variant, learningRate: rate).filter { !$0.diverged }
                guard runs.count == comparison.settings.seeds.count, let steps = runs.first?.curve.map(\.step), !steps.isEmpty,
                      comparison.trains(variant, rate: rate) else { return nil }
                return meanSeries("\(variant.name), η = \(rate)", runs.map { $0.curve.map { $0.accuracy * 100 } }) { Double(steps[$0]) }
            }
        }
        return LineChart(title: "Validation accuracy against steps, every rate that trains", x: .init("optimizer step"), y: .init("validation accuracy (%)"),
                         series: series, showsMarkers: true)
    }

    /// Groups part: mean ± std test error per G.
    static func groupsTable(_ comparison: NormComparison) -> Table {
        var table = Table(headers: ["groups", "test error", "n"])
        for groups in comparison.settings.groupCounts + [.max] {
            let runs = comparison.runs(.groups, .init(groups: groups))
            table.append([.text(NormComparison.Variant(groups: groups).name), .text(NormComparison.errorText(runs)), .integer(NormComparison.error(runs).count)])
        }
        return table
    }

    /// The report: one claim section per part, then its tables and plots.
    static func report(for comparison: NormComparison, quick: Bool = false, full: Bool = false) -> Report {
        let settings = comparison.settings
        let claims = comparison.claims
        var report = Report(
            title: "Normalization: learning rates, batch size and groups",
            summary: claims.map(\.summary).joined(separator: "; "))
        report.addSettings([
            ("budget", .text(quick ? "--quick (smoke test: the verdicts mean nothing)" : "\(settings.epochs) epoch(s) of \(settings.trainingImages) images per run\(full ? " (--full)" : "")")),
            ("data", .text(comparison.dataSummary)),
            ("model", .text("VGG: four stages of \(settings.channels.map(String.init).joined(separator: ", ")) channels, each two 3×3 convolutions (each followed by the normalization and ReLU) and 2×2 max pooling; Dense(→ \(settings.hiddenSize)), ReLU, Dense(→ classes); no residual connections")),
            ("parameters", .text(comparison.parameterCounts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))),
            ("GroupNorm", .text("\(NormKind.groupCount) groups in the batch-size part; LayerNorm is GroupNorm with one group (each sample over C, H, W; per-channel γ, β)")),
            ("optimizer", .text("Momentum SGD (momentum 0.9), constant learning rate")),
            ("epochs", .integer(settings.epochs)),
            ("seeds", .text(seedText(settings.seeds))),
            ("evaluation", .text("test error in evaluation mode (BatchNorm with its running statistics), batches of 256")),
            ("input normalization", .text("per-channel standardization, statistics of the training split")),
            ("total wall time", .text(String(format: "%.1f min", comparison.seconds / 60))),
            ("runs at once", .text("\(comparison.width) (`--jobs`), each with one OpenBLAS thread")),
        ])
        for claim in claims { claim.add(to: &report) }
        if settings.parts.contains(.learningRate) {
            report.addPlot(sweepChart(comparison), fileName: "accuracy-vs-learning-rate.svg", caption: "Final validation accuracy (mean over seeds) against the learning rate at batch 32, without and with BatchNorm.")
            report.addPlot(sweepCurveChart(comparison), fileName: "accuracy-vs-steps.svg", caption: "Validation accuracy against optimizer steps (mean ± std over seeds) at every rate that trains.")
        }
        if settings.parts.contains(.batchSize) {
            report.addTable(errorTable(comparison), title: "Test error (mean ± std over seeds, evaluation mode) by normalization and batch size; η = η₃₂·B/32")
            report.addPlot(errorChart(comparison), fileName: "error-vs-batch-size.svg", caption: "Test error against batch size (log scale), one line per normalization.")
            let gap = batchNormGapTable(comparison)
            if !gap.rows.isEmpty {
                report.addTable(gap, title: "BatchNorm: test error with running statistics (evaluation mode) vs with the statistics of test batches of the training batch size (training mode)")
            }
        }
        if settings.parts.contains(.groups) {
            report.addTable(groupsTable(comparison), title: "GroupNorm at batch \(NormComparison.Settings.referenceBatchSize): test error by group count")
        }
        report.addMachine(MachineInfo.current())
        return report
    }
}
