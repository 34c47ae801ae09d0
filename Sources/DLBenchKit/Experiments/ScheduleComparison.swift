import DLNN
import DLReport
import Foundation

/// The settings of `dlbench schedules`: one model, optimizer and peak rate, trained from the same
/// initial weights on the same data order under each learning-rate schedule.
struct ScheduleComparisonSettings {
    /// The schedules compared by default: constant, step decay, cosine, warm-up + cosine, SGDR, one-cycle.
    static let defaultSchedules: [ScheduleKind] = [.constant, .step, .cosine, .warmupCosine, .sgdr, .onecycle]

    var model: ModelKind = .lenet5
    var schedules: [ScheduleKind] = defaultSchedules
    /// Momentum SGD by default: its rate matters directly, unlike an adaptive method's.
    var optimizer: OptimizerKind = .momentum
    /// The peak rate of every schedule; larger than Momentum's default 0.01 so that how it is decayed matters.
    var learningRate: Float = 0.05
    var epochs = 3
    var batchSize = 64
    /// Training images used (a prefix of the training split); nil: all of them.
    var trainingSize: Int? = 15_000
    var targetAccuracy = 0.97
    var seed: UInt64 = 1

    func spec(_ schedule: ScheduleKind) -> TrainingSpec {
        TrainingSpec(
            model: model, optimizer: optimizer, learningRate: learningRate, schedule: schedule,
            epochs: epochs, batchSize: batchSize, seed: seed)
    }
}

/// What `compareSchedules` measured.
struct ScheduleComparison {
    var settings: ScheduleComparisonSettings
    /// The data actually used: the training split cut to `settings.trainingSize`.
    var data: DataSplits
    /// Images in the training split before the cut.
    var availableTrainingImages: Int
    /// One run per schedule, in the order requested.
    var runs: [ComparedRun]
    var totalSeconds: Double
}

/// Trains the model of `settings` under each of its schedules and evaluates each on the test set once.
func compareSchedules(_ settings: ScheduleComparisonSettings, on data: DataSplits, progress: ProgressReporter.Mode) throws -> ScheduleComparison {
    let start = Date()
    let available = data.training.count
    let data = data.cut(toTrainingSize: settings.trainingSize)
    let runs = try settings.schedules.map { schedule in
        try trainCompared(settings.spec(schedule), name: schedule.displayName, on: data, progress: progress)
    }
    return ScheduleComparison(settings: settings, data: data, availableTrainingImages: available, runs: runs, totalSeconds: Date().timeIntervalSince(start))
}

extension ScheduleComparison {
    /// The results table, the winner of each column marked.
    var table: Table {
        comparisonTable(runs, firstColumn: "schedule", targetAccuracy: settings.targetAccuracy)
    }

    /// One line for the terminal and the report index.
    var summary: String {
        var text = "\(settings.model.rawValue) with \(settings.optimizer.displayName) (peak η = \(settings.learningRate)) on \(data.training.count) \(data.name) training images, "
            + "\(settings.epochs) epoch\(settings.epochs == 1 ? "" : "s")"
        if let best = bestRun(runs, by: { $0.test.accuracy }) {
            text += ": best test accuracy \(percent(best.outcome!.test.accuracy)) with \(best.name)"
        }
        return text + "."
    }

    /// The report: settings, results, findings, diagnoses, loss, accuracy and learning-rate plots, machine.
    func report() -> Report {
        var report = Report(title: "dlbench schedules", summary: summary)
        report.addSettings(settingsRows(settings.spec(.constant), data: data) + [
            ("optimizer", .text(settings.optimizer.displayName)),
            ("peak learning rate", Cell(settings.learningRate, format: .significant(3))),
            ("schedules", .text(settings.schedules.map(\.displayName).joined(separator: ", "))),
            ("training subset", .text(subsetDescription(data, availableTrainingImages: availableTrainingImages))),
            ("target validation accuracy", .number(settings.targetAccuracy, .percent(1))),
            ("total wall time", .text(String(format: "%.1f s", totalSeconds))),
        ])
        report.addTable(table, title: "Results (best of each column in bold; the learning rate column is the peak)")
        report.addParagraph(columnNotes(targetAccuracy: settings.targetAccuracy))
        report.addHeading("Findings")
        report.addParagraph(findings(runs, kind: "schedule", targetAccuracy: settings.targetAccuracy) + " " + rateFinding)
        addDiagnoses(runs, to: &report)
        addCurves(runs, to: &report)
        report.addPlot(learningRateChart, fileName: "learning-rate.svg", caption: "The learning rate of every step under each schedule.")
        report.addMachine(MachineInfo.current())
        return report
    }

    /// The learning rate each run used at every step.
    var learningRateChart: LineChart {
        LineChart(
            title: "Learning rate", x: .init("step"), y: .init("learning rate"),
            series: runs.compactMap { run in
                run.outcome.map { outcome in
                    .init(name: run.name, x: outcome.history.steps.map { Double($0.step) }, y: outcome.history.steps.map { Double($0.learningRate) })
                }
            })
    }

    /// Whether ending training at a small rate paid off: the winner's final rate against the constant run.
    private var rateFinding: String {
        guard let best = bestRun(runs, by: { $0.test.accuracy }), let last = best.outcome!.history.steps.last else { return "" }
        var text = "The winner, \(best.name), ended training at η = \(NumberFormat.significant(3).string(for: Double(last.learningRate)))"
        if let constant = runs.first(where: { $0.spec.schedule == .constant })?.outcome, best.spec.schedule != .constant {
            let gain = (best.outcome!.test.accuracy - constant.test.accuracy) * 100
            text += String(format: ", and beat the constant rate by %.2f points of test accuracy", gain)
        }
        return text + "."
    }
}
