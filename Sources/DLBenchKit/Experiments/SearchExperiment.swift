import DLNN
import DLReport
import Foundation

/// `dlbench search`: grid against random search at equal budgets over learning rate, weight decay and
/// dropout of momentum SGD on the MLP (Bergstra & Bengio, 2012).
///
/// Every trial trains from the same initial weights and data order (the first seed), so a trial's
/// score — validation accuracy after the short run — is a fixed function of its hyper-parameters and
/// the strategies differ only in the points they try. The grid at a budget of N trials is the k³ ≤ N
/// grid; random search's first n trials are a random search of n trials, repeated with different
/// sampling seeds. The best configuration found is retrained with further seeds to measure how much
/// a score moves with the seed alone: differences below twice that spread are not called differences.
struct SearchExperiment {
    var space = SearchSpace()
    var strategies: [SearchStrategy]
    /// The budget N: trials per search.
    var trials: Int
    /// Random searches run, each with its own sampling seed.
    var repeats: Int
    /// Each trial's training: epochs, batch size and training images (validation images: `evaluationSize`).
    var budget: Budget
    var seed: UInt64
    var progress: ProgressReporter.Mode

    /// Seeds the best configuration is retrained with to measure the seed-to-seed spread of a score.
    static let noiseSeeds = 3

    struct Result {
        var experiment: SearchExperiment
        var data: DataSplits
        /// The grids of k = 1, 2, … points per axis up to the budget, by k.
        var grids: [(pointsPerAxis: Int, trials: [ScoredTrial])]
        /// One random search of `trials` trials per repeat.
        var randomSearches: [[ScoredTrial]]
        /// The best configuration's validation accuracy over `noiseSeeds` training seeds.
        var seedSpread: Summary
        var best: ScoredTrial?
        var wallSeconds: Double
    }

    /// Runs the searches on `data` (cut to the budget) with the MLP.
    func run(on fullData: DataSplits) throws -> Result {
        let start = Date()
        let data = fullData.tuningSplits(trainingSize: budget.trainingSize ?? fullData.training.count, validationSize: budget.evaluationSize ?? fullData.validation.count)
        let runCount = (strategies.contains(.grid) ? (1...SearchSpace.gridSize(forTrials: trials)).reduce(0) { $0 + $1 * $1 * $1 } : 0)
            + (strategies.contains(.random) ? repeats * trials : 0) + Self.noiseSeeds - 1
        say("search: \(runCount) training runs of \(budget.epochs) epochs of batch \(budget.batchSize) on \(data.training.count) images, each scored on \(data.validation.count) validation images.")
        let score = { (h: Hyperparameters, seed: UInt64) throws -> Double in try validationAccuracy(h, seed: seed, on: data) }
        let grids = strategies.contains(.grid)
            ? try (1...SearchSpace.gridSize(forTrials: trials)).map { k in
                (pointsPerAxis: k, trials: try space.grid(pointsPerAxis: k).map { ScoredTrial(hyperparameters: $0, score: try score($0, seed)) })
            }
            : []
        let randomSearches = strategies.contains(.random)
            ? try (0..<repeats).map { r in
                try space.random(count: trials, seed: seed &+ 1000 &+ UInt64(r)).map { ScoredTrial(hyperparameters: $0, score: try score($0, seed)) }
            }
            : []
        let all = grids.flatMap(\.trials) + randomSearches.flatMap { $0 }
        let best = all.filter { !$0.score.isNaN }.max { $0.score < $1.score }
        var spread = Summary([])
        if let best {
            let others = try (1..<Self.noiseSeeds).map { try score(best.hyperparameters, seed &+ UInt64($0)) }
            spread = Summary([best.score] + others)
        }
        return Result(
            experiment: self, data: data, grids: grids, randomSearches: randomSearches, seedSpread: spread, best: best,
            wallSeconds: Date().timeIntervalSince(start))
    }

    /// Validation accuracy of the MLP trained with `h` and `seed` (NaN when it diverged).
    private func validationAccuracy(_ h: Hyperparameters, seed: UInt64, on data: DataSplits) throws -> Double {
        let spec = budget.applied(to: ComparisonEntry(name: "", spec: TrainingSpec(
            model: .mlp, optimizer: .momentum, learningRate: Float(h.learningRate), weightDecay: Float(h.weightDecay),
            dropout: Float(h.dropout), seed: seed))).spec
        let run = try trainCompared(spec, name: "trial", on: data, progress: .quiet, testEveryEpoch: false)
        let accuracy = run.outcome?.history.epochs.last?.validationAccuracy ?? .nan
        say(String(format: "search: η = %.3g, weight decay %.1e, dropout %.2f, seed \(seed): ", h.learningRate, h.weightDecay, h.dropout)
            + (accuracy.isNaN ? "diverged" : "validation accuracy \(percent(accuracy))"))
        return accuracy
    }

    private func say(_ line: String) {
        guard progress != .quiet else { return }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

extension SearchExperiment.Result {
    /// The grid's best score at its largest size, and the random searches' best at the full budget.
    private var gridBest: Double? { grids.last.map { runningBest($0.trials).last ?? .nan } }
    private var randomBest: Summary { Summary(randomSearches.compactMap { runningBest($0).last }.filter { !$0.isNaN }) }
    private var largestGridTrials: Int { grids.last.map { $0.trials.count } ?? 0 }

    /// Best validation accuracy against trials: the grid at each of its sizes and random search at the same counts.
    var table: Table {
        var table = Table(headers: ["trials", "grid", "grid: distinct learning rates", "random (mean ± std over searches)", "random: distinct learning rates"])
        let counts = grids.isEmpty ? [experiment.trials] : grids.map { $0.trials.count }
        for (index, count) in counts.enumerated() {
            let grid = grids.indices.contains(index) ? grids[index] : nil
            let random = Summary(randomSearches.compactMap { count <= $0.count ? runningBest($0)[count - 1] : nil }.filter { !$0.isNaN })
            table.append([
                .integer(count),
                grid.map { .number(runningBest($0.trials).last ?? .nan, .percent(2)) } ?? .missing,
                grid.map { .integer($0.pointsPerAxis) } ?? .missing,
                randomSearches.isEmpty ? .missing : .text(random.percentText()),
                randomSearches.isEmpty ? .missing : .integer(count),
            ])
        }
        return table
    }

    /// The claim's measured numbers and verdict: random search's mean best at the grid's largest size
    /// against the grid's best there, a difference counted only beyond twice the seed-to-seed spread.
    var claim: (measured: String, verdict: Verdict) {
        guard let gridBest, !gridBest.isNaN, !randomSearches.isEmpty else {
            return ("needs both strategies with at least one finished trial (--strategy both).", .inconclusive)
        }
        let n = largestGridTrials
        let randomAtN = Summary(randomSearches.map { runningBest($0)[n - 1] }.filter { !$0.isNaN })
        let noise = 2 * seedSpread.standardDeviation
        let difference = randomAtN.mean - gridBest
        let toMatch = randomSearches.map { search in runningBest(search).firstIndex { $0 >= gridBest }.map { $0 + 1 } }
        let matched = toMatch.compactMap { $0 }
        var measured = "best validation accuracy after \(n) trials: grid \(percent(gridBest)) (\(grids.last!.pointsPerAxis) distinct values per axis), "
            + "random \(randomAtN.percentText()) over \(randomAtN.count) searches (\(n) distinct values per axis); "
            + "one configuration's spread across \(seedSpread.count) training seeds \(seedSpread.percentText()), so differences below "
            + "\(percent(noise, decimals: 2)) are noise. "
        measured += matched.isEmpty
            ? "No random search reached the grid's best within \(experiment.trials) trials."
            : "Random search reached the grid's best after \(matched.map(String.init).joined(separator: ", ")) trials"
                + (matched.count < toMatch.count ? " (\(toMatch.count - matched.count) of \(toMatch.count) searches never did)" : "") + "."
        if difference > noise { return (measured, .reproduced) }
        if difference < -noise { return (measured, .notReproduced) }
        return (measured, .inconclusive)
    }

    func report() -> Report {
        var report = Report(
            title: "Grid search against random search",
            summary: "Best validation accuracy found against the number of trials, for grid and random search over learning rate, weight decay "
                + "and dropout of momentum SGD on the MLP (\(data.name)).")
        let space = experiment.space
        report.addSettings([
            ("data", .text("\(data.name): the first \(data.training.count) training and \(data.validation.count) validation images; no test set")),
            ("each trial", .text("MLP 784-512-512-10, momentum 0.9, \(experiment.budget.epochs) epoch\(experiment.budget.epochs == 1 ? "" : "s") of batch \(experiment.budget.batchSize), training seed \(experiment.seed)")),
            ("space", .text("learning rate \(space.learningRate.lowerBound)…\(space.learningRate.upperBound) (log), weight decay "
                + "\(space.weightDecay.lowerBound)…\(space.weightDecay.upperBound) (log), dropout \(space.dropout.lowerBound)…\(space.dropout.upperBound)")),
            ("grid", .text("k³ cell centres, k = 1…\(grids.last?.pointsPerAxis ?? 0)")),
            ("random", .text("\(randomSearches.count) searches of \(experiment.trials) trials, sampling seeds \(experiment.seed + 1000)…")),
            ("total wall time", .text(String(format: "%.1f s", wallSeconds))),
        ])
        report.addTable(table, title: "Best validation accuracy after n trials")
        let (measured, verdict) = claim
        report.addClaim(
            "Random search finds as good or better hyper-parameters than grid search at equal budget when only a few of them matter",
            source: "Bergstra & Bengio, 2012: a grid of n trials tries only n^(1/d) values of each hyper-parameter, random search n",
            setting: "\(data.name), each trial \(experiment.budget.epochs) epoch\(experiment.budget.epochs == 1 ? "" : "s") of batch \(experiment.budget.batchSize) on \(data.training.count) training images, scored on \(data.validation.count) validation images; \(largestGridTrials) trials per search", measured: measured, verdict: verdict)
        addEffects(to: &report)
        addCurves(to: &report)
        report.addMachine(MachineInfo.current())
        return report
    }

    /// How much each axis moves the score, from all random trials: the premise of the claim.
    private func addEffects(to report: inout Report) {
        let trials = randomSearches.flatMap { $0 } + grids.flatMap(\.trials)
        var table = Table(headers: ["hyper-parameter", "range of mean accuracy over its thirds"])
        for effect in mainEffects(trials, space: experiment.space, divergedScore: 1 / Double(data.training.classCount)) { table.append([.text(effect.name), .number(effect.range, .percent(2))]) }
        report.addTable(table, title: "Which hyper-parameters matter (all \(trials.count) trials split into thirds of each axis; a diverged trial counts as chance accuracy)")
        var top = Table(headers: ["learning rate", "weight decay", "dropout", "validation accuracy"])
        for trial in trials.filter({ !$0.score.isNaN }).sorted(by: { $0.score > $1.score }).prefix(5) {
            let h = trial.hyperparameters
            top.append([Cell(h.learningRate, format: .significant(3)), Cell(h.weightDecay, format: .scientific(1)),
                        Cell(h.dropout, format: .fixed(2)), .number(trial.score, .percent(2))])
        }
        report.addTable(top, title: "The five best trials")
    }

    private func addCurves(to report: inout Report) {
        var series: [LineChart.Series] = []
        if !grids.isEmpty {
            series.append(.init(name: "grid (k³ trials)", x: grids.map { Double($0.trials.count) }, y: grids.map { runningBest($0.trials).last ?? .nan }))
        }
        if !randomSearches.isEmpty {
            series.append(meanSeries("random (mean of \(randomSearches.count))", randomSearches.map(runningBest), x: { Double($0 + 1) }))
        }
        report.addPlot(
            LineChart(title: "Best validation accuracy against trials", x: .init("trials", scale: .log2), y: .init("best validation accuracy"),
                      series: series, showsMarkers: true),
            fileName: "search.svg",
            caption: "The best score among the first n trials; random search's band is ±1 standard deviation over its searches.")
    }
}
