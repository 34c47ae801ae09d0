import Testing
@testable import DLNN

@Suite struct DenseTests {
    private func reference(_ layer: Dense) -> ReferenceForward {
        { x, parameters in
            Reference.dense(
                x, weight: parameters[0], bias: layer.bias == nil ? nil : parameters[1],
                inputSize: layer.inputSize, outputSize: layer.outputSize)
        }
    }

    @Test(arguments: [(batch: 4, bias: true), (batch: 1, bias: true), (batch: 3, bias: false)])
    func gradients(batch: Int, bias: Bool) {
        var generator = SeededGenerator(seed: 11)
        let layer = Dense(inputSize: 7, outputSize: 5, bias: bias, generator: &generator)
        randomizeParameters(of: layer, seed: 12)
        checkGradients(of: layer, input: randomInput([batch, 7], seed: 13), reference: reference(layer))
        #expect(layer.parameters.map(\.name) == (bias ? ["weight", "bias"] : ["weight"]))
    }

    @Test func shapesAndCounts() throws {
        var generator = SeededGenerator(seed: 1)
        let layer = Dense(inputSize: 784, outputSize: 10, generator: &generator)
        #expect(layer.weight.value.shape == [10, 784])
        #expect(layer.parameterCount == 7850)
        #expect(try layer.outputShape(for: [64, 784]) == [64, 10])
        #expect(layer.forwardFLOPs(for: [64, 784]) == 2 * 64 * 784 * 10 + 64 * 10)
        #expect(layer.summaryName == "Dense(784 → 10)")
    }

    @Test func emptyBatch() throws {
        var generator = SeededGenerator(seed: 9)
        let layer = Dense(inputSize: 4, outputSize: 3, generator: &generator)
        let output = layer.forward(Tensor.zeros([0, 4]))
        #expect(output.shape == [0, 3])
        #expect(layer.backward(output).shape == [0, 4])
    }

    @Test func gradientsAccumulate() throws {
        var generator = SeededGenerator(seed: 2)
        let layer = Dense(inputSize: 6, outputSize: 3, generator: &generator)
        randomizeParameters(of: layer, seed: 3)
        _ = layer.forward(randomInput([5, 6], seed: 4))
        let outputGradient = randomInput([5, 3], seed: 5)
        let inputGradient = layer.backward(outputGradient)
        let once = layer.allParameters.map(\.gradient)
        _ = layer.forward(randomInput([5, 6], seed: 4))
        #expect(layer.backward(outputGradient) == inputGradient)
        for (parameter, single) in zip(layer.allParameters, once) {
            #expect(relativeError(doubles(parameter.gradient), doubles(single * 2)) < 1e-6)
        }
    }

    /// `accumulateParameterGradients` gives `backward`'s parameter gradients.
    @Test func parameterGradientsWithoutInputGradient() throws {
        var generator = SeededGenerator(seed: 6)
        let layer = Dense(inputSize: 6, outputSize: 3, generator: &generator)
        expectParameterGradientsMatchBackward(of: layer, input: randomInput([5, 6], seed: 7), outputGradient: randomInput([5, 3], seed: 8))
    }

    @Test func frozenWeightGetsNoGradient() throws {
        var generator = SeededGenerator(seed: 2)
        let layer = Dense(inputSize: 6, outputSize: 3, generator: &generator)
        layer.weight.isTrainable = false
        _ = layer.forward(randomInput([5, 6], seed: 4))
        _ = layer.backward(randomInput([5, 3], seed: 5))
        #expect(layer.weight.gradient == Tensor.zeros([3, 6]))
        #expect(layer.bias!.gradient != Tensor.zeros([3]))
    }
}
