import Foundation
import Testing
@testable import DLNN

/// A small, fast classification problem cut from the bundled MNIST.
private func mnistSubsets(training: Int, validation: Int) throws -> (training: ImageDataset, validation: ImageDataset, normalization: InputNormalization) {
    let mnist = try MNIST.load()
    let trainingSet = mnist.train.prefix(training)
    let validationSet = mnist.test.prefix(validation)
    return (trainingSet, validationSet, .perChannel(statisticsOf: trainingSet))
}

private func smallModel(seed: UInt64) -> Sequential {
    var generator = SeededGenerator(seed: seed)
    return Sequential(
        Flatten(), Dense(inputSize: 784, outputSize: 32, generator: &generator), ReLU(),
        Dropout(probability: 0.2, seed: seed), Dense(inputSize: 32, outputSize: 10, generator: &generator))
}

private func weights(of model: any Layer) -> [Tensor] {
    (model.namedParameters() + model.namedBuffers()).map(\.parameter.value)
}

/// The learning rate of epoch 1 is `first`, of later epochs `later`.
private struct EpochwiseRate: LearningRateSchedule {
    var stepsPerEpoch: Int
    var first: Float
    var later: Float
    func learningRate(at step: Int) -> Float { step < stepsPerEpoch ? first : later }
}

@Suite struct TrainerTests {
    @Test func resumingFromACheckpointEqualsTrainingWithoutInterruption() throws {
        let data = try mnistSubsets(training: 300, validation: 100)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trainer-resume-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }

        func makeTrainer(epochs: Int, checkpoints: URL?) -> Trainer {
            let model = smallModel(seed: 3)
            return Trainer(
                model: model, loss: SoftmaxCrossEntropy(), optimizer: Adam(model.allParameters),
                schedule: CosineAnnealing(initialRate: 1e-3, totalSteps: 30),
                configuration: TrainingConfiguration(epochs: epochs, batchSize: 32, seed: 9, augmentation: Augmentation(maxTranslation: 1),
                                                     checkpointDirectory: checkpoints))
        }
        let uninterrupted = makeTrainer(epochs: 3, checkpoints: nil)
        try uninterrupted.fit(training: data.training, validation: data.validation, normalization: data.normalization)

        let firstPart = makeTrainer(epochs: 2, checkpoints: directory)
        try firstPart.fit(training: data.training, validation: data.validation, normalization: data.normalization)
        let resumed = makeTrainer(epochs: 3, checkpoints: nil)
        try resumed.resume(from: directory, name: "last")
        #expect(resumed.completedEpochs == 2)
        try resumed.fit(training: data.training, validation: data.validation, normalization: data.normalization)

        #expect(weights(of: resumed.model) == weights(of: uninterrupted.model), "bit-for-bit equal weights")
        #expect(resumed.history == uninterrupted.history.withoutTimes(matching: resumed.history))
        #expect(resumed.optimizer.stepCount == uninterrupted.optimizer.stepCount)
    }

    @Test func earlyStoppingRestoresTheBestEpoch() throws {
        let data = try mnistSubsets(training: 320, validation: 200)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trainer-early-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let model = smallModel(seed: 4)
        // Epoch 1 learns; later epochs take steps far too large (clipped to norm 1 so values stay finite),
        // so validation accuracy falls and epoch 1 stays best.
        let trainer = Trainer(
            model: model, loss: SoftmaxCrossEntropy(), optimizer: SGD(model.allParameters, learningRate: 0.1),
            schedule: EpochwiseRate(stepsPerEpoch: 10, first: 0.1, later: 20),
            configuration: TrainingConfiguration(
                epochs: 10, batchSize: 32, gradientClipping: .globalNorm(1), earlyStopping: EarlyStopping(metric: .validationAccuracy, patience: 2),
                checkpointDirectory: directory))
        let history = try trainer.fit(training: data.training, validation: data.validation, normalization: data.normalization)

        #expect(trainer.best?.epoch == 1)
        #expect(history.epochs.count == 3, "stops after patience = 2 epochs without improvement")
        #expect(history.bestEpoch?.epoch == 1)
        let best = smallModel(seed: 99)
        try best.loadWeights(from: directory.appendingPathComponent("best.safetensors"))
        #expect(weights(of: model) == weights(of: best), "the best epoch's weights are restored")
        let last = smallModel(seed: 99)
        try last.loadWeights(from: directory.appendingPathComponent("last.safetensors"))
        #expect(weights(of: model) != weights(of: last))
        let evaluation = trainer.evaluate(data.validation, normalization: data.normalization)
        #expect(evaluation.accuracy == history.epochs[0].validationAccuracy)
    }

    @Test func nonFiniteLossStopsWithAClearError() throws {
        let data = try mnistSubsets(training: 64, validation: 32)
        let model = smallModel(seed: 5)
        let trainer = Trainer(
            model: model, loss: SoftmaxCrossEntropy(), optimizer: SGD(model.allParameters, learningRate: .infinity),
            configuration: TrainingConfiguration(epochs: 2, batchSize: 32))
        #expect(throws: NonFiniteValueError.self) {
            try trainer.fit(training: data.training, validation: nil, normalization: data.normalization)
        }
    }

    /// The end-to-end check that catches sign errors unit tests miss: LeNet-5 with plain SGD learns MNIST.
    @Test func lenet5LearnsMNISTWithPlainSGD() throws {
        let mnist = try MNIST.load()
        let training = mnist.train.prefix(2000)
        let heldOut = mnist.test.prefix(1000)
        let normalization = InputNormalization.perChannel(statisticsOf: training)
        let model = try Models.lenet5(seed: 1)
        let trainer = Trainer(
            model: model, loss: SoftmaxCrossEntropy(), optimizer: SGD(model.allParameters, learningRate: 0.05),
            configuration: TrainingConfiguration(epochs: 8, batchSize: 32, seed: 2))
        try trainer.fit(training: training, validation: nil, normalization: normalization)
        let accuracy = trainer.evaluate(heldOut, normalization: normalization).accuracy
        #expect(accuracy > 0.90, "LeNet-5 held-out accuracy \(accuracy)")
    }
}

extension TrainingHistory {
    /// This history with the wall-clock fields of `other` (times differ between runs; nothing else may).
    fileprivate func withoutTimes(matching other: TrainingHistory) -> TrainingHistory {
        var copy = self
        for i in copy.epochs.indices where i < other.epochs.count {
            copy.epochs[i].seconds = other.epochs[i].seconds
            copy.epochs[i].imagesPerSecond = other.epochs[i].imagesPerSecond
        }
        return copy
    }
}
