import Testing
@testable import DLNN

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
}
