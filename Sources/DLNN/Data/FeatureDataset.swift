/// Feature vectors [N, F] with a target per sample: class labels, or a real-valued vector
/// (regression targets, or probability vectors for soft-target training).
///
///     let data = FeatureDataset(features: x, values: y)          // x: [N, F], y: [N, T]
///     try trainer.fit(training: data, validation: nil)
public struct FeatureDataset: Dataset, Sendable {
    /// The inputs, [N, F].
    public let features: Tensor
    /// The labels, or the target values [N, …].
    public let targets: Targets
    /// The number of classes of labeled data; 0 for values.
    public let classCount: Int

    /// Feature vectors `features` [N, F] labeled with classes in `0..<classCount`.
    public init(features: Tensor, labels: [Int], classCount: Int) {
        require(features.rank == 2 && features.shape[0] == labels.count,
                "FeatureDataset: features \(describe(features.shape)) for \(labels.count) labels: expected [\(labels.count), F]")
        let bad = labels.firstIndex { !(0..<classCount).contains($0) }
        require(bad == nil, "FeatureDataset: label \(labels[bad ?? 0]) of sample \(bad ?? 0) is outside 0..<\(classCount)")
        self.features = features
        self.targets = .labels(labels)
        self.classCount = classCount
    }

    /// Feature vectors `features` [N, F] with target values `values` [N, …].
    public init(features: Tensor, values: Tensor) {
        require(features.rank == 2 && values.rank >= 1 && values.shape[0] == features.shape[0],
                "FeatureDataset: features \(describe(features.shape)) and values \(describe(values.shape)): expected [N, F] and [N, …]")
        self.features = features
        self.targets = .values(values)
        self.classCount = 0
    }

    public var count: Int { features.shape[0] }
    public var sampleShape: TensorShape { [features.shape[1]] }

    public var targetKind: TargetKind {
        switch targets {
        case .labels: .labels(classCount: classCount)
        case .values(let values): .values(shape: values.shape.droppingFirst)
        }
    }

    public func batches(size: Int, shuffle: Bool, seed: UInt64) -> FeatureBatches {
        FeatureBatches(dataset: self, batchSize: size, shuffle: shuffle, seed: seed)
    }
}

/// Mini-batches of a `FeatureDataset`: the rows of each batch gathered into one of two buffers
/// used in turn, so that steady-state batches allocate nothing.
public struct FeatureBatches: BatchSource {
    public let dataset: FeatureDataset
    public let batchSize: Int
    public let shuffle: Bool
    public let seed: UInt64
    private var order: [Int]
    private var position = 0
    private var started = false
    private var workspace: FeatureWorkspace

    init(dataset: FeatureDataset, batchSize: Int, shuffle: Bool, seed: UInt64) {
        require(batchSize > 0, "FeatureBatches: batch size \(batchSize) must be positive")
        self.dataset = dataset
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.seed = seed
        order = Array(0..<dataset.count)
        workspace = FeatureWorkspace()
    }

    public var sampleCount: Int { dataset.count }
    public var targetKind: TargetKind { dataset.targetKind }

    public mutating func startEpoch(_ index: Int) {
        started = true
        position = 0
        for i in order.indices { order[i] = i }
        var generator = epochGenerator(seed: seed, epoch: index)
        if shuffle { generator.shuffle(&order) }
    }

    public mutating func nextTrainingBatch() -> TrainingBatch? {
        require(started, "FeatureBatches: call startEpoch(_:) before nextTrainingBatch()")
        let size = min(batchSize, order.count - position)
        guard size > 0 else { return nil }
        if !isKnownUniquelyReferenced(&workspace) { workspace = workspace.copy() }
        let batch = workspace.fill(samples: order[position..<position + size], from: dataset)
        position += size
        return batch
    }
}

/// The two batch buffers of a `FeatureBatches`.
private final class FeatureWorkspace {
    private var inputs = [Tensor.zeros([0]), Tensor.zeros([0])]
    private var values = [Tensor.zeros([0]), Tensor.zeros([0])]
    private var labels: [[Int]] = [[], []]
    private var slot = 0

    init() {}

    func copy() -> FeatureWorkspace {
        let copy = FeatureWorkspace()
        (copy.inputs, copy.values, copy.labels, copy.slot) = (inputs, values, labels, slot)
        return copy
    }

    /// Copies rows `samples` of `dataset` into the next slot and returns them.
    func fill(samples: ArraySlice<Int>, from dataset: FeatureDataset) -> TrainingBatch {
        slot = 1 - slot
        gatherRows(samples, of: dataset.features, into: &inputs[slot])
        switch dataset.targets {
        case .labels(let all):
            labels[slot].removeAll(keepingCapacity: true)
            for sample in samples { labels[slot].append(all[sample]) }
            return TrainingBatch(inputs: inputs[slot], targets: .labels(labels[slot]))
        case .values(let all):
            gatherRows(samples, of: all, into: &values[slot])
            return TrainingBatch(inputs: inputs[slot], targets: .values(values[slot]))
        }
    }
}

/// output[k] = source[samples[k]] for rows of `source` [N, …], resizing `output` in place.
func gatherRows(_ samples: ArraySlice<Int>, of source: Tensor, into output: inout Tensor) {
    let rowLength = source.count / max(source.shape[0], 1)
    if output.rank != source.rank || output.shape[0] != samples.count {
        var shape = source.shape
        shape[0] = samples.count
        output.resize(to: shape)
    }
    source.withUnsafeBufferPointer { x in
        output.withUnsafeMutableBufferPointer { y in
            for (k, sample) in samples.enumerated() {
                (y.baseAddress! + k * rowLength).update(from: x.baseAddress! + sample * rowLength, count: rowLength)
            }
        }
    }
}
