import DLNN
import DLReport
import Foundation

/// Row-by-row MNIST (28 steps of 28 pixels): RNN, LSTM, GRU and a small Transformer encoder,
/// test accuracy and seconds per epoch.
struct SequenceRowMNIST {
    struct Settings {
        var trainingImages = 12_000
        var testImages = 2_000
        var epochs = 1
        var hiddenSize = 128
        var batchSize = 64
        var learningRate: Float = 2e-3
        var clipNorm: Float = 1
        var seed: UInt64 = 1
    }

    struct Run {
        var name: String
        var parameters: Int
        var testAccuracy: Double
        var secondsPerEpoch: Double
        var epochAccuracies: [Double]
    }

    let settings: Settings
    var runs: [Run] = []

    /// The model names, in the order run.
    static let modelNames = SequenceCell.allCases.map(\.displayName) + ["Transformer encoder"]

    init(settings: Settings, train: ImageDataset, test: ImageDataset, log: (String) -> Void) throws {
        self.settings = settings
        let training = try SequenceDataset(images: train.prefix(settings.trainingImages), steps: 28)
        let testing = try SequenceDataset(images: test.prefix(settings.testImages), steps: 28)
        for (index, name) in Self.modelNames.enumerated() {
            var generator = SeededGenerator(seed: settings.seed &+ UInt64(index))
            let model: Sequential
            if index < SequenceCell.allCases.count {
                model = SequenceCell.allCases[index].lastStepModel(inputSize: 28, hiddenSize: settings.hiddenSize, outputs: 10, generator: &generator)
            } else {
                model = Sequential(named: [
                    ("position", SinusoidalPositionalEncoding(embeddingSize: 28)),
                    ("encoder", TransformerEncoderLayer(embeddingSize: 28, heads: 4, feedForwardSize: settings.hiddenSize, generator: &generator)),
                    ("last", LastTimeStep()),
                    ("head", Dense(inputSize: 28, outputSize: 10, weightInitializer: .xavierUniform(), generator: &generator)),
                ])
            }
            let trainer = Trainer(
                model: model, loss: SoftmaxCrossEntropy(), optimizer: Adam(model.allParameters, learningRate: settings.learningRate),
                configuration: TrainingConfiguration(
                    epochs: settings.epochs, batchSize: settings.batchSize, seed: settings.seed, gradientClipping: .globalNorm(settings.clipNorm)))
            let history = try trainer.fit(training: training, validation: testing)
            let seconds = history.epochs.map(\.seconds).reduce(0, +) / Double(max(history.epochs.count, 1))
            let accuracies = history.epochs.compactMap(\.validationAccuracy)
            runs.append(Run(
                name: name, parameters: model.allParameters.reduce(0) { $0 + $1.value.count },
                testAccuracy: accuracies.last ?? .nan, secondsPerEpoch: seconds, epochAccuracies: accuracies))
            log(String(format: "row-MNIST %@: test accuracy %.2f%%, %.1f s/epoch", name, (accuracies.last ?? .nan) * 100, seconds))
        }
    }

    var settingText: String {
        "row-by-row MNIST (28 steps × 28 pixels in [0, 1]), the first \(settings.trainingImages) training and \(settings.testImages) test images; "
            + "hidden size \(settings.hiddenSize) (Transformer: E = 28, 4 heads, feed-forward \(settings.hiddenSize), one post-norm layer with sinusoidal positions); "
            + "last step → Dense(→ 10); Adam η = \(settings.learningRate), global-norm clipping at \(settings.clipNorm), batch \(settings.batchSize), "
            + "\(settings.epochs) epoch(s), seed \(settings.seed)"
    }

    func claim() -> SequenceClaim {
        let lstm = runs.first { $0.name == SequenceCell.lstm.displayName }
        let accuracy = lstm?.testAccuracy ?? .nan
        let measured = runs.map { String(format: "%@ %.2f%% (%.1f s/epoch)", $0.name, $0.testAccuracy * 100, $0.secondsPerEpoch) }.joined(separator: "; ")
        let full = settings.trainingImages >= 60_000 && settings.testImages >= 10_000
        let verdict: SequenceClaim.Verdict
        let reason: String
        if accuracy >= 0.98 {
            verdict = .holds
            reason = String(format: "the LSTM reaches %.2f%% ≥ 98%%", accuracy * 100)
        } else if full && settings.hiddenSize == 128 && settings.epochs >= 10 {
            verdict = .doesNotHold
            reason = String(format: "the LSTM reaches %.2f%% < 98%% on the full data", accuracy * 100)
        } else {
            verdict = .notShown
            reason = String(format: "the LSTM reaches %.2f%% on %d images × %d epoch(s) with %d hidden units; the claim is for the full training set (run `dlbench sequences --full`: 60 000 images, 10 epochs)",
                            accuracy * 100, settings.trainingImages, settings.epochs, settings.hiddenSize)
        }
        return SequenceClaim(
            statement: "an LSTM with 128 hidden units passes 98% test accuracy on row-by-row MNIST",
            source: "e.g. Arjovsky et al. 2016, Le et al. 2015 report ≈ 98–99% for LSTMs on sequential MNIST",
            setting: settingText, measured: measured, verdict: verdict, reason: reason)
    }

    func table() -> Table {
        var table = Table(headers: ["model", "parameters", "test accuracy", "seconds per epoch"])
        for run in runs {
            table.append([.text(run.name), .integer(run.parameters), .number(run.testAccuracy, .percent(2)), .number(run.secondsPerEpoch, .fixed(1))])
        }
        table.markBest(inColumn: 2, .higherIsBetter)
        return table
    }
}
