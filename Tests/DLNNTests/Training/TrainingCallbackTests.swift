import Testing
@testable import DLNN

/// Records every hook as a line.
private final class Recorder: TrainingCallback {
    var events: [String] = []
    func beginFit(_ context: TrainingContext) { events.append("beginFit") }
    func beginEpoch(_ context: TrainingContext, sampleCount: Int) { events.append("beginEpoch \(context.epoch) \(sampleCount)") }
    func afterBackward(_ context: TrainingContext) { events.append("afterBackward \(context.step)") }
    func beforeOptimizerStep(_ context: TrainingContext) { events.append("beforeOptimizerStep \(context.step)") }
    func afterOptimizerStep(_ context: TrainingContext) { events.append("afterOptimizerStep \(context.step)") }
    func endOfStep(_ context: TrainingContext, result: StepResult) { events.append("endOfStep \(result.record.step) \(result.sampleCount)") }
    func endOfEpochSteps(_ context: TrainingContext, record: TrainingHistory.Epoch) { events.append("endOfEpochSteps \(record.epoch)") }
    func onEvaluation(_ context: TrainingContext, evaluation: Evaluation) { events.append("onEvaluation \(evaluation.sampleCount)") }
    func endOfEpoch(_ context: TrainingContext, record: TrainingHistory.Epoch) { events.append("endOfEpoch \(record.epoch)") }
    func endFit(_ context: TrainingContext, history: TrainingHistory) { events.append("endFit \(history.epochs.count)") }
}

/// Asks for a stop at the end of step `step`.
private final class StopAfter: TrainingCallback {
    let step: Int
    init(step: Int) { self.step = step }
    func endOfStep(_ context: TrainingContext, result: StepResult) {
        if result.record.step == step { context.trainer.requestStop() }
    }
}

@Suite struct TrainingCallbackTests {
    @Test func hooksFireInTheDocumentedOrder() throws {
        let model = denseModel(inputs: 1, outputs: 1, seed: 1)
        let recorder = Recorder()
        let trainer = Trainer(
            model: model, loss: MeanSquaredError(), optimizer: SGD(model.allParameters, learningRate: 0.01),
            configuration: TrainingConfiguration(epochs: 1, batchSize: 2), callbacks: [recorder])
        try trainer.fit(training: quadraticProblem(samples: 4), validation: quadraticProblem(samples: 3))
        #expect(recorder.events == [
            "beginFit", "beginEpoch 1 4",
            "afterBackward 1", "beforeOptimizerStep 1", "afterOptimizerStep 1", "endOfStep 1 2",
            "afterBackward 2", "beforeOptimizerStep 2", "afterOptimizerStep 2", "endOfStep 2 2",
            "endOfEpochSteps 1", "onEvaluation 3", "endOfEpoch 1", "endFit 1",
        ])
    }

    @Test func aRequestedStopEndsTheEpochAfterTheStep() throws {
        let model = denseModel(inputs: 1, outputs: 1, seed: 1)
        let trainer = Trainer(
            model: model, loss: MeanSquaredError(), optimizer: SGD(model.allParameters, learningRate: 0.01),
            configuration: TrainingConfiguration(epochs: 5, batchSize: 1), callbacks: [StopAfter(step: 2)])
        let history = try trainer.fit(training: quadraticProblem(samples: 4), validation: nil)
        #expect(history.steps.count == 2 && history.epochs.count == 1 && trainer.completedEpochs == 1)
    }

    @Test func valueTargetsHaveNoAccuracy() throws {
        let model = denseModel(inputs: 1, outputs: 1, seed: 1)
        let trainer = Trainer(model: model, loss: MeanSquaredError(), optimizer: SGD(model.allParameters, learningRate: 0.01),
                              configuration: TrainingConfiguration(epochs: 1, batchSize: 2))
        let history = try trainer.fit(training: quadraticProblem(), validation: quadraticProblem())
        #expect(history.epochs[0].trainingAccuracy.isNaN && history.epochs[0].validationAccuracy == nil)
        #expect(history.epochs[0].validationLoss != nil)
    }

    @Test func aLossThatTakesLabelsRefusesValueTargets() {
        let model = denseModel(inputs: 1, outputs: 1, seed: 1)
        let trainer = Trainer(model: model, loss: SoftmaxCrossEntropy(), optimizer: SGD(model.allParameters, learningRate: 0.01))
        #expect(throws: TrainingSetupError.targets(lossTakesLabels: true)) { try trainer.validate(quadraticProblem(), forTraining: true) }
    }
}
