import Foundation
import Testing
@testable import DLNN

@Suite struct ResidualTests {
    @Test func identityShortcutGradients() throws {
        var generator = SeededGenerator(seed: 51)
        let convolution = Conv2D(inputChannels: 2, outputChannels: 2, kernelSize: 3, padding: 1, generator: &generator)
        let block = Residual(Sequential(convolution, TestTanh()), activation: TestTanh())
        randomizeParameters(of: block, seed: 52)
        let input = randomInput([2, 2, 4, 3], seed: 53)
        #expect(block.namedParameters().map(\.path) == ["body.0.weight", "body.0.bias"])
        checkGradients(of: WithAllParameters(block), input: input) { x, parameters in
            let body = Reference.conv2D(x, inputShape: input.shape, weight: parameters[0], bias: parameters[1], layer: convolution)
            return zip(body, x).map { Foundation.tanh(Foundation.tanh($0) + $1) }
        }
    }

    @Test func projectionShortcutGradients() throws {
        var generator = SeededGenerator(seed: 54)
        let first = Conv2D(inputChannels: 2, outputChannels: 3, kernelSize: 3, stride: 2, padding: 1, generator: &generator)
        let second = Conv2D(inputChannels: 3, outputChannels: 3, kernelSize: 3, padding: 1, bias: false, generator: &generator)
        let projection = Conv2D(inputChannels: 2, outputChannels: 3, kernelSize: 1, stride: 2, generator: &generator)
        let block = Residual(Sequential(first, TestTanh(), second), shortcut: projection, activation: TestTanh())
        randomizeParameters(of: block, seed: 55)
        #expect(block.namedParameters().map(\.path) == ["body.0.weight", "body.0.bias", "body.2.weight", "shortcut.weight", "shortcut.bias"])
        let input = randomInput([2, 2, 5, 4], seed: 56)
        #expect(try block.outputShape(for: input.shape) == [2, 3, 3, 2])
        checkGradients(of: WithAllParameters(block), input: input) { x, p in
            let hidden = Reference.conv2D(x, inputShape: input.shape, weight: p[0], bias: p[1], layer: first).map(Foundation.tanh)
            let body = Reference.conv2D(hidden, inputShape: [2, 3, 3, 2], weight: p[2], bias: nil, layer: second)
            let skip = Reference.conv2D(x, inputShape: input.shape, weight: p[3], bias: p[4], layer: projection)
            return zip(body, skip).map { Foundation.tanh($0 + $1) }
        }
    }

    @Test func withoutActivationTheSumIsTheOutput() throws {
        var generator = SeededGenerator(seed: 57)
        let dense = Dense(inputSize: 4, outputSize: 4, generator: &generator)
        let block = Residual(dense)
        let input = randomInput([3, 4], seed: 58)
        checkGradients(of: WithAllParameters(block), input: input) { x, p in
            zip(Reference.dense(x, weight: p[0], bias: p[1], inputSize: 4, outputSize: 4), x).map(+)
        }
        // y = Wx + b + x: the residual add costs one FLOP per output element.
        #expect(block.forwardFLOPs(for: [3, 4]) == dense.forwardFLOPs(for: [3, 4]) + 12)
    }
}
