import ArgumentParser
import DLNN
import DLReport
import Foundation

/// `dlbench optimizers`: the same model, initial weights and data order under each optimizer, each
/// at a learning rate tuned on the validation split; or, with `--problem amsgrad`, Adam and AMSGrad
/// on the Reddi et al. counterexample.
struct OptimizersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optimizers",
        abstract: "Compare optimizers at tuned learning rates over several seeds (or run the AMSGrad counterexample).",
        discussion: """
            Each optimizer's learning rate is chosen on the validation split from the grid 10^-4 … 10^0 in half-decades \
            (one short run per rate), then every optimizer trains with each seed at its rate; --no-tune uses the documented \
            defaults, --learning-rate one rate for all. The report gives mean ± standard deviation over the seeds, says \
            "A beats B" only when Welch's t-test at 5% does, and plots validation accuracy against learning rate. \
            The default run (11 optimizers, 3 seeds, 2 epochs on 10000 images) takes about 10 minutes on 2 cores (release build); \
            --quick compares Momentum and Adam in under a minute.
            """)

    /// What to optimize.
    enum Problem: String, CaseIterable, ExpressibleByArgument {
        /// Image classification on the data set of `--data` (default MNIST).
        case mnist
        /// The online convex problem of Reddi et al. on which Adam fails to converge.
        case amsgrad
    }

    @OptionGroup var common: CommonOptions
    @OptionGroup var comparison: ComparisonOptions

    @Option(help: "Problem: mnist (train a network on --data) or amsgrad (the Reddi et al. counterexample).")
    var problem: Problem = .mnist

    @Option(help: "Model: \(ModelKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var model: ModelKind = .lenet5

    @Option(help: "Comma-separated optimizers (default: all; --quick: momentum,adam): \(OptimizerKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var optimizers: String?

    @Option(help: "Learning-rate schedule for every optimizer: \(ScheduleKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var schedule: ScheduleKind = .constant

    @Option(name: .customLong("learning-rate"), parsing: .unconditional, help: "One learning rate for every optimizer (no tuning).")
    var learningRate: Float?

    @Flag(inversion: .prefixedNo, help: "Choose each optimizer's learning rate on the validation split (--no-tune: the documented defaults).")
    var tune = true

    @Option(parsing: .unconditional, help: "Steps of the amsgrad problem (default: 1000000; --quick: 100000).")
    var steps: Int?

    func validate() throws {
        if let optimizers {
            let kinds: [OptimizerKind] = try parseList(optimizers, option: "--optimizers")
            if kinds.isEmpty { throw ValidationError("--optimizers: name at least one optimizer") }
            if Set(kinds).count != kinds.count { throw ValidationError("--optimizers: an optimizer is listed twice") }
        }
        if let learningRate, !(learningRate > 0 && learningRate.isFinite) {
            throw ValidationError("--learning-rate must be a positive number, got \(learningRate)")
        }
        try checkRange(steps, 1...100_000_000, option: "--steps")
    }

    func run() throws {
        switch problem {
        case .amsgrad:
            let directory = try common.outputDirectory(for: "optimizers-amsgrad")
            let experiment = CounterexampleExperiment(steps: steps ?? (common.quick ? 100_000 : CounterexampleExperiment.defaultSteps))
            try finish(experiment.report(), table: experiment.table, directory: directory, common: common)
        case .mnist:
            let kinds: [OptimizerKind]? = try optimizers.map { try parseList($0, option: "--optimizers") }
            let definition = ComparisonDefinition.optimizers(kinds, model: model, schedule: schedule, learningRate: learningRate, tunes: tune && learningRate == nil)
            try runComparison(definition, common: common, options: comparison)
        }
    }
}

/// Prints `table`, the summary and `notes` (in table format), then writes `report` to `directory`.
func finish(_ report: Report, table: Table, directory: URL, common: CommonOptions, notes: [String] = []) throws {
    printTable(table, format: common.format)
    try report.write(to: directory)
    guard common.format == .table else { return }
    if let summary = report.summary { print(summary) }
    for note in notes { print("- " + note.replacingOccurrences(of: "**", with: "")) }
    print("Report: \(directory.appendingPathComponent("report.md").path)")
}
