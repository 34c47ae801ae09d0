import ArgumentParser
import DLNN
import DLReport
import Foundation

/// The experiments of `dlbench norms`: a plain VGG of eight 3×3 convolutions (no residual
/// connections, so that normalization matters) with each normalization after every convolution,
/// in three parts, each run with several seeds:
///
/// - **learning rate** (Ioffe & Szegedy, 2015): the same network without and with BatchNorm at a
///   sweep of rates at batch 32: the highest rate that trains, and the steps to a target accuracy;
/// - **batch size** (Wu & He, 2018, Figure 1): every normalization at batch sizes 2, 4, 8 and 32 for the same
///   number of epochs (so small batches take more steps, as in the paper), with η by the linear
///   scaling rule (Goyal et al., 2017) from a base rate tuned at batch 32 for each normalization:
///
///       η(B) = η₃₂ · B / 32
///
///   and BatchNorm's test error with batch statistics beside its running statistics (the mechanism);
/// - **groups** (Wu & He, 2018, Table 3): GroupNorm with G = 1 (LayerNorm-like) … C (InstanceNorm-like) at batch 32.
struct NormComparison {
    enum Part: String, CaseIterable, ExpressibleByArgument {
        case learningRate = "learning-rate"
        case batchSize = "batch-size"
        case groups
    }

    /// What is compared and on how much data.
    struct Settings {
        var parts = Part.allCases
        var norms: [NormKind] = NormKind.allCases
        var batchSizes = [2, 4, 8, 32]
        /// The first images of the training split, the same for every run.
        var trainingImages = 5000
        /// The first images of the validation split: base-rate tuning and the learning-rate part's curves.
        var validationImages = 500
        /// The first images of the test split.
        var testImages = 2000
        var epochs = 3
        /// Learning-rate part: the rates swept at batch 32 without and with BatchNorm.
        var sweepRates: [Float] = [0.01, 0.03, 0.1, 0.3, 1]
        /// Batch-size part: the base rates tried at batch 32 for each normalization (first seed,
        /// validation accuracy); the best is scaled linearly to the other batch sizes.
        var baseRates: [Float] = [0.01, 0.03, 0.1]
        /// Groups part: G, capped at each layer's channels, then G = C.
        var groupCounts = [1, 2, 4]
        /// The channels of the four VGG stages (two 3×3 convolutions each, then 2×2 max pooling):
        /// narrow, so that depth (what normalization is for) stays affordable at batch 2.
        var channels = [8, 8, 16, 16]
        /// The hidden layer of the classifier.
        var hiddenSize = 64
        var seeds: [UInt64] = [1, 2]
        /// Validation evaluations per epoch in the learning-rate part (the steps-to-target resolution).
        var evaluationsPerEpoch = 4

        /// The batch size of the learning-rate and groups parts and of the base rate.
        static let referenceBatchSize = 32

        /// η at `batchSize` by the linear scaling rule from `base` at `referenceBatchSize`.
        static func scaled(_ base: Float, batchSize: Int) -> Float {
            base * Float(batchSize) / Float(referenceBatchSize)
        }
    }

    /// A normalization of the network: one of `NormKind`, or GroupNorm with a group count.
    struct Variant: Hashable {
        var kind: NormKind
        /// GroupNorm's G (capped at each layer's channels); `Int.max` for G = C. nil: `kind`'s default.
        var groups: Int?

        init(_ kind: NormKind) { self.kind = kind }
        init(groups: Int) { (kind, self.groups) = (.group, groups) }

        var name: String {
            guard let groups else { return kind.displayName }
            return groups == .max ? "G = C" : "G = \(groups)"
        }

        var factory: ((_ channels: Int) -> any Layer)? {
            guard let groups else { return kind.factory }
            return { channels in GroupNorm(groups: Swift.min(groups, channels), channels: channels) }
        }
    }

    /// One trained network.
    struct Run {
        var part: Part
        var variant: Variant
        var batchSize: Int
        var learningRate: Float
        var seed: UInt64
        /// Test error in evaluation mode (BatchNorm with its running statistics); nil when the
        /// loss or a gradient became non-finite.
        var testError: Double?
        /// BatchNorm only: test error in training mode, with the statistics of test batches of
        /// `batchSize` images, as during training.
        var batchStatisticsError: Double?
        /// Learning-rate part: validation accuracy after these optimizer steps.
        var curve: [(step: Int, accuracy: Double)] = []
        var seconds = 0.0

        var diverged: Bool { testError == nil }
    }

    var settings: Settings
    /// The data set, e.g. `Fashion-MNIST: 4000 training, 5000 test images of 1×28×28`.
    var dataSummary: String
    var classCount: Int
    var parameterCounts: [String: Int] = [:]
    /// Batch-size part: the base rate chosen for each normalization, with the validation accuracy of every rate tried.
    var baseRates: [NormKind: (chosen: Float, trials: [LearningRateTrial])] = [:]
    var runs: [Run] = []
    var seconds = 0.0
    /// Runs trained at once.
    var width = 1

    func runs(_ part: Part, _ variant: Variant, batchSize: Int = Settings.referenceBatchSize, learningRate: Float? = nil) -> [Run] {
        runs.filter { $0.part == part && $0.variant == variant && $0.batchSize == batchSize && (learningRate == nil || $0.learningRate == learningRate) }
    }

    /// Test error over the seeds that finished.
    static func error(_ runs: [Run]) -> Summary { Summary(runs.compactMap(\.testError)) }

    /// BatchNorm's test error with batch statistics minus with running statistics, in points, over the seeds that finished.
    static func statisticsGap(_ runs: [Run]) -> Summary {
        Summary(runs.compactMap { run in run.batchStatisticsError.flatMap { batch in run.testError.map { (batch - $0) * 100 } } })
    }
}

extension NormComparison {
    /// Runs every part of `settings` on `data`, up to `width` runs at once (`parallelMap`).
    init(settings: Settings, data: DataSplits, progress: ProgressReporter.Mode, width: Int = 1) throws {
        (self.settings, self.width) = (settings, width)
        let training = data.training.prefix(min(settings.trainingImages, data.training.count))
        let validation = data.validation.prefix(min(settings.validationImages, data.validation.count))
        let test = data.test.prefix(min(settings.testImages, data.test.count))
        dataSummary = "\(data.name): \(training.count) training, \(validation.count) validation, \(test.count) test images of \(shapeText(training.imageShape))"
        classCount = training.classCount
        let start = DispatchTime.now()
        let trainer = NormRunTrainer(settings: settings, training: training, validation: validation, test: test, normalization: data.normalization)
        let reporter = ProgressReporter(label: "norms", total: Self.runCount(settings), unit: "run", mode: progress)
        let lock = NSLock()
        var completed = 0
        /// Trains `jobs` (variant, batch size, rate, seed) of `part`, reporting each as it finishes.
        func train(_ part: Part, _ jobs: [(variant: Variant, batchSize: Int, rate: Float, seed: UInt64)], curves: Bool = false) throws -> [Run] {
            try parallelMap(jobs, width: width) { job in
                let run = try trainer.train(part, job.variant, batchSize: job.batchSize, learningRate: job.rate, seed: job.seed, recordsCurve: curves)
                lock.withLock {
                    completed += 1
                    reporter.label = "norms: \(job.variant.name), B = \(job.batchSize), η = \(job.rate), seed \(job.seed)"
                    reporter.update(completed: completed, metrics: [("error", run.testError ?? .nan)])
                }
                return run
            }
        }
        let reference = Settings.referenceBatchSize
        if settings.parts.contains(.learningRate) {
            let jobs = [Variant(.none), Variant(.batch)].flatMap { variant in
                settings.sweepRates.flatMap { rate in settings.seeds.map { (variant, reference, rate, $0) } }
            }
            runs += try train(.learningRate, jobs, curves: true)
        }
        if settings.parts.contains(.batchSize) {
            let tuningJobs = settings.norms.flatMap { kind in settings.baseRates.map { (kind: kind, rate: $0) } }
            let accuracies = try parallelMap(tuningJobs, width: width) { job in
                try trainer.validationAccuracy(Variant(job.kind), learningRate: job.rate, seed: settings.seeds[0])
            }
            for kind in settings.norms {
                let trials = zip(tuningJobs, accuracies).filter { $0.0.kind == kind }.map { LearningRateTrial(learningRate: $0.0.rate, validationAccuracy: $0.1) }
                baseRates[kind] = (LearningRateGrid.best(of: trials) ?? settings.baseRates.min() ?? 0.01, trials)
            }
            let jobs = settings.norms.flatMap { kind in
                settings.batchSizes.flatMap { batchSize in
                    settings.seeds.map { (Variant(kind), batchSize, Settings.scaled(baseRates[kind]!.chosen, batchSize: batchSize), $0) }
                }
            }
            runs += try train(.batchSize, jobs)
        }
        if settings.parts.contains(.groups) {
            let rate = baseRates[.group]?.chosen ?? settings.baseRates[settings.baseRates.count / 2]
            let jobs = (settings.groupCounts + [.max]).flatMap { groups in settings.seeds.map { (Variant(groups: groups), reference, rate, $0) } }
            runs += try train(.groups, jobs)
        }
        reporter.finish()
        let variants = Set(runs.map(\.variant))
        parameterCounts = try Dictionary(uniqueKeysWithValues: variants.map { ($0.name, try trainer.model($0, seed: 0).parameterCount) })
        seconds = secondsSince(start)
    }

    /// The runs `settings` trains (tuning runs not counted).
    static func runCount(_ settings: Settings) -> Int {
        let perSeed = (settings.parts.contains(.learningRate) ? 2 * settings.sweepRates.count : 0)
            + (settings.parts.contains(.batchSize) ? settings.norms.count * settings.batchSizes.count : 0)
            + (settings.parts.contains(.groups) ? settings.groupCounts.count + 1 : 0)
        return perSeed * settings.seeds.count
    }
}

/// Trains and scores the networks of a `NormComparison`; holds nothing that changes, so runs may train at once.
private final class NormRunTrainer {
    let settings: NormComparison.Settings
    let training: ImageDataset, validation: ImageDataset, test: ImageDataset
    let normalization: InputNormalization

    init(settings: NormComparison.Settings, training: ImageDataset, validation: ImageDataset, test: ImageDataset, normalization: InputNormalization) {
        (self.settings, self.training, self.validation, self.test, self.normalization) = (settings, training, validation, test, normalization)
    }

    func model(_ variant: NormComparison.Variant, seed: UInt64) throws -> Sequential {
        do {
            return try Models.smallVGG(
                inputChannels: training.channels, classCount: training.classCount, imageSize: (training.height, training.width),
                channels: settings.channels, hiddenSize: settings.hiddenSize, normalization: variant.factory, seed: seed)
        } catch {
            throw RunError("the VGG of norms cannot take \(shapeText(training.imageShape)) images: \(error)")
        }
    }

    func trainer(_ model: Sequential, batchSize: Int, learningRate: Float, seed: UInt64, callbacks: [any TrainingCallback] = []) -> Trainer {
        Trainer(
            model: model, loss: SoftmaxCrossEntropy(),
            optimizer: OptimizerKind.momentum.make(model.allParameters, learningRate: learningRate),
            configuration: TrainingConfiguration(epochs: settings.epochs, batchSize: batchSize, seed: seed), callbacks: callbacks)
    }

    /// Validation accuracy after training `variant` at batch 32 with `learningRate`; NaN when it diverged.
    func validationAccuracy(_ variant: NormComparison.Variant, learningRate: Float, seed: UInt64) throws -> Double {
        let trainer = trainer(try model(variant, seed: seed), batchSize: NormComparison.Settings.referenceBatchSize, learningRate: learningRate, seed: seed)
        do {
            try trainer.fit(training: training, validation: nil, normalization: normalization)
        } catch is NonFiniteValueError {
            return .nan
        }
        return trainer.evaluate(validation, normalization: normalization).accuracy
    }

    /// One run: trained, then its test error (and BatchNorm's with batch statistics); a diverged run is kept as such.
    func train(_ part: NormComparison.Part, _ variant: NormComparison.Variant, batchSize: Int, learningRate: Float, seed: UInt64,
               recordsCurve: Bool = false) throws -> NormComparison.Run {
        let model = try model(variant, seed: seed)
        let stepsPerEpoch = (training.count + batchSize - 1) / batchSize
        let curve = recordsCurve
            ? ValidationCurve(every: max(1, stepsPerEpoch / max(settings.evaluationsPerEpoch, 1)), on: validation, normalization: normalization) : nil
        let trainer = trainer(model, batchSize: batchSize, learningRate: learningRate, seed: seed, callbacks: curve.map { [$0] } ?? [])
        var run = NormComparison.Run(part: part, variant: variant, batchSize: batchSize, learningRate: learningRate, seed: seed)
        let start = DispatchTime.now()
        do {
            try trainer.fit(training: training, validation: nil, normalization: normalization)
            run.testError = trainer.evaluate(test, normalization: normalization).error
            if variant.kind == .batch {
                run.batchStatisticsError = 1 - accuracyWithBatchStatistics(of: model, on: test, batchSize: batchSize, normalization: normalization)
            }
        } catch is NonFiniteValueError {
            // Diverged: the run stays in the tables as such rather than ending the comparison.
        }
        run.seconds = secondsSince(start)
        run.curve = curve?.points ?? []
        return run
    }
}

/// Records the validation accuracy every `interval` optimizer steps.
final class ValidationCurve: TrainingCallback {
    let interval: Int
    let data: ImageDataset
    let normalization: InputNormalization
    private(set) var points: [(step: Int, accuracy: Double)] = []

    init(every interval: Int, on data: ImageDataset, normalization: InputNormalization) {
        (self.interval, self.data, self.normalization) = (interval, data, normalization)
    }

    func endOfStep(_ context: TrainingContext, result: StepResult) {
        guard context.step % interval == 0 else { return }
        points.append((context.step, context.trainer.evaluate(data, normalization: normalization).accuracy))
    }
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
