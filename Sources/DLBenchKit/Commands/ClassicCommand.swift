import ArgumentParser
import DLNN
import DLReport
import Foundation

/// `dlbench classic`: k-nearest neighbours (cross-validated k and distance, on pixels and on PCA
/// components) and linear softmax and SVM classifiers, against LeNet-5 and the published numbers.
struct ClassicCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classic",
        abstract: "Compare kNN (k and L1/L2 chosen by cross-validation, on pixels and PCA components) and linear softmax/SVM classifiers with LeNet-5 and the published numbers.")

    @OptionGroup var common: CommonOptions

    @Option(name: .customLong("cross-validation-images"), parsing: .unconditional, help: "Training images split into the cross-validation folds (default: 5000; --quick: 1000).")
    var crossValidationImages: Int?

    @Option(name: .customLong("neighbor-training-images"), parsing: .unconditional, help: "Training images the chosen kNN classifies the test set with (default: all; --quick: 4000).")
    var neighborTrainingImages: Int?

    @Option(name: .customLong("folds"), parsing: .unconditional, help: "Cross-validation folds.")
    var foldCount = 5

    func validate() throws {
        try checkRange(crossValidationImages, 2...10_000_000, option: "--cross-validation-images")
        try checkRange(neighborTrainingImages, 1...10_000_000, option: "--neighbor-training-images")
        try checkRange(foldCount, 2...100, option: "--folds")
    }

    /// The experiment's settings from the flags; `--epochs` sets the epochs of the linear classifiers and of LeNet-5.
    func settings() -> ClassicComparison.Settings {
        var settings = ClassicComparison.Settings()
        if common.quick {
            settings.crossValidationImages = 1000
            settings.neighborTrainingImages = 4000
            settings.linearEpochs = 2
            settings.lenetEpochs = 1
        }
        settings.crossValidationImages = crossValidationImages ?? settings.crossValidationImages
        settings.neighborTrainingImages = neighborTrainingImages ?? settings.neighborTrainingImages
        settings.foldCount = foldCount
        settings.linearEpochs = common.epochs ?? settings.linearEpochs
        settings.lenetEpochs = common.epochs ?? settings.lenetEpochs
        settings.batchSize = common.batchSize ?? settings.batchSize
        settings.seed = common.seed
        return settings
    }

    func run() throws {
        let directory = try common.outputDirectory(for: "classic")
        let data = try common.loadData()
        let comparison = try compareClassicMethods(settings(), on: data, progress: common.progressMode)
        try Self.write(comparison, to: directory)
        printTable(comparison.verdicts, format: common.format)
        if common.format == .table { print("Report: \(directory.appendingPathComponent("report.md").path)") }
    }

    /// Writes the report and the class-template drawing into `directory`.
    static func write(_ comparison: ClassicComparison, to directory: URL) throws {
        try comparison.report().write(to: directory)
        if !comparison.templates.isEmpty {
            try AtomicFile.write(Data(comparison.templatesSVG().utf8), to: directory.appendingPathComponent(ClassicComparison.templatesFileName))
        }
    }
}
