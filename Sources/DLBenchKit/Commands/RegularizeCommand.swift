import ArgumentParser
import DLNN

/// `dlbench regularize`: overfitting made visible, and what each regularizer does to it.
struct RegularizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regularize",
        abstract: "Train a network that memorizes a small subset without and with L2, dropout, augmentation, mixup, label smoothing and early stopping; diagnose each from its curves.",
        discussion: """
            The mlp preset (two hidden layers of 512) trains on the first 2000 training images for 20 epochs with each seed, \
            alone and with one regularizer each: L2 weight decay, dropout, random translation (no flips: digits are not \
            symmetric), mixup, label smoothing, early stopping on the validation loss. The report plots the clean training loss \
            against the validation loss of every setting and says whether it overfits, underfits or is still improving. \
            A few minutes on 2 cores (release build); --quick: 256 images, 3 epochs; --full: 5000 images, 60 epochs.
            """)

    @OptionGroup var common: CommonOptions
    @OptionGroup var comparison: ComparisonOptions

    @Option(name: .customLong("learning-rate"), parsing: .unconditional, help: "Momentum SGD's rate for every setting (default 0.05).")
    var learningRate: Float?

    @Option(name: .customLong("weight-decay"), parsing: .unconditional, help: "L2 weight decay λ (default 0.005).")
    var weightDecay: Float?

    @Option(parsing: .unconditional, help: "Dropout probability of the hidden units (default 0.5).")
    var dropout: Float?

    @Option(name: .customLong("mixup-alpha"), parsing: .unconditional, help: "Mixup's α of Beta(α, α) (default 0.4).")
    var mixupAlpha: Float?

    @Option(name: .customLong("label-smoothing"), parsing: .unconditional, help: "Label smoothing ε (default 0.1).")
    var labelSmoothing: Float?

    @Flag(help: "Paper-scale: 5000 images, 60 epochs (tens of minutes).")
    var full = false

    func validate() throws {
        for (value, option, range) in [
            (learningRate, "--learning-rate", Float.leastNonzeroMagnitude...10), (weightDecay, "--weight-decay", 0...1),
            (dropout, "--dropout", 0...0.99), (mixupAlpha, "--mixup-alpha", Float.leastNonzeroMagnitude...100), (labelSmoothing, "--label-smoothing", 0...0.99),
        ] {
            if let value, !range.contains(value) {
                throw ValidationError("\(option) must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
            }
        }
        if full && common.quick { throw ValidationError("--full and --quick exclude each other") }
    }

    func run() throws {
        var settings = RegularizationSettings()
        settings.learningRate = learningRate ?? settings.learningRate
        settings.weightDecay = weightDecay ?? settings.weightDecay
        settings.dropout = dropout ?? settings.dropout
        settings.mixupAlpha = mixupAlpha ?? settings.mixupAlpha
        settings.labelSmoothing = labelSmoothing ?? settings.labelSmoothing
        let budget = full ? Budget(epochs: 60, trainingSize: 5000) : Budget(epochs: 20, trainingSize: 2000, evaluationSize: 2000)
        try runComparison(.regularization(settings, budget: budget), common: common, options: comparison)
    }
}
