import Testing
@testable import DLNN

/// A LeNet-like network with batch normalization: `features` (0 Conv2D, 1 BatchNorm, 2 counter,
/// 3 ReLU, 4 MaxPool2D), `classifier` (0 Flatten, 1 Dense, 2 ReLU, 3 Dense).
private struct Network {
    let counter = CountingIdentity()
    let model: Sequential

    init(seed: UInt64 = 1) {
        var generator = SeededGenerator(seed: seed)
        model = Sequential(named: [
            ("features", Sequential(
                Conv2D(inputChannels: 1, outputChannels: 4, kernelSize: 3, padding: 1, bias: false, generator: &generator),
                BatchNorm(features: 4), counter, ReLU(), MaxPool2D(kernelSize: 2))),
            ("classifier", Sequential(
                Flatten(),
                Dense(inputSize: 4 * 4 * 4, outputSize: 16, generator: &generator), ReLU(),
                Dense(inputSize: 16, outputSize: 3, generator: &generator))),
        ])
    }

    /// Every parameter and buffer under `path`, by path.
    func state(under path: String) -> [String: Tensor] {
        let entries = (model.namedParameters() + model.namedBuffers()).filter { $0.path.hasPrefix(path + ".") }
        return Dictionary(uniqueKeysWithValues: entries.map { ($0.path, $0.parameter.value) })
    }

    func gradients(under path: String) -> [Tensor] {
        model.namedParameters().filter { $0.path.hasPrefix(path + ".") }.map(\.parameter.gradient)
    }

    /// One SGD step of the whole model on a fixed batch, through the trainer.
    func trainStep() throws {
        var generator = SeededGenerator(seed: 7)
        let images = Tensor.randomNormal([6, 1, 8, 8], mean: 1, standardDeviation: 2, using: &generator)
        let trainer = Trainer(
            model: model, loss: SoftmaxCrossEntropy(), optimizer: SGD(model.allParameters, learningRate: 0.1, momentum: 0.9))
        _ = try trainer.trainStep(inputs: images, targets: .labels([0, 1, 2, 0, 1, 2]))
    }
}

@Suite struct FreezingTests {
    @Test func frozenFeaturesKeepTheirWeightsAndStatisticsAndGetNoGradient() throws {
        let network = Network()
        try network.model.freeze(["features"])
        #expect(network.model.namedParameters().filter { !$0.parameter.isTrainable }.map(\.path)
            == ["features.0.weight", "features.1.weight", "features.1.bias"])
        let frozen = network.state(under: "features")
        let head = network.state(under: "classifier")

        try network.trainStep()

        #expect(network.state(under: "features") == frozen, "weights and running statistics bit-identical")
        #expect(network.gradients(under: "features").allSatisfy { $0.scalars.allSatisfy { $0 == 0 } })
        #expect(network.counter.backwardCount == 0, "backward stopped before the frozen features")
        #expect(network.state(under: "classifier") != head, "the head trained")
    }

    @Test func unfreezingRestoresTheFullBackwardPass() throws {
        let network = Network(), reference = Network()
        try network.model.freeze(["features"])
        try network.model.unfreeze(["features"])
        try network.trainStep()
        try reference.trainStep()
        #expect(network.counter.backwardCount == 1)
        #expect(network.state(under: "features") == reference.state(under: "features"))
        #expect(network.state(under: "classifier") == reference.state(under: "classifier"))
    }

    @Test func aFrozenLayerInTheMiddlePassesTheGradientOn() throws {
        let network = Network(), reference = Network()
        try network.model.freeze(["classifier.1"])
        let frozen = network.state(under: "classifier.1")
        try network.trainStep()
        try reference.trainStep()
        #expect(network.state(under: "classifier.1") == frozen)
        #expect(network.gradients(under: "classifier.1").allSatisfy { $0.scalars.allSatisfy { $0 == 0 } })
        #expect(network.counter.backwardCount == 1)
        // The convolution's gradient came through the frozen layer's unchanged weights: the same as with nothing frozen.
        #expect(network.gradients(under: "features.0") == reference.gradients(under: "features.0"))
    }

    @Test func freezingTheWholeModelRunsNoBackwardAtAll() throws {
        let network = Network()
        network.model.freeze()
        #expect(network.model.allParameters.allSatisfy { !$0.isTrainable })
        #expect(network.model.namedBuffers().allSatisfy { !$0.parameter.isTrainable })
        let before = network.state(under: "features").merging(network.state(under: "classifier")) { $1 }
        try network.trainStep()
        #expect(network.counter.backwardCount == 0)
        #expect(network.state(under: "features").merging(network.state(under: "classifier")) { $1 } == before)
        network.model.unfreeze()
        #expect(network.model.allParameters.allSatisfy { $0.isTrainable })
        #expect(network.model.namedBuffers().allSatisfy { !$0.parameter.isTrainable }, "buffers stay untrained")
    }

    /// PyTorch's fine-tuning practice: a frozen batch normalization normalizes with its running
    /// statistics, as in evaluation, even when the model is in training mode.
    @Test func aFrozenBatchNormNormalizesWithItsRunningStatistics() {
        let layer = BatchNorm(features: 2)
        var generator = SeededGenerator(seed: 5)
        layer.runningMean!.value = Tensor([0.5, -1])
        layer.runningVariance!.value = Tensor([2, 0.25])
        let input = Tensor.randomNormal([4, 2, 3, 3], using: &generator)
        layer.isTraining = false
        let evaluation = layer.forward(input)
        layer.isTraining = true
        layer.parameters.forEach { $0.isTrainable = false }
        #expect(layer.forward(input) == evaluation)
        #expect(layer.runningMean!.value == Tensor([0.5, -1]))
        #expect(layer.forwardFLOPs(for: [4, 2, 3, 3]) == 3 * input.count)
        // A batch of one value per channel trains a frozen layer: its statistics are not the batch's.
        _ = layer.forward(Tensor(rows: [[1, 2]]))
    }

    @Test func freezeRejectsAMissingPathAndChangesNothing() {
        let network = Network()
        #expect(throws: ModulePathError.self) { try network.model.freeze(["features", "classifier.7"]) }
        #expect(network.model.allParameters.allSatisfy { $0.isTrainable })
    }
}
