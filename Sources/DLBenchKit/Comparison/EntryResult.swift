import DLNN

/// An entry of a comparison and its runs, one per seed.
struct EntryResult {
    /// The entry as trained: its learning rate is the tuned one when the comparison tuned.
    var entry: ComparisonEntry
    var runs: [ComparedRun]

    var name: String { entry.name }
    /// The outcomes of the runs that did not diverge.
    var finished: [TrainingOutcome] { runs.compactMap(\.outcome) }
    var divergedCount: Int { runs.count - finished.count }
    /// The steps at which the diverged runs' loss or gradient became non-finite.
    var divergedSteps: [Int] { runs.compactMap(\.divergedStep) }

    /// `metric` over the finished runs.
    func summary(_ metric: (TrainingOutcome) -> Double) -> Summary { Summary(finished.map(metric)) }

    /// Final test accuracy over the seeds.
    var testAccuracy: Summary { summary { $0.test.accuracy } }
    /// Validation accuracy after the last epoch over the seeds.
    var finalValidationAccuracy: Summary { summary { $0.history.epochs.last?.validationAccuracy ?? .nan } }
    var finalTrainingLoss: Summary { summary(\.finalTrainingLoss) }
    /// The smoothed training loss at the last step (`smoothedLoss`): where the loss curve ends.
    var endLoss: Summary { summary { smoothedLoss($0.history).last ?? .nan } }
    var trainingSeconds: Summary { summary(\.trainingSeconds) }

    /// Steps to `target` validation accuracy of the seeds that reached it.
    func stepsToReach(_ target: Double) -> [Int] {
        finished.compactMap { $0.history.stepsToReach(validationAccuracy: target) }
    }

    /// Whether every seed finished and the mean final validation accuracy reached `thresholds.learned`.
    func learned(_ thresholds: Thresholds) -> Bool {
        divergedCount == 0 && finalValidationAccuracy.mean >= thresholds.learned
    }
}

/// What a comparison measured, everything its report is built from.
struct ComparisonResult {
    var definition: ComparisonDefinition
    var budget: Budget
    /// The data actually used: the training split cut to the budget.
    var data: DataSplits
    /// Images in the training split before the cut.
    var availableTrainingImages: Int
    var seeds: [UInt64]
    /// Whether the entries are the definition's `--quick` ones.
    var quick = false
    var entries: [EntryResult]
    /// The learning-rate grid of each tuned entry, by entry name (empty when the comparison does not tune).
    var tuning: [String: [LearningRateTrial]]
    var initialLosses: [InitialLossCheck]
    var thresholds: Thresholds
    /// Wall-clock seconds of the whole comparison: checks, tuning, training and evaluation.
    var wallSeconds: Double
    /// Runs trained at once.
    var parallelRuns = 1

    /// The entry named `name`.
    func entry(_ name: String) -> EntryResult? { entries.first { $0.name == name } }

    /// The entries ranked by mean test accuracy, best first (entries without a finished run last).
    var ranked: [EntryResult] {
        entries.enumerated().sorted { a, b in
            let (x, y) = (a.element.testAccuracy.mean, b.element.testAccuracy.mean)
            if x.isNaN != y.isNaN { return y.isNaN }
            return x != y && !x.isNaN ? x > y : a.offset < b.offset
        }.map(\.element)
    }
}
