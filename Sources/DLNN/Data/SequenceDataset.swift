/// Sequences of T steps of F features each, held in memory, with a class per sequence, a class
/// per step, or target values per sequence — batched time-major ([T, B, F]) for the recurrent and
/// attention layers.
///
///     let data = try SequenceDataset(sequences: x, stepLabels: y, classCount: 10)   // x: [S, T, F], y: S·T labels
///     try trainer.fit(training: data, validation: nil)                             // batches [T, B, F], T·B labels
///
/// Per-step labels are given sample-major (label s·T + t for step t of sequence s) and come out of a
/// batch time-major (label t·B + b for step t of the batch's sample b), the order in which a model
/// that flattens its [T, B, C] output to [T·B, C] (`TimeStepsAsRows`) gives its logits and
/// `SequenceCrossEntropy` reads them.
public struct SequenceDataset: Dataset, Sendable {
    /// What is predicted from a sequence.
    public enum Targets: Sendable {
        /// One class per sequence (many-to-one classification), S labels.
        case labels([Int])
        /// One class per step (many-to-many), S·T labels, sample-major.
        case stepLabels([Int])
        /// Target values [S, …] per sequence (many-to-one regression).
        case values(Tensor)
    }

    /// The sequences, [S, T, F] (sample-major, as stored; batches are time-major).
    public let sequences: Tensor
    /// The targets.
    public let targets: Targets
    /// The number of classes of labeled data; 0 for values.
    public let classCount: Int

    /// Creates the data set, checking that the targets fit the sequences [S, T, F].
    public init(sequences: Tensor, targets: Targets, classCount: Int = 0) throws(SequenceDataError) {
        guard sequences.rank == 3, sequences.shape[1] > 0, sequences.shape[2] > 0 else {
            throw .shape("sequences \(describe(sequences.shape)): expected [S, T, F] with T, F ≥ 1")
        }
        let (count, length) = (sequences.shape[0], sequences.shape[1])
        switch targets {
        case .labels(let labels), .stepLabels(let labels):
            let expected = if case .labels = targets { count } else { count * length }
            guard labels.count == expected else {
                throw .shape("\(labels.count) labels for \(count) sequences of \(length) steps: expected \(expected)")
            }
            if let bad = labels.firstIndex(where: { !(0..<classCount).contains($0) }) {
                throw .label(labels[bad], index: bad, classCount: classCount)
            }
        case .values(let values):
            guard values.rank >= 1, values.shape[0] == count else {
                throw .shape("values \(describe(values.shape)) for \(count) sequences: expected [\(count), …]")
            }
        }
        self.sequences = sequences
        self.targets = targets
        self.classCount = classCount
    }

    /// S, the number of sequences.
    public var count: Int { sequences.shape[0] }
    /// T, the steps of every sequence.
    public var length: Int { sequences.shape[1] }
    /// F, the features of every step.
    public var featureCount: Int { sequences.shape[2] }
    /// [T, F].
    public var sampleShape: TensorShape { TensorShape(length, featureCount) }

    public var batchLayout: BatchLayout {
        if case .stepLabels = targets { .timeMajor(targetsPerStep: true) } else { .timeMajor(targetsPerStep: false) }
    }

    public var targetKind: TargetKind {
        switch targets {
        case .labels, .stepLabels: .labels(classCount: classCount)
        case .values(let values): .values(shape: values.shape.droppingFirst)
        }
    }

    /// Sequences `indices`, in that order.
    public func subset(_ indices: some Collection<Int>) -> SequenceDataset {
        let samples = Array(indices)[...]
        var picked = Tensor.zeros(TensorShape(0))
        gatherRows(samples, of: sequences, into: &picked)
        let pickedTargets: Targets
        switch targets {
        case .labels(let all):
            pickedTargets = .labels(samples.map { all[$0] })
        case .stepLabels(let all):
            pickedTargets = .stepLabels(samples.flatMap { all[($0 * length)..<(($0 + 1) * length)] })
        case .values(let all):
            var values = Tensor.zeros(TensorShape(0))
            gatherRows(samples, of: all, into: &values)
            pickedTargets = .values(values)
        }
        // A subset of valid data is valid: the shapes and labels were checked on creation.
        return try! SequenceDataset(sequences: picked, targets: pickedTargets, classCount: classCount)
    }

    /// The first `count` sequences (all of them when there are fewer).
    public func prefix(_ count: Int) -> SequenceDataset {
        subset(0..<Swift.min(count, self.count))
    }

    public func batches(size: Int, shuffle: Bool, seed: UInt64) -> SequenceBatches {
        SequenceBatches(dataset: self, batchSize: size, shuffle: shuffle, seed: seed)
    }
}

/// Sequence data that does not fit together, or a task asked for with impossible settings.
public enum SequenceDataError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Shapes that do not fit, described.
    case shape(String)
    /// A label outside `0..<classCount`.
    case label(Int, index: Int, classCount: Int)
    /// A setting outside its range, described.
    case setting(String)

    public var description: String {
        switch self {
        case .shape(let problem): "sequence data: \(problem)"
        case .label(let label, let index, let classCount): "sequence data: label \(label) at \(index) is outside 0..<\(classCount)"
        case .setting(let problem): "sequence data: \(problem)"
        }
    }
}

/// The mini-batches of a `SequenceDataset`, time-major: inputs [T, B, F] and B labels, T·B labels
/// (time-major) or values [B, …]. Each epoch's order is a function of the seed and the epoch
/// index alone; in steady state a batch allocates nothing (two buffers used in turn).
public struct SequenceBatches: BatchSource {
    /// The sequences being iterated.
    public let dataset: SequenceDataset
    /// Sequences per batch; the last batch of an epoch may be smaller.
    public let batchSize: Int
    /// Whether each epoch visits the sequences in a new random order.
    public let shuffle: Bool
    /// The seed of every epoch's order.
    public let seed: UInt64
    private var order: [Int]
    private var position = 0
    private var workspace = SequenceBatchWorkspace()

    /// Creates an iterator; call `startEpoch(_:)` before asking for batches.
    public init(dataset: SequenceDataset, batchSize: Int, shuffle: Bool = true, seed: UInt64 = 0) {
        require(batchSize > 0, "SequenceBatches: batch size \(batchSize) must be positive")
        (self.dataset, self.batchSize, self.shuffle, self.seed) = (dataset, batchSize, shuffle, seed)
        order = Array(0..<dataset.count)
    }

    public var sampleCount: Int {
        dataset.batchLayout.targetCount(batch: dataset.count, sampleShape: dataset.sampleShape)
    }

    public var targetKind: TargetKind { dataset.targetKind }

    public mutating func startEpoch(_ index: Int) {
        require(index >= 0, "SequenceBatches.startEpoch: epoch \(index) must not be negative")
        position = 0
        for i in order.indices { order[i] = i }
        if shuffle {
            var generator = epochGenerator(seed: seed, epoch: index)
            generator.shuffle(&order)
        }
    }

    public mutating func nextTrainingBatch() -> TrainingBatch? {
        let size = Swift.min(batchSize, order.count - position)
        guard size > 0 else { return nil }
        let batch = workspace.gatherTimeMajor(order[position..<position + size], of: dataset)
        position += size
        return batch
    }
}

/// Two slots of batch buffers used in turn, and the gathers that fill them.
struct SequenceBatchWorkspace {
    private var inputs = [Tensor.zeros(TensorShape(0)), Tensor.zeros(TensorShape(0))]
    private var values = [Tensor.zeros(TensorShape(0)), Tensor.zeros(TensorShape(0))]
    private var labels: [[Int]] = [[], []]
    private var slot = 0

    /// inputs[t, b, :] = sequences[samples[b], t, :], with the samples' targets in time-major order.
    mutating func gatherTimeMajor(_ samples: ArraySlice<Int>, of data: SequenceDataset) -> TrainingBatch {
        slot = 1 - slot
        let (length, features, batch) = (data.length, data.featureCount, samples.count)
        inputs[slot].resize(to: TensorShape(length, batch, features))
        data.sequences.withUnsafeBufferPointer { x in
            inputs[slot].withUnsafeMutableBufferPointer { y in
                for (b, sample) in samples.enumerated() {
                    for t in 0..<length {
                        (y.baseAddress! + (t * batch + b) * features)
                            .update(from: x.baseAddress! + (sample * length + t) * features, count: features)
                    }
                }
            }
        }
        labels[slot].removeAll(keepingCapacity: true)
        switch data.targets {
        case .labels(let all):
            for sample in samples { labels[slot].append(all[sample]) }
        case .stepLabels(let all):
            for t in 0..<length {
                for sample in samples { labels[slot].append(all[sample * length + t]) }
            }
        case .values(let all):
            gatherRows(samples, of: all, into: &values[slot])
            return TrainingBatch(inputs: inputs[slot], targets: .values(values[slot]))
        }
        return TrainingBatch(inputs: inputs[slot], targets: .labels(labels[slot]))
    }
}
