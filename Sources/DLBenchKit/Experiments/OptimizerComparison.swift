import DLNN
import DLReport
import Foundation

/// The settings of `dlbench optimizers`: every optimizer trains the same model from the same
/// initial weights on the same data in the same order; only the update rule (and its rate) differs.
struct OptimizerComparisonSettings {
    var model: ModelKind = .lenet5
    var optimizers: [OptimizerKind] = OptimizerKind.allCases
    var schedule: ScheduleKind = .constant
    /// One rate for all; nil: each optimizer's documented default (or the tuned rate with `tuningTrials` > 0).
    var learningRate: Float?
    var epochs = 2
    var batchSize = 64
    /// Training images used (a prefix of the training split); nil: all of them.
    var trainingSize: Int? = 15_000
    /// The validation accuracy whose first epoch the "steps to target" column reports.
    var targetAccuracy = 0.97
    /// Learning rates tried per optimizer in a random search; 0: no search.
    var tuningTrials = 0
    var seed: UInt64 = 1

    /// The spec of `optimizer`'s run at `learningRate` (nil: its default) for `epochs` epochs.
    func spec(_ optimizer: OptimizerKind, learningRate: Float?, epochs: Int? = nil) -> TrainingSpec {
        TrainingSpec(
            model: model, optimizer: optimizer, learningRate: learningRate, schedule: schedule,
            epochs: epochs ?? self.epochs, batchSize: batchSize, seed: seed)
    }
}

/// One learning rate tried by the random search, and the validation accuracy of its short run
/// (NaN when that run diverged).
struct LearningRateTrial {
    var learningRate: Float
    var validationAccuracy: Double
}

/// What `compareOptimizers` measured.
struct OptimizerComparison {
    var settings: OptimizerComparisonSettings
    /// The data actually used: the training split cut to `settings.trainingSize`.
    var data: DataSplits
    /// Images in the training split before the cut.
    var availableTrainingImages: Int
    /// One run per optimizer, in the order requested.
    var runs: [ComparedRun]
    /// The learning-rate search of each optimizer, by display name (empty without `--tune`).
    var trials: [String: [LearningRateTrial]]
    /// Wall-clock seconds of the whole comparison, search and evaluation included.
    var totalSeconds: Double
}

/// Trains every optimizer of `settings` on `data` (cut to `settings.trainingSize`) and evaluates each on the test set once.
///
/// With `tuningTrials` = n > 0, each optimizer first tries its default rate and n rates drawn
/// log-uniformly from [default/10, default·10] in one-epoch runs judged on the validation split
/// (the test set is not touched), then trains the full run at the best of them.
func compareOptimizers(_ settings: OptimizerComparisonSettings, on data: DataSplits, progress: ProgressReporter.Mode) throws -> OptimizerComparison {
    let start = Date()
    let available = data.training.count
    let data = data.cut(toTrainingSize: settings.trainingSize)
    var runs: [ComparedRun] = []
    var trials: [String: [LearningRateTrial]] = [:]
    for optimizer in settings.optimizers {
        var rate = settings.learningRate
        if settings.tuningTrials > 0 && settings.learningRate == nil {
            let search = try searchLearningRate(optimizer, settings: settings, data: data, progress: progress)
            trials[optimizer.displayName] = search
            rate = search.filter { !$0.validationAccuracy.isNaN }.max { $0.validationAccuracy < $1.validationAccuracy }?.learningRate
        }
        runs.append(try trainCompared(settings.spec(optimizer, learningRate: rate), name: optimizer.displayName, on: data, progress: progress))
    }
    return OptimizerComparison(settings: settings, data: data, availableTrainingImages: available, runs: runs, trials: trials, totalSeconds: Date().timeIntervalSince(start))
}

/// The default rate of `optimizer` and `settings.tuningTrials` rates η₀·10ᵘ, u uniform in [−1, 1),
/// each trained for one epoch and scored by validation accuracy. Seeded by the run's seed and the optimizer.
private func searchLearningRate(
    _ optimizer: OptimizerKind, settings: OptimizerComparisonSettings, data: DataSplits, progress: ProgressReporter.Mode
) throws -> [LearningRateTrial] {
    let index = OptimizerKind.allCases.firstIndex(of: optimizer)!
    var generator = SeededGenerator(seed: settings.seed &+ 0x9E37_79B9_7F4A_7C15 &* UInt64(index + 1))
    let base = optimizer.defaultLearningRate
    let rates = [base] + (0..<settings.tuningTrials).map { _ in base * Float(pow(10, generator.nextUniform(in: -1..<1))) }
    // The search sees training and validation only: the test set of these runs is empty.
    var searchData = data
    searchData.test = data.test.prefix(0)
    return try rates.map { rate in
        let run = try trainCompared(settings.spec(optimizer, learningRate: rate, epochs: 1), name: optimizer.displayName, on: searchData, progress: progress)
        return LearningRateTrial(learningRate: rate, validationAccuracy: run.outcome?.history.bestEpoch?.validationAccuracy ?? .nan)
    }
}

extension OptimizerComparison {
    /// The results table, the winner of each column marked.
    var table: Table { comparisonTable(runs, firstColumn: "optimizer", targetAccuracy: settings.targetAccuracy) }

    /// One line for the terminal and the report index.
    var summary: String {
        let learned = runs.filter { $0.learned }.count
        var text = "\(settings.model.rawValue) on \(data.training.count) \(data.name) training images, \(settings.epochs) epoch\(settings.epochs == 1 ? "" : "s")"
        if let best = bestRun(runs, by: { $0.test.accuracy }) {
            text += ": best test accuracy \(percent(best.outcome!.test.accuracy)) with \(best.name)"
        }
        return text + "; \(learned) of \(runs.count) optimizers reached \(percent(learningThreshold, decimals: 0)) test accuracy."
    }

    /// The report: settings, results, findings, the diagnosis of any optimizer that did not learn, plots, machine.
    func report() -> Report {
        var report = Report(title: "dlbench optimizers", summary: summary)
        let rateText = settings.learningRate.map { "\($0) for every optimizer" }
            ?? (settings.tuningTrials > 0 ? "tuned per optimizer (see below)" : "each optimizer's documented default (see table)")
        report.addSettings(settingsRows(settings.spec(.sgd, learningRate: nil), data: data) + [
            ("optimizers", .text(settings.optimizers.map(\.displayName).joined(separator: ", "))),
            ("learning rate", .text(rateText)),
            ("schedule", .text(settings.schedule.displayName)),
            ("training subset", .text(subsetDescription(data, availableTrainingImages: availableTrainingImages))),
            ("target validation accuracy", .number(settings.targetAccuracy, .percent(1))),
            ("learning-rate search", .text(settings.tuningTrials > 0
                ? "default and \(settings.tuningTrials) log-uniform draws in [default/10, default·10], 1 epoch each, best validation accuracy"
                : "none (use --tune)")),
            ("total wall time", .text(String(format: "%.1f s", totalSeconds))),
        ])
        report.addTable(table, title: "Results (best of each column in bold)")
        report.addParagraph(columnNotes(targetAccuracy: settings.targetAccuracy))
        report.addHeading("Findings")
        report.addParagraph(findings(runs, kind: "optimizer", targetAccuracy: settings.targetAccuracy))
        addDiagnoses(runs, to: &report)
        if !trials.isEmpty {
            var search = Table(headers: ["optimizer", "learning rate", "validation accuracy after 1 epoch", "chosen"])
            for run in runs {
                for trial in trials[run.name] ?? [] {
                    search.append([
                        .text(run.name), Cell(trial.learningRate, format: .significant(3)),
                        .number(trial.validationAccuracy, .percent(2)), .text(trial.learningRate == run.spec.effectiveLearningRate ? "yes" : ""),
                    ])
                }
            }
            report.addTable(search, title: "Learning-rate search (validation split only; the first rate of each optimizer is its default)")
        }
        addCurves(runs, to: &report)
        report.addMachine(MachineInfo.current())
        return report
    }
}

// MARK: - Shared by the optimizer and schedule comparisons

/// One run of a comparison: what was trained and what came of it.
struct ComparedRun {
    /// The name in tables and legends: "Adam", "cosine".
    var name: String
    var spec: TrainingSpec
    /// nil when training stopped on a non-finite value.
    var outcome: TrainingOutcome?
    /// Why training stopped, when it did.
    var failure: String?

    /// Whether the run reached `learningThreshold` test accuracy.
    var learned: Bool { (outcome?.test.accuracy ?? 0) >= learningThreshold }
}

/// The test accuracy below which a report says plainly that a run did not learn MNIST.
let learningThreshold = 0.95

/// Trains `spec`, turning a non-finite loss or gradient (a diverged run) into a failed `ComparedRun` rather than an error.
func trainCompared(_ spec: TrainingSpec, name: String, on data: DataSplits, progress: ProgressReporter.Mode) throws -> ComparedRun {
    do {
        var outcome = try train(spec, on: data, progress: progress)
        // Keep the measurements, not the model: its workspaces take hundreds of MB at evaluation batch size.
        outcome.model = Sequential([])
        return ComparedRun(name: name, spec: spec, outcome: outcome)
    } catch let error as NonFiniteValueError {
        return ComparedRun(name: name, spec: spec, outcome: nil, failure: error.description)
    }
}

extension DataSplits {
    /// These splits with the training split cut to its first `size` images (nil: unchanged) and
    /// the input normalization recomputed on what remains.
    func cut(toTrainingSize size: Int?) -> DataSplits {
        guard let size, size < training.count else { return self }
        var result = self
        result.training = training.prefix(size)
        result.normalization = .perChannel(statisticsOf: result.training)
        return result
    }
}

/// "the first 15000 of 55000 training images; all 5000 validation and 10000 test images …".
func subsetDescription(_ data: DataSplits, availableTrainingImages available: Int) -> String {
    let used = data.training.count < available
        ? "the first \(data.training.count) of \(available) training images" : "all \(data.training.count) training images"
    return "\(used); all \(data.validation.count) validation and \(data.test.count) test images (--train-size and --epochs train more)"
}

/// Results per run: learning rate, final training loss, best validation accuracy and its epoch,
/// test accuracy, steps to `targetAccuracy`, wall time and throughput; the best of each column marked.
func comparisonTable(_ runs: [ComparedRun], firstColumn: String, targetAccuracy: Double) -> Table {
    let target = "steps to \(percent(targetAccuracy, decimals: 1))"
    var table = Table(headers: [
        firstColumn, "learning rate", "final training loss", "best validation accuracy", "at epoch",
        "test accuracy", target, "seconds", "images/s", "learned",
    ])
    for run in runs {
        let rate = Cell(run.spec.effectiveLearningRate, format: .significant(3))
        guard let outcome = run.outcome else {
            table.append([.text(run.name), rate, .missing, .missing, .missing, .missing, .missing, .missing, .missing, .text("diverged")])
            continue
        }
        let best = outcome.history.bestEpoch
        table.append([
            .text(run.name), rate,
            .number(outcome.finalTrainingLoss, .fixed(4)),
            best?.validationAccuracy.map { .number($0, .percent(2)) } ?? .missing,
            best.map { .text(String($0.epoch)) } ?? .missing,
            .number(outcome.test.accuracy, .percent(2)),
            outcome.history.stepsToReach(validationAccuracy: targetAccuracy).map(Cell.integer) ?? .missing,
            .number(outcome.trainingSeconds, .fixed(1)),
            .number(outcome.imagesPerSecond, .fixed(0)),
            .text(run.learned ? "yes" : "no"),
        ])
    }
    table.markBest(inColumn: "final training loss", .lowerIsBetter)
    table.markBest(inColumn: "best validation accuracy", .higherIsBetter)
    table.markBest(inColumn: "test accuracy", .higherIsBetter)
    table.markBest(inColumn: target, .lowerIsBetter)
    table.markBest(inColumn: "seconds", .lowerIsBetter)
    table.markBest(inColumn: "images/s", .higherIsBetter)
    return table
}

/// How to read the columns of `comparisonTable`.
func columnNotes(targetAccuracy: Double) -> String {
    "*Final training loss* is the mean mini-batch loss of the last epoch. Validation accuracy is measured after each epoch, "
        + "so *steps to \(percent(targetAccuracy, decimals: 1))* is the last step of the first epoch that reached it (— if none did). "
        + "The test set is evaluated once per run, after training. *Seconds* and *images/s* count training steps only. "
        + "*Learned* is whether test accuracy reached \(percent(learningThreshold, decimals: 0))."
}

/// The finding paragraph: who won which column, by how much, and who did not learn — all computed from `runs`.
func findings(_ runs: [ComparedRun], kind: String, targetAccuracy: Double) -> String {
    let finished = runs.filter { $0.outcome != nil }
    guard let best = bestRun(runs, by: { $0.test.accuracy }) else { return "No \(kind) finished training: every run diverged." }
    var sentences: [String] = []
    let accuracies = finished.map { $0.outcome!.test.accuracy }
    let worst = finished.min { $0.outcome!.test.accuracy < $1.outcome!.test.accuracy }!
    sentences.append("\(best.name) reached the best test accuracy, \(percent(best.outcome!.test.accuracy))"
        + (finished.count > 1 ? "; \(worst.name) the lowest, \(percent(worst.outcome!.test.accuracy)) (spread \(String(format: "%.2f", (accuracies.max()! - accuracies.min()!) * 100)) points)." : "."))
    let reaching = finished.compactMap { run in run.outcome!.history.stepsToReach(validationAccuracy: targetAccuracy).map { (run.name, $0) } }
    if let fastest = reaching.min(by: { $0.1 < $1.1 }) {
        sentences.append("\(reaching.count) of \(runs.count) reached \(percent(targetAccuracy, decimals: 1)) validation accuracy; \(fastest.0) first, after \(fastest.1) steps.")
    } else {
        sentences.append("None reached \(percent(targetAccuracy, decimals: 1)) validation accuracy within the budget.")
    }
    if let lowest = finished.min(by: { $0.outcome!.finalTrainingLoss < $1.outcome!.finalTrainingLoss }), lowest.name != best.name {
        sentences.append("\(lowest.name) fitted the training data best (final loss \(String(format: "%.4f", lowest.outcome!.finalTrainingLoss))) without the best test accuracy.")
    }
    if finished.count > 1 {
        let fastest = finished.max { $0.outcome!.imagesPerSecond < $1.outcome!.imagesPerSecond }!
        let slowest = finished.min { $0.outcome!.imagesPerSecond < $1.outcome!.imagesPerSecond }!
        let ratio = slowest.outcome!.imagesPerSecond / fastest.outcome!.imagesPerSecond
        sentences.append("Throughput ranged from \(Int(slowest.outcome!.imagesPerSecond)) images/s (\(slowest.name)) to \(Int(fastest.outcome!.imagesPerSecond)) (\(fastest.name))"
            + (ratio > 0.85 ? ", within \(Int(((1 - ratio) * 100).rounded()))%: the update rule costs little next to the forward and backward passes." : "."))
    }
    let failed = runs.filter { !$0.learned }
    sentences.append(failed.isEmpty
        ? "Every \(kind) reached \(percent(learningThreshold, decimals: 0)) test accuracy."
        : "\(failed.count) of \(runs.count) did not reach \(percent(learningThreshold, decimals: 0)) test accuracy: \(failed.map(\.name).joined(separator: ", ")) (see below).")
    return sentences.joined(separator: " ")
}

/// A plain statement, for each run that did not learn, of what happened and its likely cause.
func addDiagnoses(_ runs: [ComparedRun], to report: inout Report) {
    let notes = runs.compactMap { run in diagnosis(of: run).map { "- **\(run.name)** (η = \(run.spec.effectiveLearningRate)): \($0)" } }
    guard !notes.isEmpty else { return }
    report.addHeading("Runs that did not learn")
    report.addParagraph(notes.joined(separator: "\n"))
}

/// Why `run` did not reach `learningThreshold`, judged from its loss curve, or nil if it did.
///
/// A loss that rose well above its first value points to a step too large; a loss still falling
/// at the end or a low training accuracy, to a step too small for the budget; a good training
/// accuracy with a poor held-out one, to steps too large for the weights to settle.
func diagnosis(of run: ComparedRun) -> String? {
    guard !run.learned else { return nil }
    guard let outcome = run.outcome else {
        return "diverged (\(run.failure ?? "non-finite value")). The learning rate is too large for \(run.name)."
    }
    let raw = outcome.history.steps.map { Double($0.loss) }
    let smoothed = movingAverage(raw, window: 20)
    guard let first = raw.first, let final = smoothed.last else { return "did not train (no steps)." }
    let accuracy = "test accuracy \(percent(outcome.test.accuracy))"
    let path = "the training loss went from \(String(format: "%.3f", first)) (first step) to \(String(format: "%.3f", final)) (mean of the last 20)"
    // The first step's loss is that of the initial weights (≈ ln 10 on 10 classes); a mean of 20 steps well above it is a blow-up.
    if let peak = smoothed.indices.max(by: { smoothed[$0] < smoothed[$1] }), smoothed[peak] > 1.5 * first {
        return "unstable (\(accuracy)): \(path), after rising to \(String(format: "%.3f", smoothed[peak])) around step \(peak + 1). "
            + "The learning rate is likely too large for \(run.name); try a smaller one."
    }
    let window = max(1, raw.count / 10)
    let last = raw.suffix(window).reduce(0, +) / Double(window)
    let before = raw.dropLast(window).suffix(window)
    let stillFalling = !before.isEmpty && last < 0.9 * before.reduce(0, +) / Double(before.count)
    if stillFalling || (outcome.history.epochs.last?.trainingAccuracy ?? 0) < learningThreshold {
        return "learned too slowly (\(accuracy)): \(path)\(stillFalling ? " and was still falling" : ", and training accuracy stayed below \(percent(learningThreshold, decimals: 0)) too"). The learning rate is likely too small for \(run.name) "
            + "at this budget; try a larger learning rate or more training (--epochs, --train-size)."
    }
    return "did not settle (\(accuracy)): \(path) and training accuracy passed \(percent(learningThreshold, decimals: 0)), but held-out accuracy stayed lower. "
        + "The learning rate is likely too large for the weights to settle; try a smaller one or a decaying schedule."
}

/// Training loss and validation accuracy of the runs that finished, one line each.
func addCurves(_ runs: [ComparedRun], to report: inout Report) {
    let curves = learningCurves(runs.compactMap { run in run.outcome.map { (name: run.name, history: $0.history) } })
    report.addPlot(curves.loss, fileName: "loss.svg", caption: "Training loss per step (moving average of 20 steps), log scale.")
    report.addPlot(curves.accuracy, fileName: "validation-accuracy.svg", caption: "Validation accuracy after each epoch.")
}

/// The finished run with the largest `key` of its outcome (the first on ties).
func bestRun(_ runs: [ComparedRun], by key: (TrainingOutcome) -> Double) -> ComparedRun? {
    runs.filter { $0.outcome != nil }.max { key($0.outcome!) < key($1.outcome!) }
}

/// `value` as a percentage: 0.9712 → "97.12%".
func percent(_ value: Double, decimals: Int = 2) -> String {
    NumberFormat.percent(decimals).string(for: value)
}
