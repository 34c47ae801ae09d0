/// Samples the `Trainer` and `evaluate(model:data:loss:batchSize:)` can iterate: inputs with a
/// fixed per-sample shape and one target each.
///
/// Conformers: `ImageDataset` (byte images, integer labels; its batches here are scaled to [0, 1]
/// without augmentation — the `Trainer`'s image entry point adds normalization and augmentation)
/// and `FeatureDataset` ([N, F] feature vectors with labels or real-valued targets).
public protocol Dataset {
    /// The iterator over mini-batches.
    associatedtype Batches: BatchSource
    /// The number of samples N.
    var count: Int { get }
    /// The shape of one input sample (without the batch axis).
    var sampleShape: TensorShape { get }
    /// The kind and shape of the targets.
    var targetKind: TargetKind { get }
    /// How batches lay out their samples: batch-major unless the data set says otherwise
    /// (sequences are time-major).
    var batchLayout: BatchLayout { get }
    /// Mini-batches of at most `size` samples; each epoch's order is a function of `seed` and the
    /// epoch index alone, shuffled when `shuffle` is set.
    func batches(size: Int, shuffle: Bool, seed: UInt64) -> Batches
}

extension Dataset {
    public var batchLayout: BatchLayout { .batchMajor }
}

/// An iterator over the mini-batches of one data set, epoch by epoch.
///
/// In steady state `nextTrainingBatch()` should allocate nothing: conformers reuse two sets of
/// buffers in turn, so the batch a model still holds from the last step is not overwritten.
public protocol BatchSource {
    /// The targets of one epoch: its samples, or for per-step targets its samples × steps.
    var sampleCount: Int { get }
    /// The kind and shape of the targets.
    var targetKind: TargetKind { get }
    /// Starts epoch `index` (0-based), drawing its sample order.
    mutating func startEpoch(_ index: Int)
    /// The next batch of the current epoch, or nil when the epoch is over.
    mutating func nextTrainingBatch() -> TrainingBatch?
}

/// Inputs and their targets.
public struct TrainingBatch {
    /// The inputs, [B] + sample shape (or as the data set's `BatchLayout` says).
    public var inputs: Tensor
    /// The targets, one per sample (or per step and sample).
    public var targets: Targets
    /// The number of targets: the samples B (or the steps × samples T·B).
    public var count: Int { targets.count }
}

/// The generator of epoch `epoch` of a data order seeded by `seed`; SplitMix64 seeding
/// decorrelates the streams of consecutive epochs.
func epochGenerator(seed: UInt64, epoch: Int) -> SeededGenerator {
    SeededGenerator(seed: seed &+ UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15)
}

extension ImageDataset: Dataset {
    public var sampleShape: TensorShape { imageShape }
    public var targetKind: TargetKind { .labels(classCount: classCount) }

    /// Unit-range (b / 255), unaugmented batches; see `BatchIterator` for normalization and augmentation.
    public func batches(size: Int, shuffle: Bool, seed: UInt64) -> BatchIterator {
        BatchIterator(dataset: self, batchSize: size, shuffle: shuffle, seed: seed)
    }
}

extension BatchIterator: BatchSource {
    public var sampleCount: Int { shardSampleCount }
    public var targetKind: TargetKind { dataset.targetKind }

    public mutating func nextTrainingBatch() -> TrainingBatch? {
        nextBatch().map { TrainingBatch(inputs: $0.images, targets: .labels($0.labels)) }
    }
}
