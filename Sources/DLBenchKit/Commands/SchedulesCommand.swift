import ArgumentParser
import DLNN

/// `dlbench schedules`: the same model, optimizer, peak rate, initial weights and data order under
/// each learning-rate schedule, over several seeds.
struct SchedulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedules",
        abstract: "Compare learning-rate schedules (constant, step, cosine, warm-up + cosine, SGDR, one-cycle) over several seeds.",
        discussion: """
            Momentum SGD with a peak rate of 0.05 by default, large enough for the schedule to matter. The default run \
            (6 schedules, 3 seeds, 3 epochs on 10000 images) takes about 6 minutes on 2 cores (release build); \
            --quick compares constant and one-cycle.
            """)

    @OptionGroup var common: CommonOptions
    @OptionGroup var comparison: ComparisonOptions

    @Option(help: "Model: \(ModelKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var model: ModelKind = .lenet5

    @Option(help: "Comma-separated schedules (default: \(ComparisonDefinition.defaultSchedules.map(\.rawValue).joined(separator: ",")); --quick: constant,onecycle): \(ScheduleKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var schedules: String?

    @Option(help: "Optimizer: \(OptimizerKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var optimizer: OptimizerKind = .momentum

    @Option(name: .customLong("learning-rate"), parsing: .unconditional, help: "Peak learning rate of every schedule.")
    var learningRate: Float = 0.05

    func validate() throws {
        if let schedules {
            let kinds: [ScheduleKind] = try parseList(schedules, option: "--schedules")
            if kinds.isEmpty { throw ValidationError("--schedules: name at least one schedule") }
            if Set(kinds).count != kinds.count { throw ValidationError("--schedules: a schedule is listed twice") }
        }
        if !(learningRate > 0 && learningRate.isFinite) { throw ValidationError("--learning-rate must be a positive number, got \(learningRate)") }
    }

    func run() throws {
        let kinds: [ScheduleKind]? = try schedules.map { try parseList($0, option: "--schedules") }
        try runComparison(.schedules(kinds, model: model, optimizer: optimizer, learningRate: learningRate), common: common, options: comparison)
    }
}
