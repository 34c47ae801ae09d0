import ArgumentParser

/// `dlbench search`: grid against random search over learning rate, weight decay and dropout.
struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Grid search against random search at equal budgets over learning rate, weight decay and dropout (Bergstra & Bengio, 2012).",
        discussion: """
            Each trial trains the MLP with momentum SGD from the same initial weights for a short run (default 2 epochs of batch 64 on \
            5000 images) and is scored on 2000 validation images; the test set is not used. The grid of a budget of N trials is the \
            k³ ≤ N grid of cell centres; random search draws N points, --repeats times. The default (27 trials, 3 random searches: \
            119 short runs) takes about 3 minutes on 2 cores (release build).
            """)

    @OptionGroup var common: CommonOptions

    @Option(help: "grid, random or both (both: the claim's comparison).")
    var strategy: String = "both"

    @Option(parsing: .unconditional, help: "Trials per search, N (default 27; --quick 8). The grid uses the largest k with k³ ≤ N.")
    var trials: Int?

    @Option(parsing: .unconditional, help: "Random searches, each with its own sampling seed (default 3; --quick 2).")
    var repeats: Int?

    @Option(name: .customLong("train-size"), parsing: .unconditional, help: "Training images per trial (default 5000; --quick 512).")
    var trainSize: Int?

    func validate() throws {
        guard strategy == "both" || SearchStrategy(rawValue: strategy) != nil else {
            throw ValidationError("--strategy: unknown strategy '\(strategy)' (known: grid, random, both)")
        }
        try checkRange(trials, 1...1000, option: "--trials")
        try checkRange(repeats, 1...100, option: "--repeats")
        try checkRange(trainSize, 1...10_000_000, option: "--train-size")
    }

    func run() throws {
        let directory = try common.outputDirectory(for: "search")
        let data = try common.loadData()
        let budget = Budget(
            epochs: common.epochs ?? 2, batchSize: common.batchSize ?? 64,
            trainingSize: trainSize ?? (common.quick ? 512 : 5000), evaluationSize: common.quick ? 300 : 2000)
        let experiment = SearchExperiment(
            strategies: SearchStrategy(rawValue: strategy).map { [$0] } ?? SearchStrategy.allCases,
            trials: trials ?? (common.quick ? 8 : 27), repeats: repeats ?? (common.quick ? 2 : 3),
            budget: budget, seed: common.seed, progress: common.progressMode)
        let result = try experiment.run(on: data)
        try finish(result.report(), table: result.table, directory: directory, common: common, notes: [result.claim.measured])
    }
}
