import DLReport
import Foundation

/// Mini-batch training of a classifier: for each batch, forward, loss, backward, regularize,
/// clip, update; after each epoch, evaluate on the validation split, record the history,
/// write checkpoints and decide on early stopping.
///
///     let model = try Models.lenet5()
///     let trainer = Trainer(model: model, loss: SoftmaxCrossEntropy(),
///                           optimizer: SGD(model.allParameters, learningRate: 0.05, momentum: 0.9),
///                           configuration: TrainingConfiguration(epochs: 3))
///     let history = try trainer.fit(training: split.training, validation: split.validation, normalization: normalization)
///     let test = trainer.evaluate(mnist.test, normalization: normalization)
///
/// The same seed, model initialization and configuration give the same weights and numbers on
/// every run: data order and augmentation come from `configuration.seed` and the epoch index.
public final class Trainer {
    public let model: any Layer
    public let loss: any ClassificationLoss
    public let optimizer: any Optimizer
    /// The learning rate of step t is `schedule.learningRate(at: t)`; without one, the optimizer's rate is kept.
    public let schedule: (any LearningRateSchedule)?
    public var configuration: TrainingConfiguration
    /// Everything measured so far; resuming from a checkpoint restores it.
    public internal(set) var history = TrainingHistory()
    /// Epochs finished so far; `fit` continues from here up to `configuration.epochs`.
    public internal(set) var completedEpochs = 0
    /// The best value of the early-stopping metric so far and its epoch.
    public internal(set) var best: (value: Double, epoch: Int)?
    /// The input normalization of the last `fit` (or of the checkpoint resumed from), saved with
    /// every checkpoint so that the model can be used on raw images later.
    public internal(set) var inputNormalization: InputNormalization?

    private let namedParameters: [(path: String, parameter: Parameter)]
    private let nonFiniteCheck: NonFiniteCheck
    private var bestWeights: [Tensor] = []

    public init(
        model: any Layer, loss: any ClassificationLoss, optimizer: any Optimizer,
        schedule: (any LearningRateSchedule)? = nil, configuration: TrainingConfiguration = TrainingConfiguration()
    ) {
        self.model = model
        self.loss = loss
        self.optimizer = optimizer
        self.schedule = schedule
        self.configuration = configuration
        self.namedParameters = model.namedParameters()
        self.nonFiniteCheck = NonFiniteCheck(parameters: namedParameters)
    }

    /// Trains from `completedEpochs` up to `configuration.epochs`, evaluating on `validation`
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
            seed: configuration.seed, normalization: normalization, augmentation: configuration.augmentation)
        while completedEpochs < configuration.epochs {
            let epoch = completedEpochs + 1
            let record = try trainEpoch(epoch, batches: &batches)
            var epochRecord = record
            if let validation {
                let result = evaluate(validation, normalization: normalization)
                if configuration.stopsOnNonFiniteValues, !result.loss.isFinite {
                    throw NonFiniteValueError.validationLoss(epoch: epoch, value: result.loss)
                }
                epochRecord.validationLoss = result.loss
                epochRecord.validationAccuracy = result.accuracy
                if let plateau = schedule as? ReduceLearningRateOnPlateau {
                    _ = plateau.record(metric: plateau.mode == .minimize ? result.loss : result.accuracy)
                }
            }
            history.epochs.append(epochRecord)
            completedEpochs = epoch
            let improved = updateBest(epochRecord)
            if let directory = configuration.checkpointDirectory {
                // `best` first: killed between the two, a resume from the previous `last` redoes this epoch and both.
                if improved { try saveCheckpoint(to: directory, name: "best") }
                try saveCheckpoint(to: directory, name: "last")
            }
            if let stopping = configuration.earlyStopping, let best, epoch - best.epoch >= stopping.patience {
                break
            }
        }
        if let stopping = configuration.earlyStopping, stopping.restoresBestWeights, !bestWeights.isEmpty {
            restoreBestWeights()
        }
        return history
    }

    /// Loss, accuracy and confusion matrix of the model on `dataset`, in evaluation mode; the
    /// model's mode is restored afterwards. An empty data set has no accuracy: its loss and
    /// accuracies are NaN (`validate(_:forTraining:)` rejects it up front).
    public func evaluate(_ dataset: ImageDataset, normalization: InputNormalization) -> Evaluation {
        let wasTraining = model.isTraining
        model.setTraining(false)
        defer { model.setTraining(wasTraining) }
        var batches = BatchIterator(
            dataset: dataset, batchSize: configuration.evaluationBatchSize, shuffle: false, normalization: normalization)
        batches.startEpoch(0)
        var totalLoss = 0.0, topOneHits = 0, topFiveHits = 0
        var confusion: ConfusionMatrix?
        while let batch = batches.nextBatch() {
            let logits = model.forward(batch.images)
            totalLoss += Double(loss.loss(logits, labels: batch.labels).value) * Double(batch.count)
            topOneHits += Metrics.topKHits(logits: logits, labels: batch.labels, k: 1)
            topFiveHits += Metrics.topKHits(logits: logits, labels: batch.labels, k: min(5, logits.shape[1]))
            // As many classes as the model predicts, in case the data set's labels use fewer.
            if confusion == nil { confusion = ConfusionMatrix(classCount: max(dataset.classCount, logits.shape[1])) }
            confusion!.add(logits: logits, labels: batch.labels)
        }
        let count = Double(dataset.count)
        return Evaluation(
            loss: totalLoss / count, accuracy: Double(topOneHits) / count, topFiveAccuracy: Double(topFiveHits) / count,
            confusion: confusion ?? ConfusionMatrix(classCount: dataset.classCount), sampleCount: dataset.count)
    }

    /// Forward, loss and backward on a batch: the batch's mean loss and its correct predictions.
    /// A function of its own so that the logits and the loss's gradient are released when it
    /// returns, before the next step writes those buffers again (no copy-on-write copies).
    private func accumulateGradients(images: Tensor, labels: [Int]) -> (loss: Float, hits: Int) {
        let logits = model.forward(images)
        let (value, gradient) = loss.loss(logits, labels: labels)
        model.accumulateParameterGradients(gradient)
        return (value, Metrics.topKHits(logits: logits, labels: labels, k: 1))
    }

    /// One optimizer step on a batch; returns the batch's mean loss (penalty included) and its correct predictions.
    public func trainStep(images: Tensor, labels: [Int]) throws -> (loss: Float, hits: Int) {
        let step = optimizer.stepCount + 1
        if let schedule { optimizer.learningRate = schedule.learningRate(at: optimizer.stepCount) }
        optimizer.zeroGradients()
        var (value, hits) = accumulateGradients(images: images, labels: labels)
        if let penalty = configuration.weightPenalty {
            value += penalty.apply(to: optimizer.parameterGroups.flatMap(\.parameters))
        }
        if configuration.stopsOnNonFiniteValues {
            try nonFiniteCheck.check(loss: value, step: step)
            try nonFiniteCheck.checkGradients(step: step)
        }
        switch configuration.gradientClipping {
        case .globalNorm(let maximum): _ = clipGradients(of: model.allParameters, byGlobalNorm: maximum)
        case .value(let limit): clipGradients(of: model.allParameters, byValue: limit)
        case nil: break
        }
        optimizer.step()
        configuration.maxNorm?.apply(to: model.allParameters)
        return (value, hits)
    }

    private func trainEpoch(_ epoch: Int, batches: inout BatchIterator) throws -> TrainingHistory.Epoch {
        model.setTraining(true)
        batches.startEpoch(epoch - 1)
        let progress = ProgressReporter(
            label: "epoch \(epoch)/\(configuration.epochs)", total: batches.dataset.count, unit: "img",
            mode: configuration.progress)
        var seen = 0, hits = 0, lossSum = 0.0, stepCount = 0
        let start = DispatchTime.now()
        while let batch = batches.nextBatch() {
            let result = try trainStep(images: batch.images, labels: batch.labels)
            history.steps.append(.init(step: optimizer.stepCount, epoch: epoch, loss: result.loss, learningRate: optimizer.learningRate))
            seen += batch.count
            hits += result.hits
            lossSum += Double(result.loss)
            stepCount += 1
            progress.update(completed: seen, metrics: [("loss", lossSum / Double(stepCount)), ("acc", Double(hits) / Double(seen))])
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        progress.finish(completed: seen, metrics: [("loss", lossSum / Double(max(stepCount, 1))), ("acc", Double(hits) / Double(max(seen, 1)))])
        return TrainingHistory.Epoch(
            epoch: epoch, trainingLoss: lossSum / Double(max(stepCount, 1)), trainingAccuracy: Double(hits) / Double(max(seen, 1)),
            validationLoss: nil, validationAccuracy: nil, learningRate: optimizer.learningRate,
            seconds: seconds, imagesPerSecond: Double(seen) / max(seconds, 1e-9))
    }

    /// Records the epoch's early-stopping metric; returns whether it is the best so far.
    private func updateBest(_ epoch: TrainingHistory.Epoch) -> Bool {
        let stopping = configuration.earlyStopping ?? EarlyStopping()
        let value: Double?
        switch stopping.metric {
        case .validationAccuracy: value = epoch.validationAccuracy
        case .validationLoss: value = epoch.validationLoss
        }
        guard let value, stopping.improves(value, on: best?.value) else { return false }
        best = (value, epoch.epoch)
        if configuration.earlyStopping?.restoresBestWeights == true {
            bestWeights = (model.namedParameters() + model.namedBuffers()).map(\.parameter.value)
        }
        return true
    }

    private func restoreBestWeights() {
        for (entry, value) in zip(model.namedParameters() + model.namedBuffers(), bestWeights) {
            entry.parameter.value.assign(value)
        }
    }
}
