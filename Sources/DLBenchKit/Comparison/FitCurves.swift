import DLNN

/// The training split (unaugmented, in evaluation mode) and the validation split evaluated after every
/// epoch with the plain cross-entropy, whatever the training loss (label smoothing, mixup): the
/// training-against-validation curves that show overfitting. The running training loss of the
/// history cannot: it is measured with dropout on, on augmented or mixed images, and before each update.
final class FitCurves: TrainingCallback {
    private let training: ImageDataset, validation: ImageDataset
    private let normalization: InputNormalization
    private(set) var trainingEvaluations: [Evaluation] = [], validationEvaluations: [Evaluation] = []

    init(training: ImageDataset, validation: ImageDataset, normalization: InputNormalization) {
        (self.training, self.validation, self.normalization) = (training, validation, normalization)
    }

    func endOfEpochSteps(_ context: TrainingContext, record: TrainingHistory.Epoch) {
        let loss = SoftmaxCrossEntropy(), batchSize = context.trainer.configuration.evaluationBatchSize
        trainingEvaluations.append(evaluate(model: context.trainer.model, images: training, normalization: normalization, loss: loss, batchSize: batchSize))
        validationEvaluations.append(evaluate(model: context.trainer.model, images: validation, normalization: normalization, loss: loss, batchSize: batchSize))
    }
}
