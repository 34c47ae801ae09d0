import ArgumentParser
import DLNN
import DLReport
import Foundation

extension CompressionMethod: ExpressibleByArgument {}

/// `dlbench compress`: compression families measured against their papers on LeNet-300-100 and
/// Caffe's LeNet-5 — parameters, bytes on disk, FLOPs, latency and accuracy before and after
/// fine-tuning over seeds, with a claim — measured — verdict line per paper.
struct CompressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compress",
        abstract: "Compress LeNet-300-100 and Caffe's LeNet-5 (low-rank SVD, magnitude pruning, the Deep Compression pipeline), quantize to int8, binarize weights and distill, and check each paper's claim.",
        discussion: """
            lowrank, prune and pipeline share trained baselines and write one report to --out; quantize, binary and distill \
            train their own networks and write theirs to --out/<method>.
            """)

    @OptionGroup var common: CommonOptions
    @OptionGroup var parallel: ParallelOptions

    @Option(help: "Methods: \((CompressionMethod.allCases.map(\.rawValue) + TrainedCompressionMethod.allCases.map(\.rawValue)).joined(separator: ", ")), or all (comma-separated).")
    var method = "all"

    @Option(help: "Baselines: \(CompressionModel.allCases.map(\.rawValue).joined(separator: ", ")) (comma-separated).")
    var models = CompressionModel.allCases.map(\.rawValue).joined(separator: ",")

    @Option(parsing: .unconditional, help: "Seeds per measurement, from --seed up (default: lowrank, prune and pipeline 1, quantize, binary and distill 2; 1 with --quick; 3 and 2 with --full).")
    var seeds: Int?

    @Option(help: "Low-rank target ratios, each above 1 (comma-separated).")
    var ratios: String?

    @Option(name: .customLong("conv-scheme"), help: "Convolution factorization: channels (kh×kw then 1×1) or spatial (kh×1 then 1×kw).")
    var convolutionScheme: String = "channels"

    @Option(name: .customLong("prune-rounds"), parsing: .unconditional, help: "Prune–retrain rounds (default 3; 1 with --quick, 5 with --full).")
    var pruneRounds: Int?

    @Option(name: .customLong("fine-tune-epochs"), parsing: .unconditional, help: "Fine-tuning epochs after each compression (and per pruning round).")
    var fineTuneEpochs: Int?

    @Flag(help: "The papers' settings: the whole training split, 3 seeds, longer training (tens of minutes); distill: teacher 784-1200-1200-10, student 784-800-800-10.")
    var full = false

    func validate() throws {
        _ = try settings()
        _ = try methodOptions()
    }

    /// The run the flags describe; throws `ValidationError` for bad values.
    func settings() throws -> CompressionSettings {
        guard !(full && common.quick) else { throw ValidationError("--quick and --full exclude each other") }
        var settings = common.quick ? CompressionSettings.quick : full ? CompressionSettings.full : CompressionSettings()
        (settings.methods, _) = try parseMethods(method)
        settings.models = try parseList(models, option: "--models")
        guard !settings.models.isEmpty else { throw ValidationError("--models must name at least one") }
        guard let scheme = ConvolutionFactorization(rawValue: convolutionScheme) else {
            throw ValidationError("--conv-scheme: unknown name '\(convolutionScheme)' (known: channels, spatial)")
        }
        settings.convolutionScheme = scheme
        if let ratios {
            settings.lowRankLevels = try ratios.split(separator: ",", omittingEmptySubsequences: false).map { item in
                let trimmed = item.trimmingCharacters(in: .whitespaces)
                guard let value = Double(trimmed), value.isFinite, value > 1 else { throw ValidationError("--ratios: '\(trimmed)' is not a number above 1") }
                return value
            }
        }
        try checkRange(seeds, 1...20, option: "--seeds")
        try checkRange(pruneRounds, 1...20, option: "--prune-rounds")
        try checkRange(fineTuneEpochs, 0...CommonOptions.maximumEpochs, option: "--fine-tune-epochs")
        if let seeds { settings.seeds = (0..<seeds).map { common.seed &+ UInt64($0) } } else { settings.seeds = settings.seeds.map { common.seed &+ $0 &- 1 } }
        if let pruneRounds { settings.pruneRounds = pruneRounds }
        if let fineTuneEpochs { settings.fineTuneEpochs = fineTuneEpochs }
        if let epochs = common.epochs { settings.epochs = settings.epochs.mapValues { _ in epochs } }
        if let batchSize = common.batchSize { settings.batchSize = batchSize }
        return settings
    }

    /// `lowrank,quantize`, or every method for `all`: the methods on the shared baselines and those that train their own networks.
    private func parseMethods(_ text: String) throws -> ([CompressionMethod], [TrainedCompressionMethod]) {
        if text.trimmingCharacters(in: .whitespaces).lowercased() == "all" { return (CompressionMethod.allCases, TrainedCompressionMethod.allCases) }
        var (shared, trained): ([CompressionMethod], [TrainedCompressionMethod]) = ([], [])
        for name in text.split(separator: ",", omittingEmptySubsequences: false).map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) {
            if let method = CompressionMethod(rawValue: name) { shared.append(method) } else if let method = TrainedCompressionMethod(rawValue: name) { trained.append(method) } else {
                let known = CompressionMethod.allCases.map(\.rawValue) + TrainedCompressionMethod.allCases.map(\.rawValue) + ["all"]
                throw ValidationError("--method: unknown name '\(name)' (known: \(known.joined(separator: ", ")))")
            }
        }
        return (shared, trained)
    }

    func run() throws {
        let settings = try settings()
        let trainedMethods = try parseMethods(method).1
        let directory = try common.outputDirectory(for: "compress")
        let data = try common.loadData()
        guard data.training.imageShape == [1, 28, 28], data.training.classCount <= 10 else {
            throw RunError("compress studies MNIST-shaped models (1×28×28 images, at most 10 classes); \(data.summary)")
        }
        let width = parallel.width
        let log: (String) -> Void = { line in if common.format == .table, !common.quiet { FileHandle.standardError.write(Data((line + "\n").utf8)) } }
        let workbench = settings.methods.isEmpty ? nil : try CompressionWorkbench(
            settings: settings, data: data, directory: directory, progress: common.progressMode, width: width, log: log)
        try withSingleThreadedBLAS {
            // First the baselines and the methods that train their own networks, up to `width` at once; then the methods on the
            // baselines one after the other, each training its fine-tuning rates at once.
            let start = DispatchTime.now()
            // Longest first, so that the runs at once finish together (at the defaults: distill 4–5 min, quantize 2, binary 1.7,
            // the LeNet-5 baseline 1.4, LeNet-300-100's 0.3, each with one thread; LeNet-5 is the last model, so the baselines go reversed).
            let longestFirst: [TrainedCompressionMethod] = [.distill, .quantize, .binary]
            let baselines = workbench.map { workbench in settings.models.reversed().flatMap { kind in settings.seeds.map { (kind, $0) } }.map { kind, seed in
                CompressionJob.baseline(workbench, kind, seed)
            } } ?? []
            let jobs = longestFirst.filter(trainedMethods.contains).map { CompressionJob.trained($0, directory.appendingPathComponent($0.rawValue, isDirectory: true)) }
                + baselines
            let reports = try parallelMap(jobs, width: width) { job -> (TrainedCompressionMethod, URL, CompressionMethodReport, Double)? in
                let start = DispatchTime.now()
                switch job {
                case let .baseline(workbench, kind, seed):
                    _ = try workbench.baseline(kind, seed: seed)
                    return nil
                case let .trained(method, folder):
                    let report = try run(method, on: data, in: folder, width: width)
                    let seconds = secondsSince(start)
                    log("compress: \(method.rawValue) done in \(Int(seconds)) s")
                    return (method, folder, report, seconds)
                }
            }
            for case let (method, folder, report, seconds)? in reports { try write(report, of: method, data: data, seconds: seconds, to: folder, width: width) }
            let firstStage = (["baselines"] + trainedMethods.map(\.rawValue)).joined(separator: " + ")
            if let workbench { try run(settings.methods, on: workbench, firstStage: firstStage, baselineSeconds: secondsSince(start), width: width) }
        }
    }

    /// The methods on the shared baselines, one after the other, into one report in the workbench's folder.
    /// `firstStage` names what ran with the baselines, for the wall times.
    private func run(_ methods: [CompressionMethod], on workbench: CompressionWorkbench, firstStage: String, baselineSeconds: Double, width: Int) throws {
        let (settings, data, directory) = (workbench.settings, workbench.data, workbench.directory)
        var wallTimes = [(firstStage, baselineSeconds)]
        let sections = try methods.map { method in
            let start = DispatchTime.now()
            defer { wallTimes.append((method.rawValue, secondsSince(start))) }
            return try method.experiment.run(workbench)
        }
        let wallTimeText = wallTimes.map { "\($0) \(String(format: "%.0f", $1)) s" }.joined(separator: ", ")
        let verdicts = sections.flatMap(\.verdicts).map(\.line)
        for section in sections where common.format == .table {
            print("\n\(section.title)")
            printTable(compressionTable(section.rows), format: common.format)
        }
        if common.format != .table { printTable(compressionTable(sections.flatMap(\.rows)), format: common.format) }
        if common.format == .table {
            verdicts.forEach { print($0) }
            print("Wall time: \(wallTimeText)")
        }

        var report = Report(title: "dlbench compress", summary: verdicts.joined(separator: " "))
        report.addSettings([
            ("data", .text("\(data.summary); baselines trained on \(subsetText(workbench.training.count, of: data.training.count)) training images, tested on \(subsetText(workbench.test.count, of: data.test.count)) test images")),
            ("baselines", .text(settings.models.map { "\($0.rawValue): \(settings.epochs[$0] ?? 0) epochs" }.joined(separator: ", ") + ", momentum SGD (0.9), η = \(settings.learningRate), batch \(settings.batchSize)")),
            ("fine-tuning", .text("\(settings.fineTuneEpochs) epoch(s) on \(subsetText(workbench.fineTuneSet.count, of: data.training.count)) training images; rate chosen on \(workbench.validation.count) validation images among \(settings.fineTuneRates.map { "\($0)" }.joined(separator: ", "))")),
            ("seeds", .text(settings.seeds.map(String.init).joined(separator: ", "))),
            ("latency", .text("median of \(settings.latencyRepeats) forward passes in evaluation mode with one OpenBLAS thread, after one warm-up pass (first seed)")),
            ("runs at once", .text("\(width) (`--jobs`), each with one OpenBLAS thread")),
            ("wall time", .text("\(wallTimeText) (the baselines are trained once, before the methods that share them)")),
        ])
        for section in sections {
            report.addHeading(section.title)
            report.addParagraph(section.description)
            report.addTable(compressionTable(section.rows), title: "\(section.title): mean ± standard deviation over \(settings.seeds.count) seed(s)")
            for (title, table) in section.tables { report.addTable(table, title: title) }
            report.addParagraph(section.verdicts.map { "- **Claim:** \($0.claim) (\($0.source))\n  - **Measured:** \($0.measured)\n  - **Verdict:** \($0.verdict.rawValue)" }.joined(separator: "\n"))
        }
        report.addPlot(accuracyChart(sections), fileName: "accuracy-vs-compression.svg",
                       caption: "Mean test accuracy after fine-tuning (right after compression where there is none) against the compression ratio (parameters; bytes for the pipeline).")
        report.addParagraph("The trained baselines are in `baseline-<model>-seed<k>.safetensors`; every compressed model starts from a fresh copy loaded from them. Sparse checkpoints (`pruned-*`, `pipeline-*`) load into the dense models with `loadSparseWeights(from:)`.")
        report.addMachine(MachineInfo.current())
        try report.write(to: directory)
        if common.format == .table { print("Report: \(directory.appendingPathComponent("report.md").path)") }
    }
}

/// The compression methods that train their own networks rather than compress the shared baselines.
enum TrainedCompressionMethod: String, CaseIterable {
    case quantize, binary, distill
}

/// `--method quantize|binary|distill`.
extension CompressCommand {
    /// The options of the methods that train their own networks; throws `ValidationError` for bad values.
    func methodOptions() throws -> CompressionMethodOptions {
        _ = try parseMethods(method)
        try checkRange(seeds, 1...100, option: "--seeds")
        var options = CompressionMethodOptions()
        options.quick = common.quick
        options.full = full
        options.seeds = (0..<(seeds ?? (common.quick ? 1 : 2))).map { common.seed &+ UInt64($0) }
        options.epochs = common.epochs ?? (common.quick ? 1 : full ? 20 : 3)
        options.teacherEpochs = common.epochs ?? (common.quick ? 1 : full ? 20 : 10)
        options.batchSize = common.batchSize ?? 64
        options.progress = common.progressMode
        if common.quick {
            options.latencyRepeats = 5
            options.calibrationBatches = 10
        }
        return options
    }

    /// Runs `method` on `data`, its files into `directory`; training progress only when it runs alone (`width` 1).
    func run(_ method: TrainedCompressionMethod, on data: DataSplits, in directory: URL, width: Int) throws -> CompressionMethodReport {
        var options = try methodOptions()
        if width > 1 { options.progress = .quiet }
        try prepareWritableDirectory(directory, option: "--out")
        return switch method {
        case .quantize: try runQuantizationExperiment(on: data, options: options, directory: directory)
        case .binary: try runBinaryWeightsExperiment(on: data, options: options, directory: directory)
        case .distill: try runDistillationExperiment(on: data, options: options, directory: directory)
        }
    }

    /// Prints `result` and writes its report into `directory`.
    func write(_ result: CompressionMethodReport, of method: TrainedCompressionMethod, data: DataSplits, seconds: Double, to directory: URL, width: Int) throws {
        let wallTime = String(format: "%.0f s", seconds) + (width > 1 ? " (up to \(width) runs at once, each with one OpenBLAS thread)" : "")
        for (_, table) in result.tables { printTable(table, format: common.format) }
        if common.format == .table {
            result.verdicts.forEach { print($0) }
            print("Wall time: \(wallTime)")
        }
        var report = Report(title: "dlbench compress --method \(method.rawValue): \(result.title)", summary: result.verdicts.joined(separator: " "))
        report.addSettings([("data", .text(data.summary))] + result.settings + [("wall time", .text(wallTime))])
        for (title, table) in result.tables { report.addTable(table, title: title) }
        report.addParagraph((result.verdicts + result.notes).map { "- \($0)" }.joined(separator: "\n"))
        report.addMachine(MachineInfo.current())
        try report.write(to: directory)
        if common.format == .table { print("Report: \(directory.appendingPathComponent("report.md").path)") }
    }
}

/// One unit of the first stage of `dlbench compress`: a shared baseline, or a method that trains its own networks.
private enum CompressionJob {
    case baseline(CompressionWorkbench, CompressionModel, UInt64)
    case trained(TrainedCompressionMethod, URL)
}

/// "all 55000" or "the first 20000".
private func subsetText(_ used: Int, of available: Int) -> String {
    used < available ? "the first \(used)" : "all \(used)"
}

/// One row per model variant.
func compressionTable(_ rows: [CompressionRow]) -> Table {
    var table = Table(headers: [
        "model", "variant", "parameters", "ratio", "layers", "bytes", "FLOPs", "latency 1 (ms)", "latency 64 (ms)", "accuracy", "after fine-tune", "note",
    ])
    for row in rows {
        table.append([
            .text(row.model.rawValue), .text(row.variant), .integer(row.parameters), .number(row.ratio, .fixed(2)),
            row.layersRatio.map { .number($0, .fixed(2)) } ?? .missing, .integer(row.bytes), .integer(row.flops),
            .number(row.latency.batchOne * 1e3, .fixed(3)), .number(row.latency.batchSixtyFour * 1e3, .fixed(2)),
            .text(row.accuracyBefore.percentText()), row.accuracyAfter.map { .text($0.percentText()) } ?? .missing, .text(row.note),
        ])
    }
    return table
}

/// Mean accuracy against compression ratio: one line per method and model.
func accuracyChart(_ sections: [CompressionSection]) -> LineChart {
    LineChart(
        title: "Accuracy vs compression", x: .init("compression ratio"), y: .init("test accuracy"),
        series: sections.flatMap { section in
            Dictionary(grouping: section.rows, by: \.model).sorted { $0.key.rawValue < $1.key.rawValue }.map { model, rows in
                let points = rows.sorted { $0.ratio < $1.ratio }
                return LineChart.Series(name: "\(section.title.prefix(while: { $0 != " " })) \(model.rawValue)",
                                        x: points.map(\.ratio), y: points.map { ($0.accuracyAfter ?? $0.accuracyBefore).mean })
            }
        },
        showsMarkers: true)
}
