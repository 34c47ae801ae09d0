import Testing
@testable import DLNN

@Suite struct PReLUTests {
    /// y = x for x > 0 else a_c·x with c the channel (axis 1) of element i, or one shared slope.
    private func reference(shape: TensorShape, perChannel: Bool) -> ReferenceForward {
        let inner = shape.dropFirst(2).reduce(1, *)
        return { x, parameters in
            x.indices.map { i in
                let slope = perChannel ? parameters[0][(i / inner) % shape[1]] : parameters[0][0]
                return x[i] > 0 ? x[i] : slope * x[i]
            }
        }
    }

    @Test(arguments: activationTestShapes)
    func perChannelSlopes(shape: TensorShape) {
        let layer = PReLU(channels: shape[1])
        #expect(layer.weight.name == "weight" && layer.weight.value.shape == [shape[1]])
        #expect(layer.weight.value.scalars.allSatisfy { $0 == 0.25 })
        var generator = SeededGenerator(seed: 3)
        layer.weight.value = Tensor.randomUniform([shape[1]], in: -0.5..<0.5, using: &generator)
        checkGradients(of: layer, input: inputAwayFromZero(shape), reference: reference(shape: shape, perChannel: true))
    }

    @Test(arguments: activationTestShapes)
    func sharedSlope(shape: TensorShape) {
        let layer = PReLU(initialSlope: 0.1)
        #expect(layer.weight.value == Tensor([0.1]))
        checkGradients(of: layer, input: inputAwayFromZero(shape), reference: reference(shape: shape, perChannel: false))
    }

    @Test func slopeGradientAccumulatesAcrossBackwardPasses() {
        let layer = PReLU(channels: 2)
        let input = Tensor(rows: [[-1, 2], [-3, -4]])
        _ = layer.forward(input)
        _ = layer.backward(Tensor.ones([2, 2]))
        _ = layer.backward(Tensor.ones([2, 2]))
        // ∂a₀ = (−1 − 3)·2 passes, ∂a₁ = (−4)·2 passes.
        #expect(layer.weight.gradient == Tensor([-8, -8]))
    }

    @Test func wrongChannelCountStops() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = PReLU(channels: 3).forward(Tensor.zeros([2, 4, 5, 5]))
        }.map { result in
            let message = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(message.contains("PReLU(3): input [2, 4, 5, 5]: expected [N, 3, …]"))
        }
    }
}
