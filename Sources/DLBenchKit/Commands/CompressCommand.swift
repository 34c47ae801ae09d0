import ArgumentParser
import DLNN
import DLReport
import Foundation

/// `dlbench compress`: low-rank SVD compression of trained networks, swept over ranks or energy levels.
struct CompressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compress",
        abstract: "Train an MLP 784-1024-1024-10 and LeNet-5, factorize their layers by truncated SVD over a sweep of energy levels or ranks, fine-tune, and report size, FLOPs, latency and accuracy; --method quantize, binary or distill runs int8 quantization, binary weights or knowledge distillation instead.")

    @OptionGroup var common: CommonOptions

    @Option(help: "Baselines: \(CompressionModel.allCases.map(\.rawValue).joined(separator: ", ")) (comma-separated).")
    var models = "mlp,lenet5"

    @Option(help: "Target compression ratios of the factorized layers, each above 1 (comma-separated): each layer gets the largest rank with at least that many times fewer parameters.")
    var ratios = "2,3,5,8,13"

    @Option(help: "Fractions of squared singular-value energy kept, each in (0, 1] (comma-separated); replaces --ratios.")
    var energies: String?

    @Option(help: "Explicit ranks (comma-separated); replaces --ratios.")
    var ranks: String?

    @Option(name: .customLong("conv-scheme"), help: "Convolution factorization: channels (kh×kw then 1×1) or spatial (kh×1 then 1×kw).")
    var convolutionScheme: String = "channels"

    @Option(name: .customLong("fine-tune-epochs"), parsing: .unconditional, help: "Fine-tuning epochs after factorization.")
    var fineTuneEpochs = 1

    @Option(name: .customLong("fine-tune-images"), parsing: .unconditional, help: "Training images used for fine-tuning (the first of the training split).")
    var fineTuneImages = 10000

    @Option(help: "lowrank (the SVD sweep), quantize (int8), binary (BinaryConnect weights) or distill (knowledge distillation).")
    var method = "lowrank"

    @Option(parsing: .unconditional, help: "quantize, binary, distill: seeds to average over (default 2, 1 with --quick).")
    var seeds: Int?

    @Flag(help: "quantize, binary, distill: the papers' network sizes (distill: teacher 784-1200-1200-10, student 784-800-800-10).")
    var full = false

    func validate() throws {
        _ = try settings()
        _ = try methodOptions()
    }

    /// The sweep the flags describe; throws `ValidationError` for bad values.
    func settings() throws -> CompressionSettings {
        var settings = CompressionSettings()
        settings.models = try parseList(models, option: "--models")
        guard let scheme = ConvolutionFactorization(rawValue: convolutionScheme) else {
            throw ValidationError("--conv-scheme: unknown name '\(convolutionScheme)' (known: channels, spatial)")
        }
        settings.convolutionScheme = scheme
        guard ranks == nil || energies == nil else { throw ValidationError("--ranks and --energies exclude each other") }
        if let ranks {
            settings.levels = try numbers(ranks, option: "--ranks").map { value in
                guard let k = Int(exactly: value), k >= 1 else { throw ValidationError("--ranks: \(value) is not a positive integer") }
                return .rank(k)
            }
        } else if let energies {
            settings.levels = try numbers(energies, option: "--energies").map { f in
                guard f > 0 && f <= 1 else { throw ValidationError("--energies: \(f) is outside (0, 1]") }
                return .energy(f)
            }
        } else {
            settings.levels = try numbers(ratios, option: "--ratios").map { c in
                guard c > 1 else { throw ValidationError("--ratios: \(c) is not above 1") }
                return .compressionRatio(c)
            }
        }
        try checkRange(fineTuneEpochs, 0...CommonOptions.maximumEpochs, option: "--fine-tune-epochs")
        try checkRange(fineTuneImages, 1...10_000_000, option: "--fine-tune-images")
        settings.fineTuneEpochs = fineTuneEpochs
        settings.fineTuneImages = fineTuneImages
        settings.epochs = common.epochs ?? (common.quick ? 1 : 2)
        settings.batchSize = common.batchSize ?? 64
        settings.seed = common.seed
        if common.quick { settings.latencyRepeats = 10 }
        return settings
    }

    func run() throws {
        if method != "lowrank" { return try runMethod() }
        let settings = try settings()
        let directory = try common.outputDirectory(for: "compress")
        let data = try common.loadData()
        guard data.training.imageShape == [1, 28, 28], data.training.classCount <= 10 else {
            throw RunError("compress studies MNIST-shaped models (1×28×28 images, at most 10 classes); \(data.summary)")
        }
        let studies = try runCompressionStudies(settings, on: data, directory: directory, progress: common.progressMode)
        let table = compressionTable(studies)
        printTable(table, format: common.format)
        let verdicts = studies.map(\.verdict)
        if common.format == .table { verdicts.forEach { print($0) } }

        var report = Report(title: "dlbench compress", summary: verdicts.joined(separator: " "))
        report.addSettings([
            ("data", .text(data.summary)),
            ("baselines", .text(settings.models.map { $0 == .mlp ? "MLP 784-1024-1024-10 (hidden Dense layers 784 → 1024 and 1024 → 1024 factorized)" : "LeNet-5 (convolution 6 → 16, 5×5 factorized)" }.joined(separator: "; "))),
            ("levels", .text(settings.levels.map(describe).joined(separator: ", "))),
            ("convolution scheme", .text(settings.convolutionScheme.rawValue)),
            ("baseline training", .text("\(settings.epochs) epochs, momentum SGD (0.9), η = \(settings.learningRate), batch \(settings.batchSize)")),
            ("fine-tuning", .text("\(settings.fineTuneEpochs) epoch(s) on the first \(min(settings.fineTuneImages, data.training.count)) training images, η = \(settings.fineTuneLearningRate)")),
            ("latency", .text("median of \(settings.latencyRepeats) forward passes in evaluation mode, after one warm-up pass")),
            ("seed", .integer(Int(settings.seed))),
        ])
        report.addTable(table, title: "Sweep (ratio: parameters of the factorized layers before / after; FLOPs per image)")
        report.addTable(layerTable(studies), title: "Per layer")
        report.addPlot(accuracyChart(studies), fileName: "accuracy-vs-compression.svg",
                       caption: "Test accuracy against the compression ratio of the factorized layers, right after factorization and after fine-tuning; the baselines sit at 1×.")
        report.addParagraph("Published claims checked (Denton et al., 2014): fully connected layers ≥ 5× and convolutional layers ≥ 2× with at most 1 point of accuracy lost. Here a compressed model after fine-tuning is compared with the baseline fine-tuned the same way (same images, epochs and learning rate), so the extra training does not count as a gain from compression. The baselines are trained for only a few epochs, not to convergence as in the paper.\n\n" + verdicts.map { "- \($0)" }.joined(separator: "\n"))
        report.addParagraph("The trained baselines are in `baseline-mlp.safetensors` and `baseline-lenet5.safetensors`; every compressed model starts from a fresh copy loaded from them.")
        report.addMachine(MachineInfo.current())
        try report.write(to: directory)
        if common.format == .table { print("Report: \(directory.appendingPathComponent("report.md").path)") }
    }

    private func numbers(_ text: String, option: String) throws -> [Double] {
        try text.split(separator: ",").map { item in
            let trimmed = item.trimmingCharacters(in: .whitespaces)
            guard let value = Double(trimmed), value.isFinite else { throw ValidationError("\(option): '\(trimmed)' is not a number") }
            return value
        }
    }
}

/// `--method quantize|binary|distill`.
extension CompressCommand {
    static let methods = ["lowrank", "quantize", "binary", "distill"]

    /// The experiment options the flags describe; throws `ValidationError` for bad values.
    func methodOptions() throws -> CompressionMethodOptions {
        guard Self.methods.contains(method) else {
            throw ValidationError("--method: unknown method '\(method)' (known: \(Self.methods.joined(separator: ", ")))")
        }
        try checkRange(seeds, 1...100, option: "--seeds")
        var options = CompressionMethodOptions()
        options.quick = common.quick
        options.full = full
        options.seeds = (0..<(seeds ?? (common.quick ? 1 : 2))).map { common.seed &+ UInt64($0) }
        options.epochs = common.epochs ?? (common.quick ? 1 : full ? 20 : 3)
        options.batchSize = common.batchSize ?? 64
        options.progress = common.progressMode
        if common.quick {
            options.latencyRepeats = 5
            options.calibrationBatches = 10
        }
        return options
    }

    func runMethod() throws {
        let options = try methodOptions()
        let directory = try common.outputDirectory(for: "compress-\(method)")
        let data = try common.loadData()
        guard data.training.imageShape == [1, 28, 28], data.training.classCount <= 10 else {
            throw RunError("compress studies MNIST-shaped models (1×28×28 images, at most 10 classes); \(data.summary)")
        }
        let result: CompressionMethodReport = switch method {
        case "quantize": try runQuantizationExperiment(on: data, options: options, directory: directory)
        case "binary": try runBinaryWeightsExperiment(on: data, options: options, directory: directory)
        default: try runDistillationExperiment(on: data, options: options, directory: directory)
        }
        for (_, table) in result.tables { printTable(table, format: common.format) }
        if common.format == .table { result.verdicts.forEach { print($0) } }
        var report = Report(title: "dlbench compress --method \(method): \(result.title)", summary: result.verdicts.joined(separator: " "))
        report.addSettings([("data", .text(data.summary))] + result.settings)
        for (title, table) in result.tables { report.addTable(table, title: title) }
        report.addParagraph((result.verdicts + result.notes).map { "- \($0)" }.joined(separator: "\n"))
        report.addMachine(MachineInfo.current())
        try report.write(to: directory)
        if common.format == .table { print("Report: \(directory.appendingPathComponent("report.md").path)") }
    }
}

/// One row per baseline and per compressed model.
func compressionTable(_ studies: [CompressionStudy]) -> Table {
    var table = Table(headers: [
        "model", "level", "parameters", "ratio", "FLOPs", "latency 1 (ms)", "speedup 1", "latency 64 (ms)", "speedup 64",
        "accuracy", "after fine-tune",
    ])
    for study in studies {
        table.append([
            .text(study.model.rawValue), .text("baseline"), .integer(study.parameterCount), .number(1, .fixed(2)), .integer(study.flops),
            .number(study.latency.batchOne * 1e3, .fixed(3)), .number(1, .fixed(2)), .number(study.latency.batchSixtyFour * 1e3, .fixed(2)),
            .number(1, .fixed(2)), .number(study.accuracy, .percent(2)), .number(study.fineTunedAccuracy, .percent(2)),
        ])
        for point in study.points {
            table.append([
                .text(study.model.rawValue), .text(describe(point.level)), .integer(point.parameterCount),
                .number(point.selectedLayersRatio, .fixed(2)), .integer(point.flops),
                .number(point.latency.batchOne * 1e3, .fixed(3)), .number(study.latency.batchOne / point.latency.batchOne, .fixed(2)),
                .number(point.latency.batchSixtyFour * 1e3, .fixed(2)), .number(study.latency.batchSixtyFour / point.latency.batchSixtyFour, .fixed(2)),
                .number(point.accuracyAfterFactorization, .percent(2)), .number(point.accuracyAfterFineTuning, .percent(2)),
            ])
        }
    }
    return table
}

/// Rank, size, FLOPs, energy and error of every selected layer of every compressed model.
func layerTable(_ studies: [CompressionStudy]) -> Table {
    var table = Table(headers: ["model", "level", "layer", "rank", "parameters", "after", "FLOPs", "after", "energy", "relative error", "note"])
    for study in studies {
        for point in study.points {
            for layer in point.layers {
                table.append([
                    .text(study.model.rawValue), .text(describe(point.level)), .text("\(layer.path) \(layer.layer)"),
                    layer.rank.map { .text("\($0) of \(layer.maximumRank ?? 0)") } ?? .missing,
                    .integer(layer.parametersBefore), .integer(layer.parametersAfter), .integer(layer.flopsBefore), .integer(layer.flopsAfter),
                    layer.retainedEnergy.map { .number($0, .percent(1)) } ?? .missing,
                    layer.relativeError.map { .number($0, .fixed(3)) } ?? .missing,
                    .text(layer.skipReason ?? ""),
                ])
            }
        }
    }
    return table
}

/// Accuracy against compression ratio, two lines per baseline.
func accuracyChart(_ studies: [CompressionStudy]) -> LineChart {
    LineChart(
        title: "Accuracy vs compression", x: .init("compression ratio of the factorized layers"), y: .init("test accuracy"),
        series: studies.flatMap { study -> [LineChart.Series] in
            let points = study.points.sorted { $0.selectedLayersRatio < $1.selectedLayersRatio }
            let x = [1] + points.map(\.selectedLayersRatio)
            return [
                .init(name: "\(study.model.rawValue), factorized", x: x, y: [study.accuracy] + points.map(\.accuracyAfterFactorization)),
                .init(name: "\(study.model.rawValue), fine-tuned", x: x, y: [study.accuracy] + points.map(\.accuracyAfterFineTuning)),
            ]
        },
        showsMarkers: true)
}
