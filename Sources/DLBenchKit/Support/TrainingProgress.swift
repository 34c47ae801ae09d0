import DLNN
import DLReport

/// The progress line of every training epoch on stderr (`ProgressReporter`): samples seen, the
/// running mean loss and accuracy of the epoch's batches, the rate and the time left.
final class TrainingProgress: TrainingCallback {
    private let mode: ProgressReporter.Mode
    private var reporter: ProgressReporter?
    private var seen = 0, correct = 0, steps = 0, lossSum = 0.0

    init(mode: ProgressReporter.Mode) {
        self.mode = mode
    }

    func beginEpoch(_ context: TrainingContext, sampleCount: Int) {
        reporter = ProgressReporter(
            label: "epoch \(context.epoch)/\(context.trainer.configuration.epochs)", total: sampleCount, unit: "img", mode: mode)
        (seen, correct, steps, lossSum) = (0, 0, 0, 0)
    }

    func endOfStep(_ context: TrainingContext, result: StepResult) {
        seen += result.sampleCount
        correct += result.correctCount ?? 0
        steps += 1
        lossSum += Double(result.record.loss)
        reporter?.update(completed: seen, metrics: [("loss", lossSum / Double(steps)), ("acc", Double(correct) / Double(seen))])
    }

    func endOfEpochSteps(_ context: TrainingContext, record: TrainingHistory.Epoch) {
        reporter?.finish(completed: seen, metrics: [("loss", record.trainingLoss), ("acc", record.trainingAccuracy)])
        reporter = nil
    }
}
