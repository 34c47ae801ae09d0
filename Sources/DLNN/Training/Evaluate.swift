/// Loss, accuracy and confusion matrix of `model` on `data`, in evaluation mode, `batchSize`
/// samples per forward pass; the model's mode is restored afterwards. With value targets there
/// is no accuracy: the accuracies are NaN and the confusion matrix has no classes. An empty data
/// set has no metrics: loss and accuracies are NaN.
public func evaluate(model: any Layer, data: some Dataset, loss: any TrainingLoss, batchSize: Int = 256) -> Evaluation {
    var batches = data.batches(size: batchSize, shuffle: false, seed: 0)
    return evaluate(model: model, batches: &batches, loss: loss)
}

/// `evaluate(model:data:loss:batchSize:)` for images normalized by `normalization`.
public func evaluate(
    model: any Layer, images: ImageDataset, normalization: InputNormalization, loss: any TrainingLoss, batchSize: Int = 256
) -> Evaluation {
    var batches = BatchIterator(dataset: images, batchSize: batchSize, shuffle: false, normalization: normalization)
    return evaluate(model: model, batches: &batches, loss: loss)
}

/// The evaluation over one epoch (epoch 0, as ordered by `batches`) of `batches`.
func evaluate(model: any Layer, batches: inout some BatchSource, loss: any TrainingLoss) -> Evaluation {
    let wasTraining = model.isTraining
    model.setTraining(false)
    defer { model.setTraining(wasTraining) }
    batches.startEpoch(0)
    var totalLoss = 0.0, topOneHits = 0, topFiveHits = 0
    let classCount: Int
    if case .labels(let count) = batches.targetKind { classCount = count } else { classCount = 0 }
    var confusion: ConfusionMatrix?
    while let batch = batches.nextTrainingBatch() {
        let outputs = model.forward(batch.inputs)
        totalLoss += Double(loss.loss(outputs, targets: batch.targets).value) * Double(batch.count)
        guard case .labels(let labels) = batch.targets else { continue }
        topOneHits += Metrics.topKHits(logits: outputs, labels: labels, k: 1)
        topFiveHits += Metrics.topKHits(logits: outputs, labels: labels, k: min(5, outputs.shape[1]))
        // As many classes as the model predicts, in case the data set's labels use fewer.
        if confusion == nil { confusion = ConfusionMatrix(classCount: max(classCount, outputs.shape[1])) }
        confusion!.add(logits: outputs, labels: labels)
    }
    let count = Double(batches.sampleCount)
    let hasAccuracy = classCount > 0
    return Evaluation(
        loss: totalLoss / count,
        accuracy: hasAccuracy ? Double(topOneHits) / count : .nan,
        topFiveAccuracy: hasAccuracy ? Double(topFiveHits) / count : .nan,
        confusion: confusion ?? ConfusionMatrix(classCount: classCount), sampleCount: batches.sampleCount)
}
