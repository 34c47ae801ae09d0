import Testing
@testable import DLNN

@Suite struct EvaluateTests {
    @Test func theStandaloneEvaluationEqualsTheTrainers() throws {
        let mnist = try MNIST.load()
        let images = mnist.test.prefix(300)
        let normalization = InputNormalization.perChannel(statisticsOf: images)
        var generator = SeededGenerator(seed: 4)
        let model = Sequential(Flatten(), Dense(inputSize: 784, outputSize: 10, generator: &generator))
        let trainer = Trainer(model: model, loss: SoftmaxCrossEntropy(), optimizer: SGD(model.allParameters, learningRate: 0.1),
                              configuration: TrainingConfiguration(evaluationBatchSize: 64))
        let standalone = evaluate(model: model, images: images, normalization: normalization, loss: SoftmaxCrossEntropy(), batchSize: 64)
        #expect(standalone == trainer.evaluate(images, normalization: normalization))
        #expect(standalone.sampleCount == 300 && standalone.confusion.classCount == 10)
        // Unit range is the images' own batching as a `Dataset`.
        #expect(evaluate(model: model, data: images, loss: SoftmaxCrossEntropy(), batchSize: 64) == trainer.evaluate(images, normalization: .unitRange))
    }

    @Test func featureDatasetsEvaluateTheSameWay() {
        let model = denseModel(inputs: 1, outputs: 1, seed: 1)
        let trainer = Trainer(model: model, loss: MeanSquaredError(), optimizer: SGD(model.allParameters, learningRate: 0.1))
        let data = quadraticProblem(samples: 5)
        let w = Double(model.allParameters[0].value.scalars[0])
        let standalone = evaluate(model: model, data: data, loss: MeanSquaredError(), batchSize: 2)
        #expect(abs(standalone.loss - w * w) < 1e-6, "MSE = (w + b)² with b = 0")
        #expect(standalone.loss == trainer.evaluate(data).loss)
    }
}
