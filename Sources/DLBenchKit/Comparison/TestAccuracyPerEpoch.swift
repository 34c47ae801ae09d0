import DLNN

/// Evaluates the test set after every epoch, so that a comparison can plot test accuracy per epoch;
/// the last evaluation is the run's final test result. The test set only judges: nothing is chosen by it.
final class TestAccuracyPerEpoch: TrainingCallback {
    private let test: ImageDataset
    private let normalization: InputNormalization
    private(set) var accuracies: [Double] = []
    private(set) var last: Evaluation?

    init(test: ImageDataset, normalization: InputNormalization) {
        self.test = test
        self.normalization = normalization
    }

    func endOfEpoch(_ context: TrainingContext, record: TrainingHistory.Epoch) {
        let evaluation = context.trainer.evaluate(test, normalization: normalization)
        accuracies.append(evaluation.accuracy)
        last = evaluation
    }
}
