import ArgumentParser
import DLNN
import DLReport
import Foundation

/// `dlbench schedules`: the same model, optimizer, peak rate, initial weights and data order under
/// each learning-rate schedule.
struct SchedulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedules",
        abstract: "Compare learning-rate schedules (constant, step, cosine, warm-up + cosine, SGDR, one-cycle) on the same model.",
        discussion: """
            Momentum SGD with a peak rate of 0.05 by default, large enough for the schedule to matter. \
            The default run uses the first 15000 training images for 3 epochs.
            """)

    @OptionGroup var common: CommonOptions

    @Option(help: "Model: \(ModelKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var model: ModelKind = .lenet5

    @Option(help: "Comma-separated schedules: \(ScheduleKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var schedules = ScheduleComparisonSettings.defaultSchedules.map(\.rawValue).joined(separator: ",")

    @Option(help: "Optimizer: \(OptimizerKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var optimizer: OptimizerKind = .momentum

    @Option(name: .customLong("learning-rate"), parsing: .unconditional, help: "Peak learning rate of every schedule.")
    var learningRate: Float = 0.05

    @Option(parsing: .unconditional, help: "Validation accuracy for the steps-to-target column.")
    var target = 0.97

    @Option(name: .customLong("train-size"), parsing: .unconditional, help: "Training images used (default: 15000; --quick: the quick subset).")
    var trainSize: Int?

    func validate() throws {
        let kinds: [ScheduleKind] = try parseList(schedules, option: "--schedules")
        if kinds.isEmpty { throw ValidationError("--schedules: name at least one schedule") }
        if Set(kinds).count != kinds.count { throw ValidationError("--schedules: a schedule is listed twice") }
        if !(learningRate > 0 && learningRate.isFinite) { throw ValidationError("--learning-rate must be a positive number, got \(learningRate)") }
        if !(target > 0 && target <= 1) { throw ValidationError("--target must lie in (0, 1], got \(target)") }
        try checkRange(trainSize, 1...10_000_000, option: "--train-size")
    }

    /// Three epochs even with --quick: step decay needs them for its two milestones.
    static let defaultEpochs = 3

    func run() throws {
        let directory = try common.outputDirectory(for: "schedules")
        let data = try common.loadData()
        let settings = ScheduleComparisonSettings(
            model: model, schedules: try parseList(schedules, option: "--schedules"), optimizer: optimizer,
            learningRate: learningRate, epochs: common.epochs ?? Self.defaultEpochs, batchSize: common.batchSize ?? 64,
            trainingSize: trainSize ?? (common.quick ? nil : 15_000), targetAccuracy: target, seed: common.seed)
        let comparison = try compareSchedules(settings, on: data, progress: common.progressMode)
        try finish(comparison.report(), table: comparison.table, runs: comparison.runs, directory: directory, common: common)
    }
}
