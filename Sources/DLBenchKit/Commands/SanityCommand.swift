import ArgumentParser
import DLNN

/// `dlbench sanity`: every preset's initial loss against ln(classes), and whether it overfits one small batch.
struct SanityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sanity",
        abstract: "Check every preset's initial loss against ln(classes) and that it can overfit one small batch to 100% (the course's first steps).",
        discussion: """
            The presets are mlp, lenet5, vgg and resnet, and vgg and resnet with BatchNorm. The batch is the first --batch-size \
            training images (default 32; --quick 16), trained with Adam for at most --steps steps (default 300; --quick 100); \
            --quick checks mlp and lenet5 only. \
            Takes one to a few minutes on 2 cores (release build; 5.6 minutes measured with other builds running).
            """)

    @OptionGroup var common: CommonOptions

    @Option(parsing: .unconditional, help: "Most Adam steps on the batch (default 300; --quick 100).")
    var steps: Int?

    @Option(name: .customLong("learning-rate"), parsing: .unconditional, help: "Adam's rate (default 0.001).")
    var learningRate: Float?

    func validate() throws {
        try checkRange(steps, 1...100_000, option: "--steps")
        try checkRange(common.batchSize, 1...4096, option: "--batch-size")
        if let learningRate, !(learningRate > 0 && learningRate.isFinite) {
            throw ValidationError("--learning-rate must be a positive number, got \(learningRate)")
        }
        if common.epochs != nil { throw ValidationError("--epochs: sanity trains one batch for --steps steps, not epochs") }
    }

    func run() throws {
        let directory = try common.outputDirectory(for: "sanity")
        var settings = common.quick ? SanityCheck.Settings.quick : SanityCheck.Settings()
        settings.batchSize = common.batchSize ?? settings.batchSize
        settings.maximumSteps = steps ?? settings.maximumSteps
        settings.learningRate = learningRate ?? settings.learningRate
        settings.seed = common.seed
        let check = try SanityCheck(settings, on: try common.loadData(), progress: common.progressMode)
        try finish(check.report(), table: check.table, directory: directory, common: common, notes: check.claims.map { "\($0.statement): \($0.verdict.rawValue)" })
    }
}
