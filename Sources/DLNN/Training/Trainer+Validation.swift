/// A model, loss and data set that do not fit together, found before any training step.
public enum TrainingSetupError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The data set has no images.
    case emptyDataset
    /// A layer does not accept the batches the data set gives.
    case shape(ShapeError)
    /// The model's output is not [N, classes] with at least as many classes as the data set's labels need.
    case outputs(shape: TensorShape, classCount: Int)
    /// The input normalization's statistics are for images of another size.
    case normalization(String)
    /// The model's output is not [N] + the shape of the data set's target values.
    case valueOutputs(shape: TensorShape, targetShape: TensorShape)
    /// The loss takes labels and the data set has target values, or the other way round.
    case targets(lossTakesLabels: Bool)
    /// The configuration shards the data, and only image data sets are sharded.
    case shardedDataset

    public var description: String {
        switch self {
        case .emptyDataset:
            "the data set has no images"
        case .shape(let error):
            "the model does not accept these images: \(error)"
        case .outputs(let shape, let classCount):
            "the model's output \(describe(shape)) does not give a logit for each of the \(classCount) classes (expected [N, \(classCount)])"
        case .normalization(let problem):
            "the input normalization does not fit these images: \(problem)"
        case .valueOutputs(let shape, let targetShape):
            "the model's output \(describe(shape)) does not have the shape of the targets (expected [N] + \(describe(targetShape)))"
        case .targets(let lossTakesLabels):
            lossTakesLabels
                ? "the loss takes class labels but the data set has target values"
                : "the loss takes target values but the data set has class labels"
        case .shardedDataset:
            "the configuration shards the data across processes, which only image data sets support"
        }
    }
}

extension Trainer {
    /// Checks, by shape inference alone, that the model takes the batches `dataset` gives
    /// (every full batch and the last, shorter one) in training or evaluation mode, and that its
    /// output has a logit for every class of the data set (or the shape of its target values) and
    /// that the loss takes the data set's kind of targets. `fit` runs it on its data sets first;
    /// call it on a test set before training to learn of a mismatch early.
    public func validate(_ dataset: some Dataset, forTraining: Bool) throws(TrainingSetupError) {
        guard loss.takesLabels == dataset.targetKind.holdsLabels else { throw .targets(lossTakesLabels: loss.takesLabels) }
        try model.validate(
            dataset, batchSize: forTraining ? configuration.batchSize : configuration.evaluationBatchSize, training: forTraining)
    }
}

extension Layer {
    /// The check of `Trainer.validate(_:forTraining:)` for batches of at most `batchSize` samples,
    /// in training or evaluation mode (restored afterwards); returns the model's outputs per sample.
    @discardableResult
    func validate(_ dataset: some Dataset, batchSize: Int, training: Bool) throws(TrainingSetupError) -> Int {
        guard dataset.count > 0 else { throw .emptyDataset }
        var batchSizes = [Swift.min(batchSize, dataset.count)]
        if dataset.count > batchSize, dataset.count % batchSize != 0 { batchSizes.append(dataset.count % batchSize) }
        let wasTraining = isTraining
        setTraining(training)
        defer { setTraining(wasTraining) }
        var outputs = 0
        for batch in batchSizes {
            let output: TensorShape
            do {
                output = try outputShape(for: dataset.batchLayout.inputShape(batch: batch, sampleShape: dataset.sampleShape))
            } catch {
                throw .shape(error)
            }
            let rows = dataset.batchLayout.targetCount(batch: batch, sampleShape: dataset.sampleShape)
            switch dataset.targetKind {
            case .labels(let classCount):
                guard output.count == 2, output[0] == rows, output[1] >= classCount else {
                    throw .outputs(shape: output, classCount: classCount)
                }
            case .values(let shape):
                guard output == [rows] + shape else { throw .valueOutputs(shape: output, targetShape: shape) }
            }
            outputs = output.droppingFirst.elementCount
        }
        return outputs
    }
}

extension InputNormalization {
    /// Throws `TrainingSetupError.normalization` unless the statistics fit the images of `dataset`.
    func check(fits dataset: ImageDataset) throws(TrainingSetupError) {
        if let problem = mismatch(channels: dataset.channels, planeSize: dataset.height * dataset.width) {
            throw .normalization(problem)
        }
    }
}
