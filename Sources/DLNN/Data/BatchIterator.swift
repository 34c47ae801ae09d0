/// Mini-batches of an `ImageDataset`, converted from bytes to normalized `Float` one batch at a time.
///
///     var batches = BatchIterator(dataset: split.training, batchSize: 64, seed: 1,
///                                 normalization: normalization, augmentation: Augmentation(maxTranslation: 2))
///     for epoch in 0..<10 {
///         batches.startEpoch(epoch)
///         while let batch = batches.nextBatch() {
///             // batch.images: [B, C, H, W], batch.labels: [B]
///         }
///     }
///
/// With a `shard` other than `.whole`, each epoch iterates that shard's part of the epoch's order
/// (see `DataShard`), `batchSize` samples per batch.
///
/// Each epoch's sample order and augmentations are drawn from a `SeededGenerator` seeded by
/// `seed` and the epoch index alone, so an epoch can be replayed (or a run resumed) exactly.
///
/// In steady state `nextBatch()` allocates nothing: it writes into two sets of buffers used in turn,
/// so the batch returned last time (which a model may still hold as the input it caches for its
/// backward pass) is not overwritten. Batches are values: one kept for longer is copied on the
/// next write instead of changing.
public struct BatchIterator {
    /// Images and their labels.
    public struct Batch {
        /// The normalized (and, when training, augmented) images, [B, C, H, W].
        public var images: Tensor
        /// The class of each image, B values.
        public var labels: [Int]
        /// The number of samples B.
        public var count: Int { labels.count }
    }

    /// How an epoch chooses its samples.
    public enum Sampling: Equatable, Sendable {
        /// Every sample exactly once per epoch (sampling without replacement), shuffled if `shuffle` is set.
        case uniform
        /// `dataset.count` draws with replacement, sample i with probability ∝ 1 / (size of its class),
        /// so each class present is drawn equally often on average: for imbalanced data. Always
        /// random, whatever `shuffle` says; drawn as a uniform class, then a uniform member of it.
        case classBalanced
    }

    /// The samples being iterated.
    public let dataset: ImageDataset
    /// Samples per batch; the last batch of an epoch may be smaller unless `dropLast` is set.
    public let batchSize: Int
    /// Whether each epoch visits the samples in a new random order (for `.uniform` sampling).
    public let shuffle: Bool
    /// Whether an epoch's last, incomplete batch is skipped.
    public let dropLast: Bool
    /// The seed of every epoch's generator.
    public let seed: UInt64
    /// How bytes become inputs.
    public let normalization: InputNormalization
    /// The random transformations applied to each sample.
    public let augmentation: Augmentation
    /// How an epoch chooses its samples.
    public let sampling: Sampling
    /// The part of every epoch's order this iterator visits.
    public let shard: DataShard
    /// The index of the current epoch; -1 before the first `startEpoch()`.
    public private(set) var epoch = -1

    /// The epoch's order of all samples.
    private var order: [Int]
    /// The samples of `shard` in `order`, visited in turn.
    private var samples: [Int]
    private var position = 0
    private var generator = SeededGenerator(seed: 0)
    /// The samples of each class, for class-balanced sampling.
    private let classMembers: [[Int]]
    private var workspace: Workspace

    /// Creates an iterator; call `startEpoch()` before asking for batches.
    public init(
        dataset: ImageDataset, batchSize: Int, shuffle: Bool = true, dropLast: Bool = false, seed: UInt64 = 0,
        normalization: InputNormalization = .unitRange, augmentation: Augmentation = .none, sampling: Sampling = .uniform,
        shard: DataShard = .whole
    ) {
        require(batchSize > 0, "BatchIterator: batch size \(batchSize) must be positive")
        normalization.requireFits(channels: dataset.channels, planeSize: dataset.height * dataset.width)
        self.dataset = dataset
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.dropLast = dropLast
        self.seed = seed
        self.normalization = normalization
        self.augmentation = augmentation
        self.sampling = sampling
        self.shard = shard
        self.order = Array(0..<dataset.count)
        self.samples = shard == .whole ? order : []
        var members = Array(repeating: [Int](), count: dataset.classCount)
        if sampling == .classBalanced {
            for (index, label) in dataset.labels.enumerated() { members[label].append(index) }
        }
        self.classMembers = members.filter { !$0.isEmpty }
        self.workspace = Workspace(batchSize: min(batchSize, max(dataset.count, 1)), dataset: dataset)
    }

    /// Batches per epoch: ⌈N / B⌉, or ⌊N / B⌋ with `dropLast`, for the N samples of the shard.
    public var batchesPerEpoch: Int {
        let count = shardSampleCount
        return dropLast ? count / batchSize : (count + batchSize - 1) / batchSize
    }

    /// The samples of each epoch in `shard`: the data set's size when unsharded.
    public var shardSampleCount: Int {
        shard == .whole ? dataset.count : shard.sampleCount(orderCount: dataset.count, batchSize: batchSize)
    }

    /// Starts the epoch after the current one.
    public mutating func startEpoch() {
        startEpoch(epoch + 1)
    }

    /// Starts epoch `index`, drawing its sample order; the same index always gives the same epoch.
    public mutating func startEpoch(_ index: Int) {
        require(index >= 0, "BatchIterator.startEpoch: epoch \(index) must not be negative")
        epoch = index
        position = 0
        generator = epochGenerator(seed: seed, epoch: index)
        switch sampling {
        case .uniform:
            for i in order.indices { order[i] = i }
            if shuffle { generator.shuffle(&order) }
        case .classBalanced:
            for i in order.indices {
                let members = classMembers[generator.nextIndex(below: classMembers.count)]
                order[i] = members[generator.nextIndex(below: members.count)]
            }
        }
        if shard == .whole {
            samples = order
        } else {
            samples.removeAll(keepingCapacity: true)
            for position in shard.positions(orderCount: order.count, batchSize: batchSize) { samples.append(order[position]) }
        }
    }

    /// The next batch of the current epoch, or nil when the epoch is over.
    public mutating func nextBatch() -> Batch? {
        require(epoch >= 0, "BatchIterator: call startEpoch() before nextBatch()")
        let size = min(batchSize, samples.count - position)
        guard size > 0, !(dropLast && size < batchSize) else { return nil }
        if !isKnownUniquelyReferenced(&workspace) { workspace = workspace.copy() }
        let batch = workspace.fill(
            samples: samples[position..<position + size], from: dataset,
            normalization: normalization, augmentation: augmentation, generator: &generator
        )
        position += size
        return batch
    }
}

/// The reusable memory of a `BatchIterator`: two batches used in turn and one image of bytes.
private final class Workspace {
    private var images: [Tensor]
    private var labels: [[Int]]
    private var pixels: [UInt8]
    private var slot = 0

    init(batchSize: Int, dataset: ImageDataset) {
        let shape = [batchSize] + dataset.imageShape
        images = [Tensor.zeros(shape), Tensor.zeros(shape)]
        labels = [Array(repeating: 0, count: batchSize), Array(repeating: 0, count: batchSize)]
        pixels = Array(repeating: 0, count: dataset.imageByteCount)
    }

    private init(copying other: Workspace) {
        images = other.images
        labels = other.labels
        pixels = other.pixels
        slot = other.slot
    }

    func copy() -> Workspace { Workspace(copying: self) }

    /// Converts `samples` of `dataset` into the next batch buffers and returns them.
    func fill(
        samples: ArraySlice<Int>, from dataset: ImageDataset,
        normalization: InputNormalization, augmentation: Augmentation, generator: inout SeededGenerator
    ) -> BatchIterator.Batch {
        slot = 1 - slot
        let imageSize = dataset.imageByteCount
        let planeSize = dataset.height * dataset.width
        if images[slot].shape[0] != samples.count {
            images[slot].resize(to: TensorShape(samples.count) + dataset.imageShape)
        }
        labels[slot].removeAll(keepingCapacity: true)
        for sample in samples { labels[slot].append(dataset.labels[sample]) }

        images[slot].withUnsafeMutableBufferPointer { output in
            dataset.storage.withUnsafeBufferPointer { storage in
                pixels.withUnsafeMutableBufferPointer { pixels in
                    for (k, sample) in samples.enumerated() {
                        var bytes = storage.baseAddress! + dataset.storageIndices[sample] * imageSize
                        if augmentation.isGeometric {
                            augmentation.transform(
                                bytes, into: pixels.baseAddress!,
                                channels: dataset.channels, height: dataset.height, width: dataset.width, using: &generator
                            )
                            bytes = UnsafePointer(pixels.baseAddress!)
                        }
                        let image = output.baseAddress! + k * imageSize
                        for i in 0..<imageSize { image[i] = Float(bytes[i]) / 255 }
                        if augmentation.isPhotometric { augmentation.jitter(image, count: imageSize, using: &generator) }
                        normalization.apply(to: image, channels: dataset.channels, planeSize: planeSize)
                    }
                }
            }
        }
        return BatchIterator.Batch(images: images[slot], labels: labels[slot])
    }
}
