import Testing
@testable import DLNN

@Suite struct LayerNormTests {
    private func input(_ shape: TensorShape, seed: UInt64 = 3) -> Tensor {
        var generator = SeededGenerator(seed: seed)
        return .randomNormal(shape, mean: -1, standardDeviation: 2, using: &generator)
    }

    /// (input shape, normalized shape): vectors, images, batch size 1, and extra leading axes.
    @Test(arguments: [([4, 5], [5]), ([2, 3, 2, 2], [3, 2, 2]), ([1, 3, 2, 2], [3, 2, 2]), ([1, 6], [6]), ([2, 3, 4], [4])] as [(TensorShape, TensorShape)])
    func gradients(shape: TensorShape, normalizedShape: TensorShape) {
        let layer = LayerNorm(normalizedShape: normalizedShape)
        randomizeAffine(layer.parameters)
        let elements = normalizedShape.reduce(1, *)
        let reference = ReferenceNormalization.perSampleElementwise([shape.reduce(1, *) / elements, elements])
        checkGradients(of: layer, input: input(shape), reference: reference.callAsFunction)
    }

    @Test func gradientsWithoutAffine() throws {
        let layer = LayerNorm(normalizedShape: [2, 3, 3], affine: false)
        #expect(layer.parameters.isEmpty)
        checkGradients(of: layer, input: input([2, 2, 3, 3]), reference: ReferenceNormalization.perSampleElementwise([2, 2, 3, 3]).callAsFunction)
    }

    @Test func outputIsStandardizedPerSample() throws {
        let layer = LayerNorm(normalizedShape: [3, 4, 4])
        expectStandardized(layer.forward(input([5, 3, 4, 4])), by: .perSampleElementwise([5, 3, 4, 4]))
    }

    @Test func trainingAndEvaluationAgree() throws {
        let layer = LayerNorm(normalizedShape: [7])
        randomizeAffine(layer.parameters)
        let x = input([3, 7])
        let training = layer.forward(x)
        layer.setTraining(false)
        #expect(layer.forward(x) == training)
    }

    @Test func parametersHaveTheNormalizedShape() throws {
        let layer = LayerNorm(normalizedShape: [3, 4, 4])
        #expect(layer.parameters.map(\.name) == ["weight", "bias"])
        #expect(layer.weight!.value == .ones([3, 4, 4]) && layer.bias!.value == .zeros([3, 4, 4]))
        #expect(layer.buffers.isEmpty)
        #expect(layer.summaryName == "LayerNorm([3, 4, 4])")
        #expect(try layer.outputShape(for: [2, 3, 4, 4]) == [2, 3, 4, 4])
    }
}
