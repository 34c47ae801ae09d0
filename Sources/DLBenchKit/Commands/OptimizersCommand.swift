import ArgumentParser
import DLNN
import DLReport
import Foundation

/// `dlbench optimizers`: the same model, initial weights and data order under each optimizer;
/// or, with `--problem amsgrad`, Adam and AMSGrad on the Reddi et al. counterexample.
struct OptimizersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optimizers",
        abstract: "Compare optimizers on the same model, initial weights and data order (or run the AMSGrad counterexample).",
        discussion: """
            By default each optimizer uses its documented default learning rate; --tune searches the rate per optimizer \
            on the validation split first. The default run uses the first 15000 training images for 2 epochs and \
            finishes in under 3 minutes on 2 cores (release build).
            """)

    /// What to optimize.
    enum Problem: String, CaseIterable, ExpressibleByArgument {
        /// Image classification on the data set of `--data` (default MNIST).
        case mnist
        /// The online convex problem of Reddi et al. on which Adam fails to converge.
        case amsgrad
    }

    @OptionGroup var common: CommonOptions

    @Option(help: "Problem: mnist (train a network) or amsgrad (the Reddi et al. counterexample).")
    var problem: Problem = .mnist

    @Option(help: "Model: \(ModelKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var model: ModelKind = .lenet5

    @Option(help: "Comma-separated optimizers (default: all): \(OptimizerKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var optimizers = OptimizerKind.allCases.map(\.rawValue).joined(separator: ",")

    @Option(help: "Learning-rate schedule for every optimizer: \(ScheduleKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var schedule: ScheduleKind = .constant

    @Option(name: .customLong("learning-rate"), parsing: .unconditional, help: "One learning rate for every optimizer (default: each optimizer's own default).")
    var learningRate: Float?

    @Flag(help: "Search each optimizer's learning rate (log-uniform in [default/10, default·10], 1-epoch runs, validation split) before training.")
    var tune = false

    @Option(parsing: .unconditional, help: "Random learning rates tried per optimizer with --tune, besides the default.")
    var trials = 4

    @Option(parsing: .unconditional, help: "Validation accuracy for the steps-to-target column.")
    var target = 0.97

    @Option(name: .customLong("train-size"), parsing: .unconditional, help: "Training images used (default: 15000; --quick: the quick subset).")
    var trainSize: Int?

    @Option(parsing: .unconditional, help: "Steps of the amsgrad problem (default: 1000000; --quick: 100000).")
    var steps: Int?

    func validate() throws {
        let kinds: [OptimizerKind] = try parseList(optimizers, option: "--optimizers")
        if kinds.isEmpty { throw ValidationError("--optimizers: name at least one optimizer") }
        if Set(kinds).count != kinds.count { throw ValidationError("--optimizers: an optimizer is listed twice") }
        if let learningRate, !(learningRate > 0 && learningRate.isFinite) {
            throw ValidationError("--learning-rate must be a positive number, got \(learningRate)")
        }
        if tune && learningRate != nil { throw ValidationError("--tune and --learning-rate exclude each other") }
        if !(target > 0 && target <= 1) { throw ValidationError("--target must lie in (0, 1], got \(target)") }
        try checkRange(trials, 1...100, option: "--trials")
        try checkRange(trainSize, 1...10_000_000, option: "--train-size")
        try checkRange(steps, 1...100_000_000, option: "--steps")
    }

    /// 2 epochs (1 with --quick): with 15000 images, the 11 optimizers train in under 3 minutes on 2 cores.
    private var defaultEpochs: Int { common.quick ? 1 : 2 }

    func run() throws {
        switch problem {
        case .amsgrad: try runCounterexample()
        case .mnist: try runComparison()
        }
    }

    private func runComparison() throws {
        let directory = try common.outputDirectory(for: "optimizers")
        let data = try common.loadData()
        let settings = OptimizerComparisonSettings(
            model: model, optimizers: try parseList(optimizers, option: "--optimizers"), schedule: schedule,
            learningRate: learningRate, epochs: common.epochs ?? defaultEpochs, batchSize: common.batchSize ?? 64,
            trainingSize: trainSize ?? (common.quick ? nil : 15_000), targetAccuracy: target,
            tuningTrials: tune ? trials : 0, seed: common.seed)
        let comparison = try compareOptimizers(settings, on: data, progress: common.progressMode)
        try finish(comparison.report(), table: comparison.table, runs: comparison.runs, directory: directory, common: common)
    }

    private func runCounterexample() throws {
        let directory = try common.outputDirectory(for: "optimizers-amsgrad")
        let experiment = CounterexampleExperiment(steps: steps ?? (common.quick ? 100_000 : CounterexampleExperiment.defaultSteps))
        try finish(experiment.report(), table: experiment.table, runs: [], directory: directory, common: common)
    }
}

/// Prints `table` and the summary (and, in table format, a note per run that did not learn), then writes `report` to `directory`.
func finish(_ report: Report, table: Table, runs: [ComparedRun], directory: URL, common: CommonOptions) throws {
    printTable(table, format: common.format)
    try report.write(to: directory)
    guard common.format == .table else { return }
    if let summary = report.summary { print(summary) }
    for run in runs {
        if let note = diagnosis(of: run) { print("\(run.name): \(note)") }
    }
    print("Report: \(directory.appendingPathComponent("report.md").path)")
}
