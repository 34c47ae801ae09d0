import DLNN
import DLReport
import Foundation

/// The paper networks `dlbench compress` compresses (Han et al., 2015, 2016; Denton et al., 2014
/// compress the same kinds of layers).
enum CompressionModel: String, CaseIterable {
    case lenet300 = "lenet-300-100"
    case lenet5 = "lenet-5"

    /// LeNet-300-100 (266,610 parameters) or Caffe's LeNet-5 (431,080).
    func make(seed: UInt64) throws -> Sequential {
        switch self {
        case .lenet300: Models.lenet300100(seed: seed)
        case .lenet5: try Models.caffeLeNet5(seed: seed)
        }
    }
}

/// How big a `dlbench compress` run is.
///
/// The defaults train the baselines on the whole training split and test on the whole test split:
/// the first 5,000 MNIST test images are markedly harder than the last 5,000 (LeNet-5 trained on
/// 10,000 images: 95.5 % on the first half, 98.2 % on the second), so a prefix of the test split
/// understates every accuracy, and 10,000 training images leave LeNet-300-100 at about 95.8 %
/// (99.98 % on its training images) where the whole split gives 98 % after 10 epochs. One seed at
/// the defaults buys that budget; `--seeds` adds more.
struct CompressionSettings {
    var methods: [CompressionMethod] = CompressionMethod.allCases
    var models: [CompressionModel] = CompressionModel.allCases
    var seeds: [UInt64] = [1]
    /// Training images for the baselines (the first of the training split); nil: all.
    var trainingImages: Int?
    /// Test images evaluated (the first of the test split); nil: all.
    var testImages: Int?
    /// Validation images that choose the fine-tuning rate (the first of the validation split).
    var validationImages = 5_000
    /// Baseline epochs per model.
    var epochs: [CompressionModel: Int] = [.lenet300: 10, .lenet5: 3]
    var batchSize = 64
    var learningRate: Float = 0.02
    /// Fine-tuning after compression: epochs, images (the first of the training split) and the
    /// rates tried, the one with the best validation accuracy kept.
    var fineTuneEpochs = 1
    var fineTuneImages = 20_000
    var fineTuneRates: [Float] = [0.003, 0.01]
    /// Low-rank: the target ratios swept (every eligible layer at the same target): 2× for the
    /// convolution claim, 5× for the dense one, 10× beyond both.
    var lowRankLevels: [Double] = [2, 5, 10]
    var convolutionScheme: ConvolutionFactorization = .channels
    /// Pruning: prune–retrain rounds towards the final sparsity.
    var pruneRounds = 3
    /// Forward passes timed per latency measurement (the median is reported).
    var latencyRepeats = 30

    /// The settings of `--quick`: one seed, small subsets and budgets, for smoke tests.
    static var quick: CompressionSettings {
        var settings = CompressionSettings()
        settings.seeds = [1]
        settings.trainingImages = 200
        settings.testImages = 100
        settings.epochs = [.lenet300: 1, .lenet5: 1]
        settings.fineTuneImages = 64
        settings.validationImages = 50
        settings.fineTuneRates = [0.01]
        settings.lowRankLevels = [5]
        settings.pruneRounds = 1
        settings.latencyRepeats = 2
        return settings
    }

    /// The settings of `--full`: the whole training split, three seeds, longer training.
    static var full: CompressionSettings {
        var settings = CompressionSettings()
        settings.seeds = [1, 2, 3]
        settings.trainingImages = nil
        settings.testImages = nil
        settings.epochs = [.lenet300: 20, .lenet5: 15]
        settings.fineTuneEpochs = 3
        settings.fineTuneImages = 55_000
        settings.validationImages = 5_000
        settings.fineTuneRates = [0.001, 0.003, 0.01]
        settings.lowRankLevels = [2, 3, 5, 8, 12, 20]
        settings.pruneRounds = 5
        return settings
    }
}

/// The data, settings and trained baselines shared by every method of one `dlbench compress`
/// run: each (model, seed) baseline is trained once, saved, and every compressed variant starts
/// from a fresh copy loaded from that file.
///
/// Baselines may train at once from several threads; the fine-tuning rates of `tuned` train up to
/// `width` at once (`parallelMap`, so inside `withSingleThreadedBLAS`), each saying its result
/// through `log` instead of a progress line per epoch.
final class CompressionWorkbench: @unchecked Sendable {
    let settings: CompressionSettings
    let data: DataSplits
    let directory: URL
    /// Progress of each training's epochs: the caller's mode when runs go one at a time, else none.
    let progress: ProgressReporter.Mode
    /// Training runs at once.
    let width: Int
    /// Says one finished run (a line on stderr, unless quiet).
    let log: (String) -> Void
    let training: ImageDataset
    let fineTuneSet: ImageDataset
    let test: ImageDataset
    let validation: ImageDataset
    private var baselines: [String: Baseline] = [:]
    private let baselinesLock = NSLock()
    /// Pruned models by model, variant and seed, shared by the pruning and pipeline experiments.
    var prunedModels: [String: PrunedModel] = [:]

    /// A trained baseline.
    struct Baseline {
        var checkpoint: URL
        var accuracy: Double
        var parameters: Int
        var bytes: Int
        var flops: Int
        var latency: Latency
    }

    init(
        settings: CompressionSettings, data: DataSplits, directory: URL, progress: ProgressReporter.Mode, width: Int = 1,
        log: @escaping (String) -> Void = { _ in }
    ) throws {
        self.settings = settings
        self.data = data
        self.directory = directory
        self.progress = width > 1 ? .quiet : progress
        self.width = width
        self.log = log
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        training = data.training.prefix(min(settings.trainingImages ?? data.training.count, data.training.count))
        fineTuneSet = data.training.prefix(min(settings.fineTuneImages, data.training.count))
        validation = data.validation.prefix(min(settings.validationImages, data.validation.count))
        test = data.test.prefix(min(settings.testImages ?? data.test.count, data.test.count))
    }

    var inputShape: TensorShape { [1] + data.training.imageShape }

    /// The baseline of `kind` for `seed`, trained on first use (different baselines may train at
    /// once; one of them twice at once would train it twice).
    func baseline(_ kind: CompressionModel, seed: UInt64) throws -> Baseline {
        let key = "\(kind.rawValue)-seed\(seed)"
        if let baseline = baselinesLock.withLock({ baselines[key] }) { return baseline }
        let start = DispatchTime.now()
        let model = try kind.make(seed: seed)
        let accuracy = try fit(model, on: training, epochs: settings.epochs[kind] ?? 1, learningRate: settings.learningRate, seed: seed)
        let checkpoint = directory.appendingPathComponent("baseline-\(key).safetensors")
        try model.saveWeights(to: checkpoint)
        let baseline = Baseline(
            checkpoint: checkpoint, accuracy: accuracy, parameters: model.parameterCount, bytes: try fileSize(checkpoint),
            flops: model.forwardFLOPs(for: inputShape), latency: measureLatency(model, imageShape: data.training.imageShape, repeats: settings.latencyRepeats))
        baselinesLock.withLock { baselines[key] = baseline }
        log("compress: baseline \(kind.rawValue), seed \(seed): \(NumberFormat.percent(2).string(for: accuracy)) in \(Int(secondsSince(start))) s")
        return baseline
    }

    /// A fresh copy of the trained baseline.
    func freshCopy(_ kind: CompressionModel, seed: UInt64) throws -> Sequential {
        let copy = try kind.make(seed: seed)
        try copy.loadWeights(from: try baseline(kind, seed: seed).checkpoint)
        return copy
    }

    /// The baseline's row (its accuracy over the seeds is added by the caller's collector).
    func baselineRow(_ kind: CompressionModel, seed: UInt64) throws -> CompressionRow {
        let baseline = try baseline(kind, seed: seed)
        return CompressionRow(
            model: kind, variant: "baseline (dense float)", parameters: baseline.parameters, bytes: baseline.bytes, flops: baseline.flops,
            latency: baseline.latency, accuracyBefore: Summary([]), ratio: 1)
    }

    /// Trains `model` with momentum SGD (0.9) and returns its test accuracy.
    func fit(
        _ model: any Layer, on images: ImageDataset, epochs: Int, learningRate: Float, seed: UInt64, callbacks: [any TrainingCallback] = []
    ) throws -> Double {
        try fitValidated(model, on: images, epochs: epochs, learningRate: learningRate, seed: seed, callbacks: callbacks).test
    }

    /// Trains `model` with momentum SGD (0.9) and returns its validation and test accuracy.
    func fitValidated(
        _ model: any Layer, on images: ImageDataset, epochs: Int, learningRate: Float, seed: UInt64, callbacks: [any TrainingCallback] = []
    ) throws -> (validation: Double, test: Double) {
        let trainer = Trainer(
            model: model, loss: SoftmaxCrossEntropy(), optimizer: SGD(model.allParameters, learningRate: learningRate, momentum: 0.9),
            configuration: TrainingConfiguration(epochs: epochs, batchSize: settings.batchSize, seed: seed),
            callbacks: callbacks + [TrainingProgress(mode: progress)])
        try trainer.fit(training: images, validation: nil, normalization: data.normalization)
        let validationAccuracy = validation.count > 0 ? trainer.evaluate(validation, normalization: data.normalization).accuracy : 0
        return (validationAccuracy, trainer.evaluate(test, normalization: data.normalization).accuracy)
    }

    /// Runs `attempt` at every fine-tuning rate of the settings, up to `width` at once, and keeps
    /// the result whose validation accuracy is best (the first rate on a tie): the test set never
    /// chooses. A rate whose training diverges (a non-finite loss) is out of the running; throws
    /// when every rate diverges. `what` names the runs in the log.
    func tuned<Value>(
        _ what: String, _ attempt: (_ rate: Float) throws -> (validation: Double, result: Value)
    ) throws -> (rate: Float, result: Value) {
        let attempts = try parallelMap(settings.fineTuneRates, width: width) { rate -> Result<(validation: Double, result: Value), NonFiniteValueError> in
            let start = DispatchTime.now()
            do {
                let outcome = try attempt(rate)
                log("compress: \(what), η = \(rate): validation \(NumberFormat.percent(2).string(for: outcome.validation)) in \(Int(secondsSince(start))) s")
                return .success(outcome)
            } catch let error as NonFiniteValueError {
                log("compress: \(what), η = \(rate): diverged")
                return .failure(error)
            }
        }
        var best: (validation: Double, rate: Float, result: Value)?
        var divergence: NonFiniteValueError?
        for (rate, attempt) in zip(settings.fineTuneRates, attempts) {
            switch attempt {
            case .success(let outcome): if best == nil || outcome.validation > best!.validation { best = (outcome.validation, rate, outcome.result) }
            case .failure(let error): divergence = error
            }
        }
        guard let best else {
            throw RunError("fine-tuning diverged at every rate of \(settings.fineTuneRates): \(divergence.map { "\($0)" } ?? "")")
        }
        return (best.rate, best.result)
    }

    /// Fine-tunes a model from `make` (with the callbacks its training needs, e.g. masks) on the
    /// fine-tuning images, at the rate of the grid with the best validation accuracy: its test
    /// accuracy, the rate and the model.
    func fineTune(
        _ what: String, seed: UInt64, _ make: () throws -> (model: any Layer, callbacks: [any TrainingCallback])
    ) throws -> (accuracy: Double, rate: Float, model: any Layer) {
        let (rate, result) = try tuned(what) { rate in
            let (model, callbacks) = try make()
            let accuracy = try fitValidated(model, on: fineTuneSet, epochs: settings.fineTuneEpochs, learningRate: rate, seed: seed, callbacks: callbacks)
            return (accuracy.validation, (accuracy.test, model))
        }
        return (result.0, rate, result.1)
    }

    /// Test accuracy without training.
    func evaluate(_ model: any Layer) -> Double {
        DLNN.evaluate(model: model, images: test, normalization: data.normalization, loss: SoftmaxCrossEntropy()).accuracy
    }

    func latency(_ model: any Layer) -> Latency {
        measureLatency(model, imageShape: data.training.imageShape, repeats: settings.latencyRepeats)
    }

    /// The size of the file at `url` in bytes.
    func fileSize(_ url: URL) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue ?? 0
    }
}
