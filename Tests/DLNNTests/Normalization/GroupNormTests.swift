import Testing
@testable import DLNN

@Suite struct GroupNormTests {
    private func input(_ shape: TensorShape, seed: UInt64 = 3) -> Tensor {
        var generator = SeededGenerator(seed: seed)
        return .randomNormal(shape, mean: 0.5, standardDeviation: 1.5, using: &generator)
    }

    /// (input shape, groups): vectors, images, batch size 1.
    @Test(arguments: [([4, 6], 2), ([2, 6, 2, 3], 2), ([1, 4, 3, 3], 2), ([1, 4, 5], 4)] as [(TensorShape, Int)])
    func gradients(shape: TensorShape, groups: Int) {
        let layer = GroupNorm(groups: groups, channels: shape[1])
        randomizeAffine(layer.parameters)
        checkGradients(of: layer, input: input(shape), reference: ReferenceNormalization.perSample(shape, groups: groups).callAsFunction)
    }

    @Test func outputIsStandardizedPerGroup() {
        let layer = GroupNorm(groups: 4, channels: 8)
        expectStandardized(layer.forward(input([3, 8, 4, 4])), by: .perSample([3, 8, 4, 4], groups: 4))
    }

    /// Forward outputs and input gradients of two layers for the same input and output gradient;
    /// also the parameter gradients when `compareParameterGradients`.
    private func expectSameFunction(_ a: any Layer, _ b: any Layer, shape: TensorShape, compareParameterGradients: Bool) {
        let x = input(shape)
        var generator = SeededGenerator(seed: 21)
        let outputGradient = Tensor.randomNormal(shape, using: &generator)
        let (yA, yB) = (a.forward(x), b.forward(x))
        a.zeroGradients()
        b.zeroGradients()
        let (dxA, dxB) = (a.backward(outputGradient), b.backward(outputGradient))
        #expect(relativeError(yA.scalars.map(Double.init), yB.scalars.map(Double.init)) < 1e-6)
        #expect(relativeError(dxA.scalars.map(Double.init), dxB.scalars.map(Double.init)) < 1e-6)
        if compareParameterGradients {
            for (p, q) in zip(a.parameters, b.parameters) {
                #expect(relativeError(p.gradient.scalars.map(Double.init), q.gradient.scalars.map(Double.init)) < 1e-6)
            }
        }
    }

    /// One group is LayerNorm over (C, H, W); with γ = 1 and β = 0 the per-channel and per-element
    /// affine steps agree.
    @Test func oneGroupIsLayerNorm() {
        expectSameFunction(
            GroupNorm(groups: 1, channels: 3), LayerNorm(normalizedShape: [3, 4, 4]),
            shape: [2, 3, 4, 4], compareParameterGradients: false
        )
    }

    /// One channel per group is InstanceNorm with affine γ and β, here equal and random.
    @Test func oneChannelPerGroupIsInstanceNorm() {
        let group = GroupNorm(groups: 5, channels: 5)
        let instance = InstanceNorm(channels: 5, affine: true)
        randomizeAffine(group.parameters, seed: 4)
        randomizeAffine(instance.parameters, seed: 4)
        expectSameFunction(group, instance, shape: [3, 5, 3, 3], compareParameterGradients: true)
    }

    @Test func describesItself() {
        let layer = GroupNorm(groups: 2, channels: 6, affine: false)
        #expect(layer.parameters.isEmpty && layer.buffers.isEmpty)
        #expect(layer.summaryName == "GroupNorm(groups: 2, channels: 6)")
        #expect(layer.forwardFLOPs(for: [4, 6]) == 7 * 24)
    }

    @Test func rejectsChannelsNotDivisibleByGroups() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = GroupNorm(groups: 4, channels: 6)
        }
        #expect(standardError(result, contains: "GroupNorm(groups: 4, channels: 6): channels must be a positive multiple of groups"))
    }
}
