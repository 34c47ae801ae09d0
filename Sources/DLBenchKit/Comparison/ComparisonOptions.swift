import ArgumentParser
import Foundation

/// The options of every engine comparison, besides `CommonOptions`.
struct ComparisonOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Seeds per entry: --seed, --seed+1, … (mean ± standard deviation and Welch's t-test over them).")
    var seeds = 3

    @Option(name: .customLong("train-size"), parsing: .unconditional, help: "Training images used (default: the comparison's budget).")
    var trainSize: Int?

    @OptionGroup var parallel: ParallelOptions

    func validate() throws {
        try checkRange(seeds, 1...100, option: "--seeds")
        try checkRange(trainSize, 1...10_000_000, option: "--train-size")
    }

    /// The seeds of the runs, from `common.seed` up.
    func seedList(from first: UInt64) -> [UInt64] {
        (0..<seeds).map { first &+ UInt64($0) }
    }

    /// The budget of `definition` for these options: `--quick`'s or the default, with `--epochs`,
    /// `--batch-size` and `--train-size` taking precedence.
    func budget(of definition: ComparisonDefinition, common: CommonOptions) -> Budget {
        var budget = common.quick ? definition.quickBudget : definition.budget
        budget.epochs = common.epochs ?? budget.epochs
        budget.batchSize = common.batchSize ?? budget.batchSize
        budget.trainingSize = trainSize ?? budget.trainingSize
        return budget
    }
}

/// Runs `definition` as its subcommand does: trains it with the engine, prints the table, the
/// summary and the findings, and writes the report to `--out` (default `bench-results/<name>`).
func runComparison(_ definition: ComparisonDefinition, common: CommonOptions, options: ComparisonOptions) throws {
    let directory = try common.outputDirectory(for: definition.name)
    let data = try common.loadData()
    let runner = ComparisonRunner(seeds: options.seedList(from: common.seed), progress: common.progressMode, width: options.parallel.width)
    let result = try withSingleThreadedBLAS {
        try runner.run(definition, budget: options.budget(of: definition, common: common), quick: common.quick, on: data)
    }
    try finish(result.report(), table: result.table, directory: directory, common: common, notes: result.findings)
}
