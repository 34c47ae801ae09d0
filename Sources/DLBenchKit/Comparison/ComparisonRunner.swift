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
/// and augmentation come from its seed alone.
struct ComparisonRunner {
    var seeds: [UInt64]
    var progress: ProgressReporter.Mode

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
        var done = 0
        for index in tuned {
            let trials = try tune(entries[index], rates: grid, on: data)
            tuning[entries[index].name] = trials
            entries[index].spec.learningRate = LearningRateGrid.best(of: trials) ?? entries[index].spec.effectiveLearningRate
            done += trials.count
        }
        var results: [EntryResult] = []
        for entry in entries {
            var runs: [ComparedRun] = []
            for seed in seeds {
                var spec = entry.spec
                spec.seed = seed
                runs.append(try trainCompared(spec, name: entry.name, on: data, progress: progress, testEveryEpoch: true))
                done += 1
                if done == tuned.count * grid.count + 1 || done == runCount / 2 {
                    let elapsed = Date().timeIntervalSince(start)
                    say("\(definition.name): \(done) of \(runCount) runs in \(Int(elapsed)) s; "
                        + String(format: "about %.1f min left.", elapsed / Double(done) * Double(runCount - done) / 60))
                }
            }
            results.append(EntryResult(entry: entry, runs: runs))
        }
        let reference = results.map(\.finalValidationAccuracy.mean).filter { !$0.isNaN }.max()
        return ComparisonResult(
            definition: definition, budget: budget, data: data, availableTrainingImages: fullData.training.count, seeds: seeds, quick: quick,
            entries: results, tuning: tuning, initialLosses: checks,
            thresholds: Thresholds(classCount: data.training.classCount, reference: reference),
            wallSeconds: Date().timeIntervalSince(start))
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

    /// `entry` at each of `rates`, one short run each with the first seed.
    private func tune(_ entry: ComparisonEntry, rates: [Float], on data: DataSplits) throws -> [LearningRateTrial] {
        let tuningData = LearningRateGrid.tuningData(data)
        return try rates.map { rate in
            var spec = entry.spec
            (spec.learningRate, spec.seed, spec.epochs) = (rate, seeds[0], 1)
            let run = try trainCompared(spec, name: entry.name, on: tuningData, progress: progress, testEveryEpoch: false)
            return LearningRateTrial(learningRate: rate, validationAccuracy: run.outcome?.history.epochs.last?.validationAccuracy ?? .nan)
        }
    }

    /// A line on standard error, where the progress goes (standard output holds the results table);
    /// with quiet progress only when `always`.
    private func say(_ line: String, always: Bool = false) {
        guard always || progress != .quiet else { return }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
