import Foundation
import Testing
@testable import DLNN

/// End to end on real digits: an MLP 784-128-10 trained for 3 epochs on 3000 MNIST images, its hidden layer
/// compressed 4× (rank 27 of 128), then fine-tuned for two epochs, stays within 2 points of the
/// baseline's accuracy on 1000 test images. Deterministic: fixed seeds, fixed data order.
@Suite(.enabled(if: FileManager.default.fileExists(atPath: repositoryMNISTDirectory.appendingPathComponent("train-labels-idx1-ubyte.gz").path)))
struct CompressFineTuneTests {
    @Test func compressedMLPKeepsItsAccuracyAfterFineTuning() throws {
        let (train, test) = try MNIST.load(directory: repositoryMNISTDirectory)
        let (training, testing) = (train.prefix(3000), test.prefix(1000))
        let normalization = InputNormalization.perChannel(statisticsOf: training)
        func fit(_ model: any Layer, learningRate: Float, epochs: Int) throws -> Double {
            let trainer = Trainer(
                model: model, loss: SoftmaxCrossEntropy(),
                optimizer: SGD(model.allParameters, learningRate: learningRate, momentum: 0.9),
                configuration: TrainingConfiguration(epochs: epochs, batchSize: 32, seed: 5))
            try trainer.fit(training: training, validation: nil, normalization: normalization)
            return trainer.evaluate(testing, normalization: normalization).accuracy
        }

        let baseline = Models.mlp(sizes: [784, 128, 10], seed: 6)
        let baselineAccuracy = try fit(baseline, learningRate: 0.02, epochs: 3)
        // 87.2% since the presets' logit layer starts small (88.x% with the unit-gain Xavier head before).
        #expect(baselineAccuracy > 0.86)

        let result = try compress(baseline, inputShape: [1, 1, 28, 28], policy: CompressionPolicy(layers: .paths(["1"]), rank: .compressionRatio(4)))
        #expect(result.layers[0].rank == 27 && result.layers[0].compressionRatio >= 4)
        let fineTunedAccuracy = try fit(result.model, learningRate: 0.01, epochs: 2)
        #expect(fineTunedAccuracy >= baselineAccuracy - 0.02, "baseline \(baselineAccuracy), fine-tuned \(fineTunedAccuracy)")
    }
}
