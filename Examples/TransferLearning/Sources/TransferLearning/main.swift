import DLNN
import Foundation

// Pretrain LeNet-5 on MNIST digits 0–4, give it a new head for digits 5–9, train the head alone
// on top of the frozen network, then unfreeze everything and fine-tune at a lower rate.
// Small subsets and one epoch per phase keep it under a minute.

/// The samples of `dataset` whose label is in `digits`, relabeled 0, 1, … in that order: at most `limit`.
func samples(of digits: ClosedRange<Int>, in dataset: ImageDataset, limit: Int) -> ImageDataset {
    let indices = dataset.labels.indices.filter { digits.contains(dataset.labels[$0]) }.prefix(limit)
    var images: [UInt8] = []
    for index in indices { images += dataset.image(at: index) }
    return ImageDataset(
        images: images, labels: indices.map { dataset.labels[$0] - digits.lowerBound },
        channels: dataset.channels, height: dataset.height, width: dataset.width, classCount: digits.count)
}

/// Trains `model` for one epoch on `training` with SGD at `learningRate` (frozen parameters stay
/// as they are) and prints the accuracy on `test` and the time taken.
func train(_ phase: String, _ model: Sequential, learningRate: Float, on training: ImageDataset, test: ImageDataset, normalization: InputNormalization) throws {
    let trainable = model.allParameters.filter(\.isTrainable).reduce(0) { $0 + $1.count }
    let trainer = Trainer(
        model: model, loss: SoftmaxCrossEntropy(),
        optimizer: SGD(model.allParameters, learningRate: learningRate, momentum: 0.9),
        configuration: TrainingConfiguration(epochs: 1, batchSize: 32))
    let clock = ContinuousClock()
    let start = clock.now
    try trainer.fit(training: training, validation: nil, normalization: normalization)
    let elapsed = start.duration(to: clock.now)
    let accuracy = trainer.evaluate(test, normalization: normalization).accuracy
    print("\(phase): \(trainable) trainable parameters, test accuracy \(String(format: "%.1f", 100 * accuracy))%, \(elapsed.formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 1))))")
}

let mnist = try MNIST.load()
let sourceTraining = samples(of: 0...4, in: mnist.train, limit: 3000)
let targetTraining = samples(of: 5...9, in: mnist.train, limit: 3000)
let sourceTest = samples(of: 0...4, in: mnist.test, limit: 1000)
let targetTest = samples(of: 5...9, in: mnist.test, limit: 1000)
let normalization = InputNormalization.perChannel(statisticsOf: sourceTraining)

let model = try Models.lenet5(classCount: 5, seed: 1)
try train("pretraining on digits 0–4", model, learningRate: 0.01, on: sourceTraining, test: sourceTest, normalization: normalization)

// A fresh 5-way head for digits 5–9; everything in front of it stays as pretrained.
var generator = SeededGenerator(seed: 2)
try model.replace("classifier.5", with: Dense(inputSize: 84, outputSize: 5, weightInitializer: .xavierUniform(), generator: &generator))
model.freeze()
try model.unfreeze(["classifier.5"])
try train("new head on digits 5–9, the rest frozen", model, learningRate: 0.01, on: targetTraining, test: targetTest, normalization: normalization)

model.unfreeze()
try train("everything unfrozen, fine-tuned at a tenth of the rate", model, learningRate: 0.001, on: targetTraining, test: targetTest, normalization: normalization)
