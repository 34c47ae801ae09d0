import Foundation

/// The settings of a `Trainer` run that are not the model, loss, optimizer or schedule.
public struct TrainingConfiguration {
    /// Passes over the training split.
    public var epochs: Int
    /// Samples per optimizer step.
    public var batchSize: Int
    /// Seed of the data order and augmentation of every epoch.
    public var seed: UInt64
    /// Random transformations of the training images (never applied to validation or test images).
    public var augmentation: Augmentation
    /// Mixup of every training batch (Zhang et al., 2018): the trainer mixes each batch of labels
    /// with a permutation of itself and trains on the soft targets with `SoftTargetCrossEntropy`
    /// (folding in the label smoothing of a `SoftmaxCrossEntropy` loss); validation uses the loss as
    /// it is, on unmixed labels. Needs a loss on labels. Training accuracy counts the label of larger weight.
    public var mixup: Mixup?
    /// An L1, L2 or elastic-net penalty added to the loss (and its gradient to the gradients) every step.
    public var weightPenalty: (any WeightPenalty)?
    /// Gradient clipping applied after backward, before the update.
    public var gradientClipping: GradientClipping?
    /// A max-norm constraint applied to the weights after every update.
    public var maxNorm: MaxNormConstraint?
    /// Stops when the validation metric has not improved for a while, and restores the best weights
    /// (the trainer installs an `EarlyStoppingCallback`); its metric is also the one `Trainer.best` tracks.
    public var earlyStopping: EarlyStopping?
    /// Where the best and the last checkpoints are written after each epoch (the trainer installs a
    /// `CheckpointCallback`); nil writes none.
    public var checkpointDirectory: URL?
    /// Samples per forward pass when evaluating. Larger batches than in training are fine (no
    /// gradients), but every layer keeps its output buffer at this size after the first
    /// evaluation: at the default 256, LeNet-5 keeps 16 MB of activations (at 1000 it kept 60 MB,
    /// which put training on the full MNIST above 150 MB resident).
    public var evaluationBatchSize: Int
    /// Stop with a `NonFiniteValueError` naming the step and the parameter when the loss or a gradient becomes NaN or infinite.
    public var stopsOnNonFiniteValues: Bool
    /// The part of every epoch of the training and validation images this process sees, for
    /// data-parallel training (`batchSize` is then the batch of each shard); `.whole` by default.
    /// Only `fit(training:validation:normalization:)` (images) shards; the generic `fit` throws
    /// `TrainingSetupError.shardedDataset` for a sharded configuration.
    public var shard: DataShard = .whole
    /// Combines the validation results of the shards into one (every replica then records the
    /// same numbers); nil keeps this process's own.
    public var replicaReduction: (any ReplicaReduction)?

    public init(
        epochs: Int = 10,
        batchSize: Int = 64,
        seed: UInt64 = 0,
        augmentation: Augmentation = .none,
        mixup: Mixup? = nil,
        weightPenalty: (any WeightPenalty)? = nil,
        gradientClipping: GradientClipping? = nil,
        maxNorm: MaxNormConstraint? = nil,
        earlyStopping: EarlyStopping? = nil,
        checkpointDirectory: URL? = nil,
        evaluationBatchSize: Int = 256,
        stopsOnNonFiniteValues: Bool = true
    ) {
        require(epochs >= 0, "TrainingConfiguration: epochs \(epochs) must not be negative")
        require(batchSize > 0 && evaluationBatchSize > 0, "TrainingConfiguration: batch sizes must be positive")
        self.epochs = epochs
        self.batchSize = batchSize
        self.seed = seed
        self.augmentation = augmentation
        self.mixup = mixup
        self.weightPenalty = weightPenalty
        self.gradientClipping = gradientClipping
        self.maxNorm = maxNorm
        self.earlyStopping = earlyStopping
        self.checkpointDirectory = checkpointDirectory
        self.evaluationBatchSize = evaluationBatchSize
        self.stopsOnNonFiniteValues = stopsOnNonFiniteValues
    }
}

/// How gradients are clipped before each update.
public enum GradientClipping: Equatable, Sendable {
    /// Scale all gradients together so that their joint L2 norm is at most the value.
    case globalNorm(Float)
    /// Clamp every gradient element to [−value, value].
    case value(Float)
}

/// Early stopping on a validation metric: stop after `patience` epochs without an improvement of
/// more than `minimumImprovement`, then (optionally) restore the weights of the best epoch.
public struct EarlyStopping: Equatable, Sendable {
    /// The validation metric watched.
    public enum Metric: String, Sendable, Codable {
        case validationAccuracy, validationLoss
    }

    public var metric: Metric
    public var patience: Int
    public var minimumImprovement: Double
    public var restoresBestWeights: Bool

    public init(metric: Metric = .validationAccuracy, patience: Int = 3, minimumImprovement: Double = 0, restoresBestWeights: Bool = true) {
        require(patience >= 1, "EarlyStopping: patience \(patience) must be at least 1")
        self.metric = metric
        self.patience = patience
        self.minimumImprovement = minimumImprovement
        self.restoresBestWeights = restoresBestWeights
    }

    /// The best (value, epoch) after `record`: `record`'s metric when it improves on `best`, else `best`.
    func best(updating best: (value: Double, epoch: Int)?, with record: TrainingHistory.Epoch) -> (value: Double, epoch: Int)? {
        let value: Double?
        switch metric {
        case .validationAccuracy: value = record.validationAccuracy
        case .validationLoss: value = record.validationLoss
        }
        guard let value, improves(value, on: best?.value) else { return best }
        return (value, record.epoch)
    }

    /// Whether `candidate` improves on `best` by more than `minimumImprovement`.
    func improves(_ candidate: Double, on best: Double?) -> Bool {
        guard let best else { return true }
        switch metric {
        case .validationAccuracy: return candidate > best + minimumImprovement
        case .validationLoss: return candidate < best - minimumImprovement
        }
    }
}
