import Foundation
import Testing
@testable import DLNN

/// Single-file checkpoints: what they hold, what resuming refuses, and that a failure never
/// replaces the last good one.
@Suite struct CheckpointTests {
    private static func data() throws -> (training: ImageDataset, validation: ImageDataset, normalization: InputNormalization) {
        let mnist = try MNIST.load()
        let training = mnist.train.prefix(256)
        return (training, mnist.test.prefix(64), .perChannel(statisticsOf: training))
    }

    private static func model(seed: UInt64, hidden: Int = 16) -> Sequential {
        var generator = SeededGenerator(seed: seed)
        return Sequential(Flatten(), Dense(inputSize: 784, outputSize: hidden, generator: &generator), ReLU(),
                          Dense(inputSize: hidden, outputSize: 10, generator: &generator))
    }

    private static func trainer(
        _ model: Sequential, optimizer: ((Sequential) -> any Optimizer)? = nil, epochs: Int, batchSize: Int = 64,
        checkpoints: URL?
    ) -> Trainer {
        Trainer(
            model: model, loss: SoftmaxCrossEntropy(), optimizer: optimizer?(model) ?? Adam(model.allParameters),
            configuration: TrainingConfiguration(epochs: epochs, batchSize: batchSize, seed: 3, checkpointDirectory: checkpoints))
    }

    private static func weights(of model: any Layer) -> [Tensor] {
        (model.namedParameters() + model.namedBuffers()).map(\.parameter.value)
    }

    @Test func aCheckpointIsOneFileThatIsAlsoAWeightsFile() throws {
        let data = try Self.data()
        let directory = try TemporaryDirectory()
        let trainer = Self.trainer(Self.model(seed: 1), epochs: 1, checkpoints: directory.url)
        try trainer.fit(training: data.training, validation: data.validation, normalization: data.normalization)

        let files = try FileManager.default.contentsOfDirectory(atPath: directory.url.path).sorted()
        #expect(files == ["best.safetensors", "last.safetensors"], "one file per checkpoint, no temporaries left")
        let contents = try SafeTensors.read(from: directory.url.appendingPathComponent("last.safetensors"))
        #expect(contents.tensors.keys.contains("optimizer/0.exp_avg") && contents.tensors.keys.contains("1.weight"))
        #expect(contents.metadata[Trainer.stateMetadataKey] != nil)

        let copy = Self.model(seed: 2)
        try copy.loadWeights(from: directory.url.appendingPathComponent("last.safetensors"))
        #expect(Self.weights(of: copy) == Self.weights(of: trainer.model), "the optimizer tensors are skipped")
        #expect(try InputNormalization(checkpoint: directory.url.appendingPathComponent("last.safetensors")) == data.normalization)
    }

    @Test func resumingRefusesFilesThatAreNotThisTrainersCheckpoint() throws {
        let data = try Self.data()
        let directory = try TemporaryDirectory()
        let saved = Self.trainer(Self.model(seed: 1), epochs: 1, checkpoints: directory.url)
        try saved.fit(training: data.training, validation: data.validation, normalization: data.normalization)

        func refusal(_ trainer: Trainer, name: String = "last") -> CheckpointError.Problem? {
            do {
                try trainer.resume(from: directory.url, name: name)
                return nil
            } catch let error as CheckpointError {
                return error.problem
            } catch {
                Issue.record("unexpected \(error)")
                return nil
            }
        }
        // A weights file has no training state.
        try saved.model.saveWeights(to: directory.url.appendingPathComponent("weights.safetensors"))
        let fresh = Self.trainer(Self.model(seed: 5), epochs: 2, checkpoints: nil)
        let before = Self.weights(of: fresh.model)
        guard case .notACheckpoint(let reason)? = refusal(fresh, name: "weights") else { Issue.record("weights file accepted"); return }
        #expect(reason.contains("no training state"))
        // Another architecture: every tensor difference is listed, and nothing changes.
        guard case .mismatches(let mismatches)? = refusal(Self.trainer(Self.model(seed: 5, hidden: 8), epochs: 2, checkpoints: nil)) else {
            Issue.record("other model accepted"); return
        }
        #expect(mismatches.contains(.wrongShape(name: "1.weight", model: [8, 784], checkpoint: [16, 784])))
        // Another optimizer's state.
        let momentum = Self.trainer(Self.model(seed: 5), optimizer: { SGD($0.allParameters, learningRate: 0.1, momentum: 0.9) }, epochs: 2, checkpoints: nil)
        let optimizerProblem = refusal(momentum)
        guard case .notACheckpoint(let optimizerReason)? = optimizerProblem else { Issue.record("Adam state loaded into SGD: \(String(describing: optimizerProblem))"); return }
        #expect(optimizerReason.contains("optimizer"))
        #expect(Self.weights(of: momentum.model) == Self.weights(of: Self.model(seed: 5)), "a refused resume changes nothing")
        #expect(Self.weights(of: fresh.model) == before)
    }

    @Test func forgedProgressIsRefused() throws {
        let data = try Self.data()
        let directory = try TemporaryDirectory()
        let saved = Self.trainer(Self.model(seed: 1), epochs: 1, checkpoints: directory.url)
        try saved.fit(training: data.training, validation: data.validation, normalization: data.normalization)
        let url = directory.url.appendingPathComponent("last.safetensors")
        var contents = try SafeTensors.read(from: url)
        for (from, to) in [("\"completedEpochs\":1", "\"completedEpochs\":-3"), ("\"completedEpochs\":1", "\"completedEpochs\":7")] {
            var forged = contents
            forged.metadata[Trainer.stateMetadataKey] = contents.metadata[Trainer.stateMetadataKey]!.replacingOccurrences(of: from, with: to)
            #expect(forged.metadata != contents.metadata)
            try SafeTensors.write(forged.tensors.map { (name: $0.key, tensor: $0.value) }, metadata: forged.metadata, to: directory.url.appendingPathComponent("forged.safetensors"))
            #expect(throws: CheckpointError.self) { try Self.trainer(Self.model(seed: 1), epochs: 2, checkpoints: nil).resume(from: directory.url, name: "forged") }
        }
        contents.metadata[Trainer.stateMetadataKey] = "{not json"
        try SafeTensors.write(contents.tensors.map { (name: $0.key, tensor: $0.value) }, metadata: contents.metadata, to: directory.url.appendingPathComponent("broken.safetensors"))
        do {
            try Self.trainer(Self.model(seed: 1), epochs: 2, checkpoints: nil).resume(from: directory.url, name: "broken")
            Issue.record("broken JSON accepted")
        } catch {
            #expect("\(error)".hasPrefix(directory.url.appendingPathComponent("broken.safetensors").path), "the message names the file: \(error)")
        }
    }

    /// One step per epoch at η = ∞ on a linear model: the training loss and gradients (measured
    /// before the step) are finite, the weights and validation loss after it are not. The failure
    /// must come before the checkpoint is replaced.
    @Test func aNonFiniteValidationLossKeepsTheLastGoodCheckpoint() throws {
        let data = try Self.data()
        let directory = try TemporaryDirectory()
        func linear() -> Sequential {
            var generator = SeededGenerator(seed: 1)
            return Sequential(Flatten(), Dense(inputSize: 784, outputSize: 10, generator: &generator))
        }
        let sgd: (Sequential) -> any Optimizer = { SGD($0.allParameters, learningRate: 0.01) }
        let first = Self.trainer(linear(), optimizer: sgd, epochs: 1, batchSize: 256, checkpoints: directory.url)
        try first.fit(training: data.training, validation: data.validation, normalization: data.normalization)
        let url = directory.url.appendingPathComponent("last.safetensors")
        let good = try Data(contentsOf: url)

        let diverging = Self.trainer(
            linear(), optimizer: { SGD($0.allParameters, learningRate: .infinity) }, epochs: 2, batchSize: 256, checkpoints: directory.url)
        try diverging.resume(from: directory.url)
        diverging.optimizer.learningRate = .infinity   // resuming restored the saved rate
        do {
            try diverging.fit(training: data.training, validation: data.validation, normalization: data.normalization)
            Issue.record("a non-finite validation loss went unnoticed")
        } catch NonFiniteValueError.validationLoss(let epoch, let value) {
            #expect(epoch == 2 && !value.isFinite)
        }
        #expect(try Data(contentsOf: url) == good, "the epoch-1 checkpoint is untouched")
    }

    @Test func temporariesOfAKilledWriterAreCleanedUp() throws {
        let directory = try TemporaryDirectory()
        let stale = directory.url.appendingPathComponent(".last.safetensors.0123.tmp")
        try Data([1, 2, 3]).write(to: stale)
        let unrelated = directory.url.appendingPathComponent(".other.safetensors.0123.tmp")
        try Data([1]).write(to: unrelated)
        try Self.trainer(Self.model(seed: 1), epochs: 1, checkpoints: nil).saveCheckpoint(to: directory.url, name: "last")
        #expect(!FileManager.default.fileExists(atPath: stale.path))
        #expect(FileManager.default.fileExists(atPath: unrelated.path), "only the temporaries of the file written")
    }

    @Test func aSavedModelPredictsRawImagesWithItsNormalization() throws {
        let data = try Self.data()
        let directory = try TemporaryDirectory()
        let trainer = Self.trainer(Self.model(seed: 1), epochs: 2, checkpoints: directory.url)
        try trainer.fit(training: data.training, validation: data.validation, normalization: data.normalization)
        let expected = trainer.evaluate(data.validation, normalization: data.normalization)

        let url = directory.url.appendingPathComponent("last.safetensors")
        let restored = Self.model(seed: 9)
        try restored.loadWeights(from: url)
        let pixels = (0..<data.validation.count).flatMap { data.validation.image(at: $0) }
        let images = ImageDataset(unlabeledImages: pixels, channels: 1, height: 28, width: 28)
        let probabilities = try restored.classProbabilities(of: images, normalization: try InputNormalization(checkpoint: url), batchSize: 10)
        #expect(probabilities.shape == [64, 10])
        let rowSums = (0..<64).map { row in (0..<10).reduce(Float(0)) { $0 + probabilities.scalars[row * 10 + $1] } }
        #expect(rowSums.allSatisfy { abs($0 - 1) < 1e-5 })
        let predicted = try restored.predictedClasses(of: images, normalization: try InputNormalization(checkpoint: url))
        let accuracy = Double(zip(predicted, data.validation.labels).filter { $0 == $1 }.count) / 64
        #expect(accuracy == expected.accuracy, "the same predictions as evaluation with the training statistics")

        let color = ImageDataset(unlabeledImages: [UInt8](repeating: 0, count: 3 * 28 * 28), channels: 3, height: 28, width: 28)
        #expect(throws: TrainingSetupError.self) { try restored.classProbabilities(of: color, normalization: .unitRange) }
        #expect(throws: TrainingSetupError.self) { try restored.classProbabilities(of: images, normalization: .perChannel(mean: [0, 0], standardDeviation: [1, 1])) }
    }
}
