import DLNN
import DLReport

extension ComparisonDefinition {
    /// The schedules compared by default: constant, step decay, cosine, warm-up + cosine, SGDR, one-cycle.
    static let defaultSchedules: [ScheduleKind] = [.constant, .step, .cosine, .warmupCosine, .sgdr, .onecycle]

    /// `dlbench schedules`: one model, optimizer and peak rate (Momentum SGD at 0.05 by default, large
    /// enough for the decay to matter), trained from the same initial weights and data order under each
    /// schedule. Three epochs even with `--quick`: step decay needs them for its two milestones.
    static func schedules(
        _ kinds: [ScheduleKind]? = nil, model: ModelKind = .lenet5, optimizer: OptimizerKind = .momentum, learningRate: Float = 0.05
    ) -> ComparisonDefinition {
        ComparisonDefinition(
            name: "schedules", title: "Learning-rate schedules",
            question: "Does decaying the learning rate pay off? \(optimizer.displayName) at a peak rate of \(learningRate) under each schedule, "
                + "everything else equal.",
            entryKind: "schedule",
            budget: Budget(epochs: 3, trainingSize: 10_000), quickBudget: Budget(epochs: 3, trainingSize: 256, evaluationSize: 500),
            entries: { quick in
                (kinds ?? (quick ? [.constant, .onecycle] : defaultSchedules)).map { kind in
                    ComparisonEntry(name: kind.displayName, spec: TrainingSpec(model: model, optimizer: optimizer, learningRate: learningRate, schedule: kind))
                }
            },
            addSections: { result, report in
                report.addPlot(
                    LineChart(
                        title: "Learning rate", x: .init("step"), y: .init("learning rate"),
                        series: result.entries.compactMap { entry in
                            entry.finished.first.map { outcome in
                                .init(name: entry.name, x: outcome.history.steps.map { Double($0.step) }, y: outcome.history.steps.map { Double($0.learningRate) })
                            }
                        }),
                    fileName: "learning-rate.svg", caption: "The learning rate of every step under each schedule.")
            })
    }
}
