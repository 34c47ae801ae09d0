import DLNN
import DLReport
import Foundation

/// The two baselines `dlbench compress` factorizes: the hidden fully connected layers of a wide MLP
/// and the second convolution of LeNet-5.
///
/// The classifiers (Dense(1024 → 10), and LeNet's Dense layers) stay whole, as in Denton et al.
/// (2014): a 10-way output layer has at most rank 10, and a ratio target squeezes it to rank 1–4,
/// which caps accuracy far below anything fine-tuning recovers. LeNet's first convolution
/// (1 → 6, 150 weights, 6 % of the convolution weights) has a single input channel, so its rank is
/// at most 6 and a 2× target leaves it rank 1; it is left whole too.
enum CompressionModel: String, CaseIterable {
    case mlp, lenet5

    /// MLP 784-1024-1024-10, or LeNet-5.
    func make(seed: UInt64) throws -> Sequential {
        switch self {
        case .mlp: Models.mlp(sizes: [784, 1024, 1024, 10], seed: seed)
        case .lenet5: try Models.lenet5(seed: seed)
        }
    }

    /// The layers the study factorizes.
    var selection: CompressionPolicy.Selection { self == .mlp ? .paths(["1", "3"]) : .paths(["features.3"]) }

    /// The published claim each model is checked against: the compression ratio of the selected
    /// layers, reached with at most 1 point of accuracy lost after fine-tuning (Denton et al., 2014).
    var claimedRatio: Double { self == .mlp ? 5 : 2 }

    var layerKind: String { self == .mlp ? "fully connected" : "convolutional" }
}

/// One setting of a compression sweep.
struct CompressionSettings {
    var models: [CompressionModel] = CompressionModel.allCases
    /// One compressed model per entry, from the same baseline.
    var levels: [RankSelection] = [2, 3, 5, 8, 13].map { .compressionRatio($0) }
    var convolutionScheme: ConvolutionFactorization = .channels
    var epochs = 2
    var fineTuneEpochs = 1
    /// Training images used for each fine-tune (the first ones of the training split).
    var fineTuneImages = 10000
    var batchSize = 64
    var learningRate: Float = 0.02
    var fineTuneLearningRate: Float = 0.005
    /// Forward passes timed per latency measurement (the median is reported).
    var latencyRepeats = 30
    var seed: UInt64 = 1
}

/// Time per forward pass in evaluation mode, median of repeated runs, in seconds.
struct Latency {
    var batchOne: Double
    var batchSixtyFour: Double
}

/// One compressed model of a sweep.
struct CompressionPoint {
    var level: RankSelection
    var layers: [LayerCompressionReport]
    var parameterCount: Int
    /// Forward FLOPs of the whole model on one image.
    var flops: Int
    var latency: Latency
    var accuracyAfterFactorization: Double
    var accuracyAfterFineTuning: Double

    /// Parameters of the selected layers before over after (skipped layers count unchanged).
    var selectedLayersRatio: Double {
        Double(layers.reduce(0) { $0 + $1.parametersBefore }) / Double(layers.reduce(0) { $0 + $1.parametersAfter })
    }
}

/// A baseline and its compressed variants.
struct CompressionStudy {
    var model: CompressionModel
    var parameterCount: Int
    var flops: Int
    var latency: Latency
    var accuracy: Double
    /// The baseline after the same fine-tuning as the compressed models: the fair reference for them.
    var fineTunedAccuracy: Double
    var points: [CompressionPoint]

    /// The most compressed point within 1 point of the fine-tuned baseline after its own fine-tuning.
    var bestWithinOnePoint: CompressionPoint? {
        points.filter { $0.accuracyAfterFineTuning >= fineTunedAccuracy - 0.01 }.max { $0.selectedLayersRatio < $1.selectedLayersRatio }
    }

    var meetsClaim: Bool { (bestWithinOnePoint?.selectedLayersRatio ?? 0) >= model.claimedRatio }

    /// One sentence: whether the run reproduces the published claim, and by how much.
    var verdict: String {
        let claim = "\(model.layerKind) layers ≥ \(Int(model.claimedRatio))× within 1 point"
        guard let best = bestWithinOnePoint else {
            return "\(model.rawValue): NOT MET (\(claim)): no compressed model stays within 1 point of the fine-tuned baseline's \(percent(fineTunedAccuracy))."
        }
        let detail = "the most compressed model within 1 point is \(ratio(best.selectedLayersRatio)) (\(describe(best.level))), \(percent(best.accuracyAfterFineTuning)) vs \(percent(fineTunedAccuracy)) for the fine-tuned baseline"
        return "\(model.rawValue): \(meetsClaim ? "met" : "NOT MET") (\(claim)): \(detail)."
    }
}

/// Trains each baseline, saves it, fine-tunes a copy of it as the reference, then for every level
/// rebuilds a fresh copy from the saved weights, compresses it, measures it, fine-tunes it and
/// measures it again.
func runCompressionStudies(_ settings: CompressionSettings, on data: DataSplits, directory: URL, progress: ProgressReporter.Mode) throws -> [CompressionStudy] {
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let fineTuneSet = data.training.prefix(min(settings.fineTuneImages, data.training.count))
    return try settings.models.map { kind in
        let baseline = try kind.make(seed: settings.seed)
        let accuracy = try fit(baseline, on: data.training, epochs: settings.epochs, learningRate: settings.learningRate, settings: settings, data: data, progress: progress)
        let checkpoint = directory.appendingPathComponent("baseline-\(kind.rawValue).safetensors")
        try baseline.saveWeights(to: checkpoint)
        let latency = measureLatency(baseline, imageShape: data.training.imageShape, repeats: settings.latencyRepeats)
        // Fresh copies, so fine-tuning one model never touches the baseline or the others.
        func freshCopy() throws -> Sequential {
            let copy = try kind.make(seed: settings.seed)
            try copy.loadWeights(from: checkpoint)
            return copy
        }
        let fineTunedAccuracy = try fit(try freshCopy(), on: fineTuneSet, epochs: settings.fineTuneEpochs, learningRate: settings.fineTuneLearningRate, settings: settings, data: data, progress: progress)
        var points: [CompressionPoint] = []
        for level in settings.levels {
            let copy = try freshCopy()
            let result = try compress(copy, inputShape: [1] + data.training.imageShape,
                                      policy: CompressionPolicy(layers: kind.selection, rank: level, convolutionScheme: settings.convolutionScheme))
            let model = result.model
            let afterFactorization = evaluate(model, on: data)
            let latency = measureLatency(model, imageShape: data.training.imageShape, repeats: settings.latencyRepeats)
            let afterFineTuning = try fit(model, on: fineTuneSet, epochs: settings.fineTuneEpochs, learningRate: settings.fineTuneLearningRate, settings: settings, data: data, progress: progress)
            points.append(CompressionPoint(
                level: level, layers: result.layers, parameterCount: model.parameterCount,
                flops: model.forwardFLOPs(for: [1] + data.training.imageShape), latency: latency,
                accuracyAfterFactorization: afterFactorization, accuracyAfterFineTuning: afterFineTuning))
        }
        return CompressionStudy(
            model: kind, parameterCount: baseline.parameterCount, flops: baseline.forwardFLOPs(for: [1] + data.training.imageShape),
            latency: latency, accuracy: accuracy, fineTunedAccuracy: fineTunedAccuracy, points: points)
    }
}

/// Trains `model` with momentum SGD on `training` and returns its test accuracy.
private func fit(
    _ model: any Layer, on training: ImageDataset, epochs: Int, learningRate: Float,
    settings: CompressionSettings, data: DataSplits, progress: ProgressReporter.Mode
) throws -> Double {
    let trainer = Trainer(
        model: model, loss: SoftmaxCrossEntropy(), optimizer: SGD(model.allParameters, learningRate: learningRate, momentum: 0.9),
        configuration: TrainingConfiguration(epochs: epochs, batchSize: settings.batchSize, seed: settings.seed),
        callbacks: [TrainingProgress(mode: progress)])
    try trainer.fit(training: training, validation: nil, normalization: data.normalization)
    return trainer.evaluate(data.test, normalization: data.normalization).accuracy
}

/// Test accuracy without training.
private func evaluate(_ model: any Layer, on data: DataSplits) -> Double {
    DLNN.evaluate(model: model, images: data.test, normalization: data.normalization, loss: SoftmaxCrossEntropy()).accuracy
}

/// Median seconds per forward pass in evaluation mode, for batches of 1 and 64 (after one warm-up pass each).
func measureLatency(_ model: any Layer, imageShape: TensorShape, repeats: Int) -> Latency {
    model.setTraining(false)
    defer { model.setTraining(true) }
    var generator = SeededGenerator(seed: 0)
    func median(batch: Int) -> Double {
        let input = Tensor.randomNormal([batch] + imageShape, using: &generator)
        _ = model.forward(input)
        let clock = ContinuousClock()
        let times = (0..<max(repeats, 1)).map { _ in
            let duration = clock.measure { _ = model.forward(input) }
            return Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
        }.sorted()
        return times[times.count / 2]
    }
    return Latency(batchOne: median(batch: 1), batchSixtyFour: median(batch: 64))
}

/// `energy 0.9`, `rank 32`.
func describe(_ level: RankSelection) -> String {
    switch level {
    case .energy(let f): "energy \(f)"
    case .rank(let k): "rank \(k)"
    case .compressionRatio(let c): "ratio \(c)"
    case .ranks(let ranks): "ranks \(ranks.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", "))"
    }
}

private func percent(_ value: Double) -> String { NumberFormat.percent(2).string(for: value) }
private func ratio(_ value: Double) -> String { NumberFormat.fixed(1).string(for: value) + "×" }
