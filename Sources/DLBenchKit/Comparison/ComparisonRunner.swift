import DLNN
import DLReport
import Foundation

/// The comparison engine: trains every entry of a `ComparisonDefinition` with every seed through the
/// one training loop (`train`, a `Trainer` with callbacks), after the initial-loss check and, when the
/// definition asks, the learning-rate grid, and derives the report's thresholds from the runs.
///
///     let runner = ComparisonRunner(seeds: [1, 2, 3], progress: .automatic)
///     let result = try runner.run(.optimizers(), budget: Budget(epochs: 2), on: data)
///     try result.report().write(to: directory)
///
/// The same seeds and data give the same numbers on every run: each run's initialization, data order
/// and augmentation come from its seed alone. Up to `width` runs train at once (`parallelMap`), each
/// printing one line when it ends instead of a progress bar.
struct ComparisonRunner {
    var seeds: [UInt64]
    var progress: ProgressReporter.Mode
    /// Runs trained at once.
    var width = 1

    /// Runs the entries of `definition` (its quick ones when `quick`) at `budget` on `data` (cut to the budget's training size).
    func run(_ definition: ComparisonDefinition, budget: Budget, quick: Bool = false, on fullData: DataSplits) throws -> ComparisonResult {
        precondition(!seeds.isEmpty, "ComparisonRunner: no seeds")
        let start = Date()
        let data = budget.cut(fullData)
        var entries = definition.entries(quick).map(budget.applied(to:))
        let checks = try initialLossChecks(entries, on: data)
        for check in checks { say(check.text, always: !check.isWithinTolerance) }

        var tuning: [String: [LearningRateTrial]] = [:]
        let tuned = definition.tunesLearningRate ? entries.indices.filter { entries[$0].spec.learningRate == nil } : []
        let grid = LearningRateGrid.rates(quick: quick)
        let runCount = tuned.count * grid.count + entries.count * seeds.count
        say("\(definition.name): \(entries.count) entries × \(seeds.count) seed\(seeds.count == 1 ? "" : "s")"
            + (tuned.isEmpty ? "" : " after a grid of \(grid.count) learning rates for \(tuned.count) of them")
            + ", \(runCount) runs; \(budget.text).")
        let counter = RunCounter(name: definition.name, total: runCount, start: start, say: say)
        let runProgress = width > 1 ? ProgressReporter.Mode.quiet : progress
        let tuningData = LearningRateGrid.tuningData(data)
        let tuningJobs = tuned.flatMap { index in grid.map { (index: index, rate: $0) } }
        let trials = try parallelMap(tuningJobs, width: width) { job in
            var spec = entries[job.index].spec
            (spec.learningRate, spec.seed, spec.epochs) = (job.rate, seeds[0], 1)
            let run = try trainCompared(spec, name: entries[job.index].name, on: tuningData, progress: runProgress, testEveryEpoch: false)
            counter.finished("\(run.name), η = \(job.rate) (tuning)")
            return LearningRateTrial(learningRate: job.rate, validationAccuracy: run.outcome?.history.epochs.last?.validationAccuracy ?? .nan)
        }
        for index in tuned {
            let entryTrials = zip(tuningJobs, trials).filter { $0.0.index == index }.map(\.1)
            tuning[entries[index].name] = entryTrials
            entries[index].spec.learningRate = LearningRateGrid.best(of: entryTrials) ?? entries[index].spec.effectiveLearningRate
        }
        let jobs = entries.flatMap { entry in seeds.map { seed in (entry: entry, seed: seed) } }
        let runs = try parallelMap(jobs, width: width) { job in
            var spec = job.entry.spec
            spec.seed = job.seed
            let run = try trainCompared(spec, name: job.entry.name, on: data, progress: runProgress, testEveryEpoch: true)
            counter.finished("\(run.name), seed \(job.seed)")
            return run
        }
        let results = entries.enumerated().map { index, entry in
            EntryResult(entry: entry, runs: Array(runs[(index * seeds.count)..<((index + 1) * seeds.count)]))
        }
        let reference = results.map(\.finalValidationAccuracy.mean).filter { !$0.isNaN }.max()
        return ComparisonResult(
            definition: definition, budget: budget, data: data, availableTrainingImages: fullData.training.count, seeds: seeds, quick: quick,
            entries: results, tuning: tuning, initialLosses: checks,
            thresholds: Thresholds(classCount: data.training.classCount, reference: reference),
            wallSeconds: Date().timeIntervalSince(start), parallelRuns: width)
    }

    /// The initial loss of each distinct model of `entries` at the first seed.
    private func initialLossChecks(_ entries: [ComparisonEntry], on data: DataSplits) throws -> [InitialLossCheck] {
        var seen: Set<String> = []
        return try entries.compactMap { entry in
            guard seen.insert("\(entry.spec.modelName)/\(entry.spec.norm.rawValue)").inserted else { return nil }
            var spec = entry.spec
            spec.seed = seeds[0]
            return try InitialLossCheck.measure(spec, on: data)
        }
    }

    /// A line on standard error, where the progress goes (standard output holds the results table);
    /// with quiet progress only when `always`.
    private func say(_ line: String, always: Bool = false) {
        guard always || progress != .quiet else { return }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

/// Counts the finished runs of a comparison from any thread and says each with the time left.
private final class RunCounter: @unchecked Sendable {
    let name: String, total: Int, start: Date
    let say: (String, Bool) -> Void
    private let lock = NSLock()
    private var done = 0

    init(name: String, total: Int, start: Date, say: @escaping (String, Bool) -> Void) {
        (self.name, self.total, self.start, self.say) = (name, total, start, say)
    }

    /// Says that the run `what` finished: "optimizers: 5 of 33 runs (Adam, seed 2) in 40 s; about 3.1 min left."
    func finished(_ what: String) {
        lock.withLock {
            done += 1
            let elapsed = Date().timeIntervalSince(start)
            say("\(name): \(done) of \(total) runs (\(what)) in \(Int(elapsed)) s; "
                + String(format: "about %.1f min left.", elapsed / Double(done) * Double(total - done) / 60), false)
        }
    }
}
