import DLNN
import Foundation

// Train LeNet-5 on the MNIST copy that ships with DLNN, then test it once and save the weights.
let mnist = try MNIST.load()
let split = mnist.train.split(validationFraction: 5000.0 / 60000.0, seed: 1)
let normalization = InputNormalization.perChannel(statisticsOf: split.training)

let model = try Models.lenet5(seed: 1)
print(try model.summary(inputShape: [1, 1, 28, 28]))

let optimizer = SGD(model.allParameters, learningRate: 0.01, momentum: 0.9)
/// Prints one line per epoch (DLNN itself prints nothing; hooks are listed in `TrainingCallback`).
final class PrintEpochs: TrainingCallback {
    func endOfEpoch(_ context: TrainingContext, record: TrainingHistory.Epoch) {
        print("epoch \(record.epoch): loss \(record.trainingLoss), validation accuracy \(record.validationAccuracy ?? .nan)")
    }
}
let trainer = Trainer(
    model: model, loss: SoftmaxCrossEntropy(), optimizer: optimizer,
    configuration: TrainingConfiguration(epochs: 3, batchSize: 64), callbacks: [PrintEpochs()])
try trainer.fit(training: split.training, validation: split.validation, normalization: normalization)

let test = trainer.evaluate(mnist.test, normalization: normalization)
print("test accuracy: \(test.accuracy)")
try model.saveWeights(to: URL(fileURLWithPath: "lenet5.safetensors"))
