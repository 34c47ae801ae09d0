import Testing
@testable import DLNN

@Suite struct PresetsTests {
    @Test func lenet5Structure() throws {
        let model = try Models.lenet5(activation: { TestTanh() }, seed: 3)
        #expect(try model.outputShape(for: [2, 1, 28, 28]) == [2, 10])
        #expect(model.namedParameters().map(\.path) == [
            "features.0.weight", "features.0.bias", "features.3.weight", "features.3.bias",
            "classifier.1.weight", "classifier.1.bias", "classifier.3.weight", "classifier.3.bias",
            "classifier.5.weight", "classifier.5.bias",
        ])
        // 3×32×32 inputs (CIFAR): 16·6·6 = 576 features reach the classifier.
        let color = try Models.lenet5(inputChannels: 3, imageSize: (32, 32), activation: { TestTanh() })
        #expect(try color.outputShape(for: [1, 3, 32, 32]) == [1, 10])
        #expect(color.parameterCount == 61_706 + 2 * 150 + 176 * 120)
    }

    @Test func sameSeedSameWeights() throws {
        let a = try Models.lenet5(activation: { TestTanh() }, seed: 7)
        let b = try Models.lenet5(activation: { TestTanh() }, seed: 7)
        let c = try Models.lenet5(activation: { TestTanh() }, seed: 8)
        #expect(zip(a.allParameters, b.allParameters).allSatisfy { $0.value == $1.value })
        #expect(a.allParameters[0].value != c.allParameters[0].value)
    }

    @Test func mlpCounts() throws {
        let model = Models.mlp(activation: { TestTanh() })
        // 784·512+512 + 512·512+512 + 512·10+10.
        #expect(model.parameterCount == 669_706)
        #expect(model.layers.count == 6)
        #expect(try model.outputShape(for: [5, 1, 28, 28]) == [5, 10])
        #expect(try model.outputShape(for: [5, 784]) == [5, 10])
    }

    @Test func mlpDropoutFollowsEveryHiddenActivationAndLeavesTheWeights() throws {
        let plain = Models.mlp(sizes: [20, 16, 12, 3], seed: 5)
        let dropped = Models.mlp(sizes: [20, 16, 12, 3], dropout: 0.5, seed: 5)
        #expect(dropped.layers.map { String(describing: type(of: $0)) } == ["Flatten", "Dense", "ReLU", "Dropout", "Dense", "ReLU", "Dropout", "Dense"])
        #expect(zip(plain.allParameters, dropped.allParameters).allSatisfy { $0.value == $1.value })
        // In evaluation dropout is the identity: the same function as the plain network.
        var generator = SeededGenerator(seed: 9)
        let x = Tensor(shape: [4, 20], scalars: (0..<80).map { _ in generator.nextNormal() })
        dropped.setTraining(false)
        #expect(dropped.forward(x) == plain.forward(x))
        dropped.setTraining(true)
        #expect(dropped.forward(x) != plain.forward(x))
    }

    @Test func smallVGGCountsAndNormalization() throws {
        let plain = try Models.smallVGG(activation: { TestTanh() })
        // Convolutions 160 + 2,320 + 4,640 + 9,248, classifier 1,568·128+128 + 128·10+10.
        #expect(plain.parameterCount == 218_490)
        #expect(try plain.outputShape(for: [2, 1, 28, 28]) == [2, 10])
        let normalized = try Models.smallVGG(activation: { TestTanh() }, normalization: { TestChannelScale(channels: $0) })
        let convolutions = normalized.namedParameters().filter { $0.path.hasPrefix("features") }
        // Each convolution loses its bias and gains a per-channel normalization parameter.
        #expect(convolutions.map(\.path) == [
            "features.0.weight", "features.1.weight", "features.3.weight", "features.4.weight",
            "features.7.weight", "features.8.weight", "features.10.weight", "features.11.weight",
        ])
    }

    @Test func smallResNetTrainsEndToEnd() throws {
        let model = Models.smallResNet(activation: { TestTanh() }, normalization: { TestChannelScale(channels: $0) })
        #expect(try model.outputShape(for: [2, 1, 28, 28]) == [2, 10])
        let paths = model.namedParameters().map(\.path)
        #expect(paths.contains("features.stage2.0.shortcut.0.weight"))
        #expect(paths.contains("features.stage2.0.shortcut.1.weight"))
        #expect(!paths.contains("features.stage1.0.shortcut.0.weight"), "stage 1 keeps the shape: identity shortcut")
        #expect(paths.last == "classifier.bias")
        let output = model.forward(randomInput([2, 1, 28, 28], seed: 1))
        #expect(output.shape == [2, 10])
        model.zeroGradients()
        let inputGradient = model.backward(randomInput([2, 10], seed: 2))
        #expect(inputGradient.shape == [2, 1, 28, 28])
        #expect(model.allParameters.allSatisfy { $0.gradient.norm() > 0 })
    }

    @Test func smallResNetParameterCount() throws {
        // Stem 160; stage 1: 2·2,320; stage 2: 4,640 + 9,248 + 544; stage 3: 18,496 + 36,928 + 2,112; classifier 650.
        #expect(Models.smallResNet(activation: { TestTanh() }).parameterCount == 77_418)
    }
}
