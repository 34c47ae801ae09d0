/// A text cut into consecutive chunks for truncated backpropagation through time: a batch of N
/// streams reads N equal, contiguous parts of the text side by side, T characters at a time, and
/// batch k + 1 continues each stream exactly where batch k stopped — so a model may carry its final
/// state (detached) from one batch into the next, as `RecurrentNetwork.forward(_:initialState:lengths:)`
/// allows.
///
/// Batches are time-major: inputs [T, N] of character indices (whole-number floats, as `Embedding`
/// takes them) and T·N labels, the next character of each (label t·N + n for step t of stream n),
/// as `SequenceCrossEntropy` reads the logits [T·N, V] of a model ending in `TimeStepsAsRows` and
/// `Dense`. Epochs always start at the beginning of every stream (`shuffle` is ignored: the order is
/// the text's).
public struct CharacterStreams: Dataset, Sendable {
    /// The text, as vocabulary indices.
    public let text: [Int]
    /// V, the size of the vocabulary (the number of classes).
    public let vocabularySize: Int
    /// T, the characters per stream and batch (the truncation length of BPTT).
    public let steps: Int

    /// Throws `SequenceDataError.setting` unless `steps` ≥ 1 and the text has at least `steps + 1`
    /// characters (one chunk and its next character), or `.label` for an index outside the vocabulary.
    public init(text: [Int], vocabularySize: Int, steps: Int) throws(SequenceDataError) {
        guard steps >= 1 else { throw .setting("truncated BPTT length T = \(steps) must be at least 1") }
        guard text.count > steps else { throw .setting("a text of \(text.count) characters holds no chunk of \(steps) steps and its next character") }
        if let bad = text.firstIndex(where: { !(0..<vocabularySize).contains($0) }) {
            throw .label(text[bad], index: bad, classCount: vocabularySize)
        }
        (self.text, self.vocabularySize, self.steps) = (text, vocabularySize, steps)
    }

    /// The T-step chunks of the text read by a single stream, ⌊(count − 1) / T⌋.
    public var count: Int { (text.count - 1) / steps }
    /// [T]: each step of a stream is one index.
    public var sampleShape: TensorShape { TensorShape(steps) }
    public var targetKind: TargetKind { .labels(classCount: vocabularySize) }
    public var batchLayout: BatchLayout { .timeMajor(targetsPerStep: true) }

    /// `size` streams side by side (at most ⌊count / (T + 1)⌋, so that each holds a chunk and its next character).
    public func batches(size: Int, shuffle: Bool, seed: UInt64) -> CharacterChunks {
        CharacterChunks(streams: self, streamCount: Swift.min(size, text.count / (steps + 1)))
    }
}

/// The batches of `CharacterStreams`: chunk k of every stream, k = 0, 1, …
public struct CharacterChunks: BatchSource {
    /// The text and chunk length.
    public let streams: CharacterStreams
    /// N, the streams read side by side.
    public let streamCount: Int
    /// The characters of each stream, ⌊(count − 1) / N⌋ (its last one only a target).
    public let streamLength: Int
    /// The chunks of each epoch, ⌊(streamLength − 1) / T⌋: those whose next characters lie in the stream.
    public let chunkCount: Int
    private var chunk = 0
    private var inputs = [Tensor.zeros(TensorShape(0)), Tensor.zeros(TensorShape(0))]
    private var labels: [[Int]] = [[], []]
    private var slot = 0

    init(streams: CharacterStreams, streamCount: Int) {
        require(streamCount >= 1, "CharacterStreams.batches: \(streamCount) streams: expected at least 1")
        self.streams = streams
        self.streamCount = streamCount
        streamLength = streams.text.count / streamCount
        chunkCount = (streamLength - 1) / streams.steps
    }

    public var sampleCount: Int { chunkCount * streamCount * streams.steps }
    public var targetKind: TargetKind { streams.targetKind }

    public mutating func startEpoch(_ index: Int) {
        require(index >= 0, "CharacterChunks.startEpoch: epoch \(index) must not be negative")
        chunk = 0
    }

    public mutating func nextTrainingBatch() -> TrainingBatch? {
        guard chunk < chunkCount else { return nil }
        slot = 1 - slot
        let (steps, count) = (streams.steps, streamCount)
        inputs[slot].resize(to: TensorShape(steps, count))
        labels[slot].removeAll(keepingCapacity: true)
        streams.text.withUnsafeBufferPointer { text in
            inputs[slot].withUnsafeMutableBufferPointer { x in
                for t in 0..<steps {
                    for n in 0..<count {
                        let position = n * streamLength + chunk * steps + t
                        x[t * count + n] = Float(text[position])
                        labels[slot].append(text[position + 1])
                    }
                }
            }
        }
        chunk += 1
        return TrainingBatch(inputs: inputs[slot], targets: .labels(labels[slot]))
    }
}
