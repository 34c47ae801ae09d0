import Foundation
import Testing
@testable import DLNN

/// The identity, without parameters, counting its backward passes: to see where backward stops.
final class CountingIdentity: Layer {
    var isTraining = true
    var backwardCount = 0
    func forward(_ input: Tensor) -> Tensor { input }
    func backward(_ outputGradient: Tensor) -> Tensor {
        backwardCount += 1
        return outputGradient
    }
    func outputShape(for inputShape: TensorShape) -> TensorShape { inputShape }
}

/// y = tanh(x): a smooth, parameter-free activation for tests of containers and presets,
/// independent of the library's own activations.
final class TestTanh: Layer {
    var isTraining = true
    private var output = Tensor.zeros([0])

    func forward(_ input: Tensor) -> Tensor {
        output = input.map { Foundation.tanh($0) }
        return output
    }

    func backward(_ outputGradient: Tensor) -> Tensor {
        outputGradient.zipWith(output) { g, y in g * (1 - y * y) }
    }

    func outputShape(for inputShape: TensorShape) -> TensorShape { inputShape }
}

/// y[n, c, …] = γ[c]·x[n, c, …]: a per-channel scale with a parameter, standing in for a normalization layer.
final class TestChannelScale: Layer {
    let scale: Parameter
    var isTraining = true
    private var input = Tensor.zeros([0])

    init(channels: Int) {
        scale = Parameter(name: "weight", value: Tensor.ones([channels]))
    }

    var parameters: [Parameter] { [scale] }

    func forward(_ input: Tensor) -> Tensor {
        self.input = input
        return Tensor(shape: input.shape, scalars: input.scalars.indices.map { input.scalars[$0] * scale.value.scalars[channel(of: $0)] })
    }

    func backward(_ outputGradient: Tensor) -> Tensor {
        for i in input.scalars.indices { scale.gradient[channel(of: i)] += outputGradient.scalars[i] * input.scalars[i] }
        return Tensor(shape: input.shape, scalars: input.scalars.indices.map { outputGradient.scalars[$0] * scale.value.scalars[channel(of: $0)] })
    }

    func outputShape(for inputShape: TensorShape) -> TensorShape { inputShape }

    /// The channel (axis 1) of flat element `index`.
    private func channel(of index: Int) -> Int {
        index / input.shape.dropFirst(2).reduce(1, *) % input.shape[1]
    }
}

/// Presents every parameter of `layer` (its descendants' too) as its own, so that
/// `checkGradients` also checks the parameter gradients inside containers. The reference then
/// receives the parameters in `layer.allParameters` order.
final class WithAllParameters: Layer {
    let layer: any Layer
    var isTraining = true

    init(_ layer: any Layer) { self.layer = layer }

    var parameters: [Parameter] { layer.allParameters }
    var summaryName: String { layer.summaryName }
    func forward(_ input: Tensor) -> Tensor { layer.forward(input) }
    func backward(_ outputGradient: Tensor) -> Tensor { layer.backward(outputGradient) }
    func outputShape(for inputShape: TensorShape) throws(ShapeError) -> TensorShape { try layer.outputShape(for: inputShape) }
}

/// The flat Double values of a tensor.
func doubles(_ tensor: Tensor) -> [Double] { tensor.scalars.map(Double.init) }

/// A seeded N(0, 1) tensor for test inputs.
func randomInput(_ shape: TensorShape, seed: UInt64) -> Tensor {
    var generator = SeededGenerator(seed: seed)
    return Tensor.randomNormal(shape, using: &generator)
}

/// Gives every parameter of `layer` small random values, so biases are non-zero in gradient checks.
func randomizeParameters(of layer: any Layer, seed: UInt64) {
    var generator = SeededGenerator(seed: seed)
    for parameter in layer.allParameters {
        parameter.value = Tensor.randomNormal(parameter.value.shape, standardDeviation: 0.5, using: &generator)
    }
}

/// Expects `accumulateParameterGradients` to leave the parameter gradients `backward` leaves,
/// each after a fresh forward pass on `input`.
func expectParameterGradientsMatchBackward(
    of layer: any Layer, input: Tensor, outputGradient: Tensor, sourceLocation: SourceLocation = #_sourceLocation
) {
    layer.zeroGradients()
    _ = layer.forward(input)
    _ = layer.backward(outputGradient)
    let expected = layer.allParameters.map(\.gradient)
    layer.zeroGradients()
    _ = layer.forward(input)
    layer.accumulateParameterGradients(outputGradient)
    #expect(layer.allParameters.map(\.gradient) == expected, sourceLocation: sourceLocation)
}
