import DLNN
import DLReport
import Foundation

/// The experiment of `dlbench norms`, after Figure 1 and Table 1 of the Group Normalization paper
/// (Wu & He, 2018): the same CNN with each normalization after every convolution, trained at each
/// batch size on the same images for the same number of epochs, then evaluated on the test set in
/// evaluation mode.
///
/// Every run starts from the same seed and sees the same training images; only the batch size and,
/// through the linear scaling rule (Goyal et al., 2017), the learning rate change with it:
///
///     η(B) = baseLearningRate · B / 32
///
/// so that an epoch moves the weights about as far at every batch size.
struct NormComparison {
    /// What is compared and on how much data.
    struct Settings {
        var norms: [NormKind] = NormKind.allCases
        var batchSizes = [2, 4, 8, 16, 32, 64]
        /// The first images of the training split, the same for every run.
        var trainingImages = 4000
        /// The first images of the test split.
        var testImages = 5000
        var epochs = 1
        /// η at the reference batch size 32 (Momentum SGD, momentum 0.9).
        var baseLearningRate: Float = 0.02
        /// The channels of the two VGG stages (two 3×3 convolutions each, then 2×2 max pooling).
        var channels = [8, 16]
        /// The hidden layer of the classifier.
        var hiddenSize = 64
        var seed: UInt64 = 1

        /// The batch size at which η = `baseLearningRate`.
        static let referenceBatchSize = 32

        /// η for batch size `batchSize` by the linear scaling rule.
        func learningRate(batchSize: Int) -> Float {
            baseLearningRate * Float(batchSize) / Float(Self.referenceBatchSize)
        }
    }

    /// One trained model: a normalization at a batch size.
    struct Run {
        var norm: NormKind
        var batchSize: Int
        var learningRate: Float
        /// Test error in evaluation mode (BatchNorm with its running statistics); nil when the
        /// loss or a gradient became NaN or infinite during training.
        var testError: Double?
        /// BatchNorm only: test error in training mode, with the statistics of test batches of
        /// `batchSize` images, as during training.
        var batchStatisticsError: Double?
        var secondsPerEpoch = 0.0
    }

    var settings: Settings
    /// The data set, e.g. `MNIST: 4000 training, 5000 test images of 1×28×28`.
    var dataSummary: String
    /// The images each run was evaluated on.
    var testCount: Int
    var parameterCounts: [NormKind: Int]
    var runs: [Run]

    /// The run of `norm` at `batchSize`, if it was trained.
    func run(_ norm: NormKind, batchSize: Int) -> Run? {
        runs.first { $0.norm == norm && $0.batchSize == batchSize }
    }
}

/// Trains every (normalization, batch size) pair of `settings` on `data` and evaluates each on the test set.
func compareNormalizations(_ settings: NormComparison.Settings, on data: DataSplits, progress: ProgressReporter.Mode) throws -> NormComparison {
    let training = data.training.prefix(min(settings.trainingImages, data.training.count))
    let test = data.test.prefix(min(settings.testImages, data.test.count))
    let pairs = settings.norms.flatMap { norm in settings.batchSizes.map { (norm, $0) } }
    let reporter = ProgressReporter(label: "norms", total: pairs.count, unit: "run", mode: progress)
    var runs: [NormComparison.Run] = []
    var parameterCounts: [NormKind: Int] = [:]
    for (norm, batchSize) in pairs {
        reporter.label = "norms: \(norm.displayName), B = \(batchSize)"
        let model: Sequential
        do {
            model = try Models.smallVGG(
                inputChannels: training.channels, classCount: training.classCount, imageSize: (training.height, training.width),
                channels: settings.channels, hiddenSize: settings.hiddenSize, normalization: norm.factory, seed: settings.seed)
        } catch {
            throw RunError("the small VGG of norms cannot take \(shapeText(training.imageShape)) images: \(error)")
        }
        parameterCounts[norm] = model.parameterCount
        let learningRate = settings.learningRate(batchSize: batchSize)
        let configuration = TrainingConfiguration(epochs: settings.epochs, batchSize: batchSize, seed: settings.seed)
        let trainer = Trainer(
            model: model, loss: SoftmaxCrossEntropy(),
            optimizer: OptimizerKind.momentum.make(model.allParameters, learningRate: learningRate), configuration: configuration)
        let start = DispatchTime.now()
        var run = NormComparison.Run(norm: norm, batchSize: batchSize, learningRate: learningRate)
        do {
            let history = try trainer.fit(training: training, validation: nil, normalization: data.normalization)
            run.testError = trainer.evaluate(test, normalization: data.normalization).error
            if norm == .batch {
                run.batchStatisticsError = 1 - accuracyWithBatchStatistics(
                    of: model, on: test, batchSize: batchSize, normalization: data.normalization)
            }
            run.secondsPerEpoch = history.epochs.reduce(0) { $0 + $1.seconds } / Double(max(history.epochs.count, 1))
        } catch is NonFiniteValueError {
            // Diverged: the run stays in the table as such rather than ending the comparison.
            run.secondsPerEpoch = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9 / Double(settings.epochs)
        }
        runs.append(run)
        reporter.update(completed: runs.count, metrics: [("error", run.testError ?? .nan)])
    }
    reporter.finish()
    return NormComparison(
        settings: settings, dataSummary: "\(data.name): \(training.count) training, \(test.count) test images of \(training.channels)×\(training.height)×\(training.width)",
        testCount: test.count, parameterCounts: parameterCounts, runs: runs)
}

/// Top-1 accuracy of `model` on `dataset` in training mode: every normalization uses the
/// statistics of its batch of `batchSize` images, as it did during training. Training-mode
/// forwards update BatchNorm's running statistics, so the buffers are restored afterwards and the
/// model is left in evaluation mode, unchanged.
func accuracyWithBatchStatistics(of model: any Layer, on dataset: ImageDataset, batchSize: Int, normalization: InputNormalization) -> Double {
    let buffers = model.namedBuffers().map(\.parameter)
    let saved = buffers.map(\.value)
    model.setTraining(true)
    defer {
        for (buffer, value) in zip(buffers, saved) { buffer.value = value }
        model.setTraining(false)
    }
    var batches = BatchIterator(dataset: dataset, batchSize: batchSize, shuffle: false, normalization: normalization)
    batches.startEpoch(0)
    var hits = 0
    while let batch = batches.nextBatch() {
        hits += Metrics.topKHits(logits: model.forward(batch.images), labels: batch.labels, k: 1)
    }
    return Double(hits) / Double(max(dataset.count, 1))
}

extension NormComparison {
    /// Sentences computed from the results: how BatchNorm's error changes from the largest to the
    /// smallest batch, how much GroupNorm's varies, which normalization is best at each end, and
    /// BatchNorm's gap between batch and running statistics. Each says plainly when the pattern of
    /// the Group Normalization paper does not appear. A difference counts when it exceeds twice its
    /// standard error, √(p₁(1 − p₁)/n + p₂(1 − p₂)/n) for errors p₁, p₂ on n test images.
    var findings: [String] {
        let sizes = settings.batchSizes.sorted()
        guard let smallest = sizes.first, let largest = sizes.last else { return [] }
        let percent = NumberFormat.percent(2)
        func points(_ difference: Double) -> String { String(format: "%.2f", difference * 100) + " pts" }
        func standardError(_ a: Double, _ b: Double) -> Double {
            ((a * (1 - a) + b * (1 - b)) / Double(max(testCount, 1))).squareRoot()
        }
        func spread(_ norm: NormKind) -> (low: Double, high: Double)? {
            let errors = sizes.compactMap { run(norm, batchSize: $0)?.testError }
            guard errors.count == sizes.count else { return nil }
            guard errors.count > 1, let low = errors.min(), let high = errors.max() else { return nil }
            return (low, high)
        }
        var lines: [String] = []
        let diverged = runs.filter { $0.testError == nil }
        if !diverged.isEmpty {
            lines.append("Diverged (non-finite loss or gradient): \(diverged.map { "\($0.norm.displayName) at B = \($0.batchSize)" }.joined(separator: ", ")).")
        }
        if smallest < largest, let small = run(.batch, batchSize: smallest)?.testError, let large = run(.batch, batchSize: largest)?.testError {
            let change = small - large
            let noise = 2 * standardError(small, large)
            let verdict = if change > noise {
                "it degrades at small batches, as the Group Normalization paper reports."
            } else if change < -noise {
                "it is better at the small batch, the opposite of the degradation the Group Normalization paper reports (with one epoch on few images, the small batches' extra steps may matter more)."
            } else {
                "the degradation at small batches that the Group Normalization paper reports does not appear in this run (the change is within twice its standard error, \(points(noise)))."
            }
            lines.append("BatchNorm's test error is \(percent.string(for: small)) at B = \(smallest) vs \(percent.string(for: large)) at B = \(largest) (\(change >= 0 ? "+" : "")\(points(change))): \(verdict)")
        }
        if let group = spread(.group) {
            var text = "GroupNorm's error varies by \(points(group.high - group.low)) across batch sizes (\(percent.string(for: group.low))–\(percent.string(for: group.high)))"
            if let batch = spread(.batch) {
                text += group.high - group.low < batch.high - batch.low
                    ? ", less than BatchNorm's \(points(batch.high - batch.low)): it is the more stable of the two, as expected."
                    : ", not less than BatchNorm's \(points(batch.high - batch.low)): the expected stability of GroupNorm over BatchNorm does not appear in this run."
            } else {
                text += "."
            }
            lines.append(text)
        }
        for size in Set([smallest, largest]).sorted() {
            let candidates = settings.norms.compactMap { norm in run(norm, batchSize: size)?.testError.map { (norm, $0) } }
            guard candidates.count > 1, let best = candidates.min(by: { $0.1 < $1.1 }) else { continue }
            lines.append("At B = \(size) the lowest error is \(best.0.displayName)'s (\(percent.string(for: best.1))).")
        }
        if let small = run(.batch, batchSize: smallest), let running = small.testError, let batchStatistics = small.batchStatisticsError {
            lines.append("With the statistics of test batches of \(smallest) images (training mode), BatchNorm trained at B = \(smallest) has \(percent.string(for: batchStatistics)) test error, vs \(percent.string(for: running)) with its running statistics (evaluation mode).")
        }
        return lines
    }
}
