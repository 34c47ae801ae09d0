import Foundation

extension Layer {
    /// The class probabilities the model gives each image of `images` — softmax of its logits,
    /// shape [N, classes] — in evaluation mode (the mode is restored afterwards).
    ///
    /// `normalization` must be the one the model was trained with; a checkpoint carries it:
    ///
    ///     let model = try Models.lenet5()
    ///     try model.loadWeights(from: checkpoint)
    ///     let probabilities = try model.classProbabilities(
    ///         of: ImageDataset(unlabeledImages: pixels, channels: 1, height: 28, width: 28),
    ///         normalization: try InputNormalization(checkpoint: checkpoint))
    ///
    /// Runs in batches of `batchSize` images, so memory stays bounded. Throws a `TrainingSetupError`
    /// when the model does not take these images or the normalization was made for other images.
    public func classProbabilities(
        of images: ImageDataset, normalization: InputNormalization, batchSize: Int = 256
    ) throws(TrainingSetupError) -> Tensor {
        let batch = Swift.max(1, batchSize)
        let classes = try validate(images, batchSize: batch, training: false)
        try normalization.check(fits: images)
        let wasTraining = isTraining
        setTraining(false)
        defer { setTraining(wasTraining) }
        var probabilities = Tensor.zeros([images.count, classes])
        var batches = BatchIterator(dataset: images, batchSize: batch, shuffle: false, normalization: normalization)
        batches.startEpoch(0)
        var row = 0
        while let next = batches.nextBatch() {
            let rows = forward(next.images).softmax()
            probabilities.withUnsafeMutableBufferPointer { all in
                rows.withUnsafeBufferPointer { rows in
                    (all.baseAddress! + row * classes).update(from: rows.baseAddress!, count: rows.count)
                }
            }
            row += next.count
        }
        return probabilities
    }

    /// The most probable class of each image of `images` (see `classProbabilities(of:normalization:batchSize:)`).
    public func predictedClasses(
        of images: ImageDataset, normalization: InputNormalization, batchSize: Int = 256
    ) throws(TrainingSetupError) -> [Int] {
        try classProbabilities(of: images, normalization: normalization, batchSize: batchSize).argmax(alongAxis: 1)
    }
}

extension InputNormalization {
    /// The input normalization saved in the training checkpoint at `url` (`Trainer.saveCheckpoint`);
    /// throws a `CheckpointError` when the file cannot be read or records none.
    public init(checkpoint url: URL) throws {
        // The validated header is all that is needed: no tensor is decoded.
        guard let normalization = try Trainer.savedNormalization(in: SafeTensors.load(url).header.metadata, file: url) else {
            throw CheckpointError(file: url, problem: .notACheckpoint(reason: "it records no input normalization"))
        }
        self = normalization
    }
}
