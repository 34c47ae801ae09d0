import Foundation

/// Mini-batch training: for each batch, forward, loss, backward, regularize, clip, update; after
/// each epoch, evaluate on the validation split and record the history. Everything else — a
/// plateau schedule's metric, checkpoints, early stopping, progress, logs, weight averaging — is a
/// `TrainingCallback`.
///
///     let model = try Models.lenet5()
///     let trainer = Trainer(model: model, loss: SoftmaxCrossEntropy(),
///                           optimizer: SGD(model.allParameters, learningRate: 0.05, momentum: 0.9),
///                           configuration: TrainingConfiguration(epochs: 3))
///     let history = try trainer.fit(training: split.training, validation: split.validation, normalization: normalization)
///     let test = trainer.evaluate(mnist.test, normalization: normalization)
///
/// The loss decides the targets: a `ClassificationLoss` trains on labels (with accuracy), a
/// `RegressionLoss` or `SoftTargetCrossEntropy` on target values (`FeatureDataset(features:values:)`).
///
/// The same seed, model initialization and configuration give the same weights and numbers on
/// every run: data order and augmentation come from `configuration.seed` and the epoch index.
public final class Trainer {
    public let model: any Layer
    public let loss: any TrainingLoss
    public let optimizer: any Optimizer
    /// The learning rate of step t is `schedule.learningRate(at: t)`; without one, the optimizer's rate is kept.
    /// A `ReduceLearningRateOnPlateau` schedule is fed the validation metric by a `PlateauScheduleCallback`
    /// the trainer installs itself.
    public let schedule: (any LearningRateSchedule)?
    public var configuration: TrainingConfiguration
    /// Run after the trainer's own callbacks, in this order; see `TrainingCallback` for when.
    public var callbacks: [any TrainingCallback]
    /// Everything measured so far; resuming from a checkpoint restores it.
    public internal(set) var history = TrainingHistory()
    /// Epochs finished so far; `fit` continues from here up to `configuration.epochs`.
    public internal(set) var completedEpochs = 0
    /// The best value so far of the early-stopping metric (validation accuracy without early
    /// stopping) and its epoch; a `best` checkpoint is written when it changes.
    public internal(set) var best: (value: Double, epoch: Int)?
    /// The input normalization of the last image `fit` (or of the checkpoint resumed from), saved with
    /// every checkpoint so that the model can be used on raw images later.
    public internal(set) var inputNormalization: InputNormalization?
    /// Whether a callback asked `fit` to stop.
    public private(set) var stopRequested = false

    /// The schedule when it is a plateau rule, whose state checkpoints save.
    let plateau: ReduceLearningRateOnPlateau?
    private let nonFiniteCheck: NonFiniteCheck
    /// The loss of mixed batches (`TrainingConfiguration.mixup`).
    private let softTargetLoss = SoftTargetCrossEntropy()
    /// The trainer's own callbacks and `callbacks`, fixed for the duration of a `fit`.
    private var activeCallbacks: [any TrainingCallback] = []
    private var currentEpoch = 0

    public init(
        model: any Layer, loss: any TrainingLoss, optimizer: any Optimizer,
        schedule: (any LearningRateSchedule)? = nil, configuration: TrainingConfiguration = TrainingConfiguration(),
        callbacks: [any TrainingCallback] = []
    ) {
        self.model = model
        self.loss = loss
        self.optimizer = optimizer
        self.schedule = schedule
        self.plateau = schedule as? ReduceLearningRateOnPlateau
        self.configuration = configuration
        self.callbacks = callbacks
        self.nonFiniteCheck = NonFiniteCheck(parameters: model.namedParameters())
    }

    /// Ends `fit` after the current step: the epoch under way ends there and is still evaluated and
    /// recorded, with its checkpoints and epoch hooks (asked from `endOfEpoch`, nothing is cut short).
    public func requestStop() {
        stopRequested = true
    }

    /// Trains from `completedEpochs` up to `configuration.epochs` on images normalized by
    /// `normalization` (and augmented by `configuration.augmentation`), evaluating on `validation`
    /// (if given) after each epoch; returns the history. Throws a `TrainingSetupError` before the
    /// first step when the model does not fit the data (`validate(_:forTraining:)`), and later when a
    /// value becomes non-finite (and `stopsOnNonFiniteValues` is set) — before the epoch's
    /// checkpoint replaces the last good one — or when a checkpoint cannot be written.
    @discardableResult
    public func fit(training: ImageDataset, validation: ImageDataset?, normalization: InputNormalization) throws -> TrainingHistory {
        try validate(training, forTraining: true)
        if let validation { try validate(validation, forTraining: false) }
        try normalization.check(fits: training)
        inputNormalization = normalization
        var batches = BatchIterator(
            dataset: training, batchSize: configuration.batchSize, shuffle: true, dropLast: false,
            seed: configuration.seed, normalization: normalization, augmentation: configuration.augmentation,
            shard: configuration.shard)
        let validationBatches = validation.map {
            BatchIterator(
                dataset: $0, batchSize: configuration.evaluationBatchSize, shuffle: false, normalization: normalization,
                shard: configuration.shard)
        }
        return try run(training: &batches, validation: validationBatches)
    }

    /// `fit(training:validation:normalization:)` for any data set, used as it batches itself
    /// (no normalization or augmentation is added).
    @discardableResult
    public func fit<Data: Dataset>(training: Data, validation: Data?) throws -> TrainingHistory {
        guard configuration.shard == .whole else { throw TrainingSetupError.shardedDataset }
        try validate(training, forTraining: true)
        if let validation { try validate(validation, forTraining: false) }
        var batches = training.batches(size: configuration.batchSize, shuffle: true, seed: configuration.seed)
        let validationBatches = validation?.batches(size: configuration.evaluationBatchSize, shuffle: false, seed: 0)
        return try run(training: &batches, validation: validationBatches)
    }

    /// `evaluate(model:images:normalization:loss:batchSize:)` with this trainer's model, loss and evaluation batch size.
    public func evaluate(_ dataset: ImageDataset, normalization: InputNormalization) -> Evaluation {
        DLNN.evaluate(model: model, images: dataset, normalization: normalization, loss: loss, batchSize: configuration.evaluationBatchSize)
    }

    /// `evaluate(model:data:loss:batchSize:)` with this trainer's model, loss and evaluation batch size.
    public func evaluate(_ dataset: some Dataset) -> Evaluation {
        DLNN.evaluate(model: model, data: dataset, loss: loss, batchSize: configuration.evaluationBatchSize)
    }

    /// One optimizer step on a batch; returns the batch's mean loss (penalty included) and, for
    /// labels, its correct predictions.
    public func trainStep(inputs: Tensor, targets: Targets) throws -> (loss: Float, correctCount: Int?) {
        try trainStep(inputs: inputs, targets: targets, mixed: nil)
    }

    /// One optimizer step on `inputs` against `targets`, or, for a mixed batch, against its soft targets.
    private func trainStep(inputs: Tensor, targets: Targets, mixed: Mixup.MixedBatch?) throws -> (loss: Float, correctCount: Int?) {
        let step = optimizer.stepCount + 1
        if let schedule { optimizer.learningRate = schedule.learningRate(at: optimizer.stepCount) }
        optimizer.zeroGradients()
        var (value, hits) = mixed.map(accumulateGradients) ?? accumulateGradients(inputs: inputs, targets: targets)
        if let penalty = configuration.weightPenalty {
            value += penalty.apply(to: optimizer.parameterGroups.flatMap(\.parameters))
        }
        if configuration.stopsOnNonFiniteValues {
            try nonFiniteCheck.check(loss: value, step: step)
            try nonFiniteCheck.checkGradients(step: step)
        }
        let context = TrainingContext(trainer: self, epoch: currentEpoch, step: step)
        try notify { try $0.afterBackward(context) }
        switch configuration.gradientClipping {
        case .globalNorm(let maximum): _ = clipGradients(of: model.allParameters, byGlobalNorm: maximum)
        case .value(let limit): clipGradients(of: model.allParameters, byValue: limit)
        case nil: break
        }
        try notify { try $0.beforeOptimizerStep(context) }
        optimizer.step()
        configuration.maxNorm?.apply(to: model.allParameters)
        try notify { try $0.afterOptimizerStep(context) }
        return (value, hits)
    }

    /// Forward, loss and backward on a batch: the batch's mean loss and its correct predictions.
    /// A function of its own so that the outputs and the loss's gradient are released when it
    /// returns, before the next step writes those buffers again (no copy-on-write copies).
    private func accumulateGradients(inputs: Tensor, targets: Targets) -> (loss: Float, correctCount: Int?) {
        let outputs = model.forward(inputs)
        let (value, gradient) = loss.loss(outputs, targets: targets)
        model.accumulateParameterGradients(gradient)
        guard case .labels(let labels) = targets else { return (value, nil) }
        return (value, Metrics.topKHits(logits: outputs, labels: labels, k: 1))
    }

    /// Forward, soft-target cross-entropy and backward on a mixed batch (`TrainingConfiguration.mixup`);
    /// the correct predictions are counted against the labels of larger weight.
    private func accumulateGradients(mixed: Mixup.MixedBatch) -> (loss: Float, correctCount: Int?) {
        let outputs = model.forward(mixed.inputs)
        let smoothing = (loss as? SoftmaxCrossEntropy)?.labelSmoothing ?? 0
        let (value, gradient) = softTargetLoss.loss(outputs, targets: mixed.softTargets(classes: outputs.shape[1], smoothing: smoothing))
        model.accumulateParameterGradients(gradient)
        return (value, Metrics.topKHits(logits: outputs, labels: mixed.dominantLabels, k: 1))
    }

    private func run(training batches: inout some BatchSource, validation: (some BatchSource)?) throws -> TrainingHistory {
        activeCallbacks = ownCallbacks() + callbacks
        defer { activeCallbacks = [] }
        stopRequested = false
        var validation = validation
        try notify { try $0.beginFit(context()) }
        while completedEpochs < configuration.epochs, !stopRequested {
            currentEpoch = completedEpochs + 1
            var record = try trainEpoch(currentEpoch, batches: &batches)
            try notify { try $0.endOfEpochSteps(context(), record: record) }
            if var batches = validation {
                let shardResult = DLNN.evaluate(model: model, batches: &batches, loss: loss)
                let result = configuration.replicaReduction.map { shardResult.combined(across: $0) } ?? shardResult
                validation = batches
                if configuration.stopsOnNonFiniteValues, !result.loss.isFinite {
                    throw NonFiniteValueError.validationLoss(epoch: currentEpoch, value: result.loss)
                }
                record.validationLoss = result.loss
                record.validationAccuracy = result.accuracy.isNaN ? nil : result.accuracy
                try notify { try $0.onEvaluation(context(), evaluation: result) }
            }
            history.epochs.append(record)
            completedEpochs = currentEpoch
            best = (configuration.earlyStopping ?? EarlyStopping()).best(updating: best, with: record)
            try notify { try $0.endOfEpoch(context(), record: record) }
        }
        try notify { try $0.endFit(context(), history: history) }
        return history
    }

    /// The callbacks the schedule and configuration call for, in the order they must run: the
    /// plateau rule learns the metric before a checkpoint saves its state.
    private func ownCallbacks() -> [any TrainingCallback] {
        var own: [any TrainingCallback] = []
        if let plateau { own.append(PlateauScheduleCallback(plateau)) }
        if let directory = configuration.checkpointDirectory { own.append(CheckpointCallback(directory: directory)) }
        if let stopping = configuration.earlyStopping { own.append(EarlyStoppingCallback(stopping)) }
        return own
    }

    private func context() -> TrainingContext {
        TrainingContext(trainer: self, epoch: currentEpoch, step: optimizer.stepCount)
    }

    private func notify(_ hook: (any TrainingCallback) throws -> Void) rethrows {
        for callback in activeCallbacks { try hook(callback) }
    }

    private func trainEpoch(_ epoch: Int, batches: inout some BatchSource) throws -> TrainingHistory.Epoch {
        model.setTraining(true)
        batches.startEpoch(epoch - 1)
        try notify { try $0.beginEpoch(context(), sampleCount: batches.sampleCount) }
        var seen = 0, hits = 0, lossSum = 0.0, stepCount = 0
        let start = DispatchTime.now()
        // Mixup's λ and partners come from a stream of their own, a function of the seed and the epoch alone.
        var mixing = epochGenerator(seed: configuration.seed ^ 0x6D69_7875_7000_0000, epoch: epoch - 1)
        while !stopRequested, let batch = batches.nextTrainingBatch() {
            var mixed: Mixup.MixedBatch?
            if let mixup = configuration.mixup, case .labels(let labels) = batch.targets {
                mixed = mixup.mix(batch.inputs, labels: labels, using: &mixing)
            }
            let (loss, correct) = try trainStep(inputs: batch.inputs, targets: batch.targets, mixed: mixed)
            let record = TrainingHistory.Step(step: optimizer.stepCount, epoch: epoch, loss: loss, learningRate: optimizer.learningRate)
            history.steps.append(record)
            seen += batch.count
            hits += correct ?? 0
            lossSum += Double(loss)
            stepCount += 1
            let result = StepResult(record: record, sampleCount: batch.count, correctCount: correct)
            try notify { try $0.endOfStep(context(), result: result) }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        let accuracy = batches.targetKind.holdsLabels ? Double(hits) / Double(max(seen, 1)) : .nan
        return TrainingHistory.Epoch(
            epoch: epoch, trainingLoss: lossSum / Double(max(stepCount, 1)), trainingAccuracy: accuracy,
            validationLoss: nil, validationAccuracy: nil, learningRate: optimizer.learningRate,
            seconds: seconds, imagesPerSecond: Double(seen) / max(seconds, 1e-9))
    }
}
