import DLNN
import DLReport
import Foundation

/// Row-by-row MNIST (28 steps of 28 pixels): RNN, LSTM, GRU and a small Transformer encoder,
/// test accuracy (mean ± standard deviation over seeds) and seconds per epoch.
struct SequenceRowMNIST {
    struct Settings {
        var trainingImages = 12_000
        var testImages = 2_000
        var epochs = 1
        var hiddenSize = 128
        var batchSize = 64
        var learningRate: Float = 2e-3
        var clipNorm: Float = 1
        var seeds: [UInt64] = [1, 2, 3]
    }

    /// One model trained with one seed.
    struct Run {
        var name: String
        var parameters: Int
        var testAccuracy: Double
        var secondsPerEpoch: Double
    }

    let settings: Settings
    var runs: [Run] = []

    /// The model names, in the order run.
    static let modelNames = SequenceCell.allCases.map(\.displayName) + ["Transformer encoder"]

    /// Trains every model with every seed, `width` runs at once.
    init(settings: Settings, train: ImageDataset, test: ImageDataset, width: Int = 1, log: (String) -> Void) throws {
        self.settings = settings
        let training = try SequenceDataset(images: train.prefix(settings.trainingImages), steps: 28)
        let testing = try SequenceDataset(images: test.prefix(settings.testImages), steps: 28)
        let jobs = Self.modelNames.indices.flatMap { index in settings.seeds.map { (index: index, seed: $0) } }
        runs = try parallelMap(jobs, width: width) { job in
            let name = Self.modelNames[job.index]
            let run = try Self.train(model: job.index, named: name, seed: job.seed, settings: settings, training: training, testing: testing)
            log(String(format: "row-MNIST %@, seed %llu: test accuracy %.2f%%, %.1f s/epoch", name, job.seed, run.testAccuracy * 100, run.secondsPerEpoch))
            return run
        }
    }

    /// Model `index` of `modelNames` trained with `seed` (its initialization and data order).
    private static func train(model index: Int, named name: String, seed: UInt64, settings: Settings,
                              training: SequenceDataset, testing: SequenceDataset) throws -> Run {
        var generator = SeededGenerator(seed: seed &+ UInt64(index))
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
                epochs: settings.epochs, batchSize: settings.batchSize, seed: seed, gradientClipping: .globalNorm(settings.clipNorm)))
        let history = try trainer.fit(training: training, validation: testing)
        let seconds = history.epochs.map(\.seconds).reduce(0, +) / Double(max(history.epochs.count, 1))
        return Run(
            name: name, parameters: model.allParameters.reduce(0) { $0 + $1.value.count },
            testAccuracy: history.epochs.last?.validationAccuracy ?? .nan, secondsPerEpoch: seconds)
    }

    /// The runs of model `name`, one per seed.
    func runs(of name: String) -> [Run] { runs.filter { $0.name == name } }

    /// The test accuracy of model `name` over the seeds.
    func accuracy(of name: String) -> Summary { Summary(runs(of: name).map(\.testAccuracy)) }

    /// The mean seconds per epoch of model `name`.
    func secondsPerEpoch(of name: String) -> Double { Summary(runs(of: name).map(\.secondsPerEpoch)).mean }

    var settingText: String {
        "row-by-row MNIST (28 steps × 28 pixels in [0, 1]), the first \(settings.trainingImages) training and \(settings.testImages) test images; "
            + "hidden size \(settings.hiddenSize) (Transformer: E = 28, 4 heads, feed-forward \(settings.hiddenSize), one post-norm layer with sinusoidal positions); "
            + "last step → Dense(→ 10); Adam η = \(settings.learningRate), global-norm clipping at \(settings.clipNorm), batch \(settings.batchSize), "
            + "\(settings.epochs) epoch(s), \(seedText(settings.seeds))"
    }

    func claim() -> ClaimSection {
        let lstm = accuracy(of: SequenceCell.lstm.displayName)
        let accuracy = lstm.mean
        let measured = Self.modelNames.map { name in
            String(format: "%@ %@ (n = %d, %.1f s/epoch)", name, self.accuracy(of: name).percentText(), runs(of: name).count, secondsPerEpoch(of: name))
        }.joined(separator: "; ")
        let full = settings.trainingImages >= 60_000 && settings.testImages >= 10_000
        let verdict: Verdict
        let reason: String
        if accuracy >= 0.98 {
            verdict = .reproduced
            reason = "the LSTM's mean test accuracy over \(lstm.count) seed(s), \(lstm.percentText()), is at least 98%"
        } else if full && settings.hiddenSize == 128 && settings.epochs >= 10 {
            verdict = .notReproduced
            reason = "the LSTM's mean test accuracy over \(lstm.count) seed(s), \(lstm.percentText()), is below 98% on the full data"
        } else {
            verdict = .inconclusive
            reason = "the LSTM reaches \(lstm.percentText()) (\(lstm.count) seed(s)) on \(settings.trainingImages) images × \(settings.epochs) epoch(s) with \(settings.hiddenSize) hidden units; "
                + "the claim is for the full training set (run `dlbench sequences --full`: 60 000 images, 10 epochs)"
        }
        return ClaimSection(
            statement: "an LSTM with 128 hidden units passes 98% test accuracy on row-by-row MNIST",
            source: "e.g. Arjovsky et al. 2016, Le et al. 2015 report ≈ 98–99% for LSTMs on sequential MNIST",
            setting: settingText, measured: measured, verdict: verdict, reason: reason)
    }

    func table() -> Table {
        var table = Table(headers: ["model", "parameters", "test accuracy (mean)", "± std", "n", "seconds per epoch"])
        for name in Self.modelNames {
            let accuracy = accuracy(of: name)
            table.append([.text(name), .integer(runs(of: name).first?.parameters ?? 0), .number(accuracy.mean, .percent(2)),
                          .number(accuracy.standardDeviation, .percent(2)), .integer(accuracy.count), .number(secondsPerEpoch(of: name), .fixed(1))])
        }
        table.markBest(inColumn: 2, .higherIsBetter)
        return table
    }
}
