import ArgumentParser
import DLNN

/// `dlbench init`: how the initialization of a deep plain network decides whether it trains.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Compare weight initializations (zero, small and large random, Xavier, He, LeCun) of deep plain MLPs: statistics at initialization, histograms, training.",
        discussion: """
            Every network has --depth hidden layers of --width units (tanh or ReLU) and no normalization. At initialization the \
            report gives each layer's activation mean, standard deviation and saturated (tanh) or zero (ReLU) fraction, the \
            gradients' standard deviations, and histograms of the activations (one panel per layer); then every network trains \
            with each seed at one fixed rate of momentum SGD, with a 30-layer ReLU pair (Xavier, He) for He et al.'s claim. \
            The default (12 networks of 10×256 and the deep pair, 3 seeds, 4 epochs on 20000 images) takes about 6 minutes on \
            2 cores (release build); --quick shrinks the width to 32 and the data to 512 images; --full trains 30-layer \
            networks for 5 epochs on all training images, as in the paper.
            """)

    @OptionGroup var common: CommonOptions
    @OptionGroup var comparison: ComparisonOptions

    @Option(help: "Comma-separated activations: \(PlainActivation.allCases.map(\.rawValue).joined(separator: ", ")).")
    var activations: String?

    @Option(help: "Comma-separated initializations: \(InitializationScheme.allCases.map(\.rawValue).joined(separator: ", ")).")
    var inits: String?

    @Option(parsing: .unconditional, help: "Hidden layers of the networks (default 10; --full 30).")
    var depth: Int?

    @Option(parsing: .unconditional, help: "Units per hidden layer (default 256; --quick 32).")
    var width: Int?

    @Option(name: .customLong("deep-depth"), parsing: .unconditional, help: "Hidden layers of the ReLU pair Xavier vs He (default 30; 0 leaves it out).")
    var deepDepth: Int?

    @Option(name: .customLong("learning-rate"), parsing: .unconditional, help: "Momentum SGD's rate for every network (default 0.01).")
    var learningRate: Float?

    @Flag(help: "Paper-scale: 30 hidden layers, 5 epochs on all training images (tens of minutes).")
    var full = false

    func validate() throws {
        try parsedLists()
        try checkRange(depth, 1...100, option: "--depth")
        try checkRange(width, 1...4096, option: "--width")
        try checkRange(deepDepth, 0...100, option: "--deep-depth")
        if let learningRate, !(learningRate > 0 && learningRate.isFinite) {
            throw ValidationError("--learning-rate must be a positive number, got \(learningRate)")
        }
        if full && common.quick { throw ValidationError("--full and --quick exclude each other") }
    }

    @discardableResult
    private func parsedLists() throws -> (activations: [PlainActivation]?, schemes: [InitializationScheme]?) {
        let activations: [PlainActivation]? = try self.activations.map { try parseList($0, option: "--activations") }
        let schemes: [InitializationScheme]? = try inits.map { try parseList($0, option: "--inits") }
        for (list, option) in [(activations?.map(\.rawValue), "--activations"), (schemes?.map(\.rawValue), "--inits")] {
            guard let list else { continue }
            if list.isEmpty { throw ValidationError("\(option): name at least one") }
            if Set(list).count != list.count { throw ValidationError("\(option): a name is listed twice") }
        }
        return (activations, schemes)
    }

    /// The settings of a default (or `--full`) run, or of a `--quick` one, with the flags applied.
    func settings(quick: Bool) throws -> InitializationSettings {
        var settings = quick ? InitializationSettings.quick : InitializationSettings()
        if full { settings.depth = 30 }
        let (activations, schemes) = try parsedLists()
        settings.activations = activations ?? settings.activations
        settings.schemes = schemes ?? settings.schemes
        settings.depth = depth ?? settings.depth
        settings.width = width ?? settings.width
        settings.deepDepth = deepDepth ?? settings.deepDepth
        settings.learningRate = learningRate ?? settings.learningRate
        return settings
    }

    func run() throws {
        let budget = full ? Budget(epochs: 5) : Budget(epochs: 4, trainingSize: 20_000, evaluationSize: 2000)
        let definition = ComparisonDefinition.initialization(try settings(quick: false), quickSettings: try settings(quick: true), budget: budget)
        try runComparison(definition, common: common, options: comparison)
    }
}
