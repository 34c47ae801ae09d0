import Testing
@testable import DLNN

/// Sequence models trained through the `Trainer` on tiny seeded tasks: many-to-one regression
/// (the adding problem), per-step classification (copy memory) and a character model on
/// truncated-BPTT streams all learn, and a model that does not fit a time-major batch is refused.
@Suite struct SequenceTrainingTests {
    /// The mean training loss of the first and the last epoch.
    func firstAndLastLoss(_ history: TrainingHistory) -> (first: Double, last: Double) {
        (history.epochs.first!.trainingLoss, history.epochs.last!.trainingLoss)
    }

    @Test func lstmLearnsTheAddingProblem() throws {
        var generator = SeededGenerator(seed: 1)
        let data = try SequenceDataset.addingProblem(count: 256, length: 8, seed: 2)
        let model = Sequential(
            LSTM(inputSize: 2, hiddenSize: 16, generator: &generator), LastTimeStep(),
            Dense(inputSize: 16, outputSize: 1, generator: &generator))
        let trainer = Trainer(
            model: model, loss: MeanSquaredError(), optimizer: Adam(model.allParameters, learningRate: 0.01),
            configuration: TrainingConfiguration(epochs: 20, batchSize: 16, seed: 3))
        let history = try trainer.fit(training: data, validation: data.prefix(64))
        let (first, last) = firstAndLastLoss(history)
        #expect(last < SequenceDataset.addingProblemBaselineError / 4, "MSE \(last) against the 0.167 of predicting 1")
        #expect(last < first / 4, "loss \(first) → \(last)")
    }

    @Test func gruLearnsPerStepLabelsOfCopyMemory() throws {
        var generator = SeededGenerator(seed: 4)
        let data = try SequenceDataset.copyMemory(count: 256, delay: 3, copyLength: 2, symbols: 3, seed: 5)
        let model = Sequential(
            GRU(inputSize: 5, hiddenSize: 24, generator: &generator), TimeStepsAsRows(),
            Dense(inputSize: 24, outputSize: 4, generator: &generator))
        let trainer = Trainer(
            model: model, loss: SequenceCrossEntropy(), optimizer: Adam(model.allParameters, learningRate: 0.02),
            configuration: TrainingConfiguration(epochs: 15, batchSize: 32, seed: 6))
        let history = try trainer.fit(training: data, validation: nil)
        let (first, last) = firstAndLastLoss(history)
        let baseline = SequenceDataset.copyMemoryBaselineLoss(delay: 3, copyLength: 2, symbols: 3)
        #expect(last < baseline / 2, "loss \(last) nats per step against the memoryless \(baseline)")
        #expect(trainer.evaluate(data).accuracy > 0.9)
        #expect(last < first / 4, "loss \(first) → \(last)")
    }

    @Test func characterModelLearnsARepeatingText() throws {
        var generator = SeededGenerator(seed: 7)
        let corpus = try #require(CharacterCorpus(text: String(repeating: "the cat sat. ", count: 40)))
        let (training, heldOut) = try corpus.split(heldOutFraction: 0.2)
        let vocabulary = corpus.vocabulary.count
        let streams = try CharacterStreams(text: training, vocabularySize: vocabulary, steps: 8)
        let model = Sequential(
            Embedding(vocabularySize: vocabulary, embeddingSize: 8, generator: &generator),
            LSTM(inputSize: 8, hiddenSize: 32, generator: &generator), TimeStepsAsRows(),
            Dense(inputSize: 32, outputSize: vocabulary, generator: &generator))
        let trainer = Trainer(
            model: model, loss: SequenceCrossEntropy(), optimizer: Adam(model.allParameters, learningRate: 0.02),
            configuration: TrainingConfiguration(epochs: 10, batchSize: 8, seed: 8))
        let history = try trainer.fit(
            training: streams, validation: try CharacterStreams(text: heldOut, vocabularySize: vocabulary, steps: 8))
        let (first, last) = firstAndLastLoss(history)
        #expect(last < first / 3, "loss \(first) → \(last)")
        #expect(try #require(history.epochs.last?.validationAccuracy) > 0.8)
    }

    @Test func aModelThatDoesNotTakeTimeMajorBatchesIsRefused() throws {
        var generator = SeededGenerator(seed: 9)
        let data = try SequenceDataset.addingProblem(count: 8, length: 4, seed: 1)
        let lstm = LSTM(inputSize: 2, hiddenSize: 4, generator: &generator)
        let perStep = Sequential(lstm, TimeStepsAsRows(), Dense(inputSize: 4, outputSize: 1, generator: &generator))
        let trainer = Trainer(model: perStep, loss: MeanSquaredError(), optimizer: SGD(perStep.allParameters, learningRate: 0.1))
        #expect(throws: TrainingSetupError.valueOutputs(shape: [32, 1], targetShape: [1])) { try trainer.validate(data, forTraining: true) }
        let wrongInput = Sequential(LSTM(inputSize: 3, hiddenSize: 4, generator: &generator), LastTimeStep())
        let other = Trainer(model: wrongInput, loss: MeanSquaredError(), optimizer: SGD(wrongInput.allParameters, learningRate: 0.1))
        #expect(throws: TrainingSetupError.self) { try other.fit(training: data, validation: nil) }
    }
}
