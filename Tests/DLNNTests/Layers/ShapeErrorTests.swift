import Testing
@testable import DLNN

/// Shape inference throws errors that name the layer's path, so a model can be checked against
/// its data before any work; the messages are the ones a forward pass would stop with.
@Suite struct ShapeErrorTests {
    @Test func conv2DNamesTheLayerAndBothShapes() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var generator = SeededGenerator(seed: 1)
            let layer = Conv2D(inputChannels: 3, outputChannels: 16, kernelSize: 3, generator: &generator)
            _ = layer.forward(Tensor.zeros([8, 1, 28, 28]))
        }.map { result in
            let message = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(message.contains("Conv2D(3 → 16, 3×3): input [8, 1, 28, 28]: expected [N, 3, H, W]"))
        }
    }

    @Test func denseInsideAModelNamesTheLayerAndBothShapes() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let model = Models.mlp(sizes: [784, 10], activation: { Flatten() })
            _ = model.forward(Tensor.zeros([64, 100]))
        }.map { result in
            let message = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(message.contains("Dense(784 → 10): input [64, 100]: expected [N, 784]"))
        }
    }

    @Test func backwardTwiceAfterOneForwardIsToldApartFromNoForward() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var generator = SeededGenerator(seed: 2)
            let layer = Dense(inputSize: 3, outputSize: 2, generator: &generator)
            _ = layer.backward(Tensor.zeros([1, 2]))
        }.map { result in
            let message = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(message.contains("Dense(3 → 2).backward: called without a forward pass before it"))
        }
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var generator = SeededGenerator(seed: 2)
            let layer = Conv2D(inputChannels: 1, outputChannels: 2, kernelSize: 3, generator: &generator)
            let output = layer.forward(Tensor.zeros([1, 1, 5, 5]))
            _ = layer.backward(output)
            _ = layer.backward(output)
        }.map { result in
            let message = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(message.contains("Conv2D(1 → 2, 3×3).backward: called twice after one forward pass"))
        }
    }

    @Test func aDeepMismatchNamesThePathTheLayerAndBothShapes() throws {
        let model = try Models.lenet5(seed: 1)
        #expect(throws: ShapeError(layerPath: "features.0", layer: "Conv2D(1 → 6, 5×5, padding 2)", problem: "input [8, 3, 28, 28]: expected [N, 1, H, W]")) {
            try model.outputShape(for: [8, 3, 28, 28])
        }
        var generator = SeededGenerator(seed: 5)
        let head = Sequential(named: [("classifier", Sequential(Flatten(), Dense(inputSize: 64, outputSize: 10, generator: &generator)))])
        do {
            _ = try head.outputShape(for: [8, 128])
            Issue.record("expected a ShapeError")
        } catch {
            #expect(error.description == "classifier.1 Dense(64 → 10): input [8, 128]: expected [N, 64]")
        }
    }

    @Test func imagesSmallerThanTheReceptiveFieldAreRejectedUpFront() throws {
        #expect(throws: ShapeError.self) { try Models.lenet5(imageSize: (1, 1)) }
        #expect(throws: ShapeError.self) { try Models.smallVGG(imageSize: (2, 2)) }
        do {
            _ = try Models.lenet5(imageSize: (6, 6))
            Issue.record("expected a ShapeError")
        } catch {
            #expect(error.layerPath == "features.3" && error.problem.contains("3×3 image is smaller than the 5×5 window"), "\(error)")
        }
        #expect(try Models.lenet5(imageSize: (12, 12)).outputShape(for: [2, 1, 12, 12]) == [2, 10])
    }

    @Test func summaryThrowsInsteadOfStopping() throws {
        let model = Models.mlp(sizes: [784, 32, 10])
        #expect(throws: ShapeError.self) { try model.summary(inputShape: [1, 3, 32, 32]) }
        #expect(try model.summary(inputShape: [1, 784]).contains("Total parameters"))
    }

    @Test func residualBranchesAndTrainingModeChecksThrow() throws {
        var generator = SeededGenerator(seed: 6)
        let block = Residual(Sequential(Conv2D(inputChannels: 2, outputChannels: 3, kernelSize: 1, generator: &generator)))
        #expect(throws: ShapeError.self) { try block.outputShape(for: [1, 2, 4, 4]) }
        let norm = BatchNorm(features: 4)
        #expect(throws: ShapeError.self) { try norm.outputShape(for: [1, 4]) }
        norm.isTraining = false
        #expect(try norm.outputShape(for: [1, 4]) == [1, 4], "running statistics need no batch")
    }
}
