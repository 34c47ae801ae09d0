import Testing
@testable import DLNN

@Suite struct InstanceNormTests {
    private func input(_ shape: TensorShape, seed: UInt64 = 3) -> Tensor {
        var generator = SeededGenerator(seed: seed)
        return .randomNormal(shape, mean: 1, standardDeviation: 2, using: &generator)
    }

    private func reference(_ shape: TensorShape) -> ReferenceNormalization {
        .perSample(shape, groups: shape[1])
    }

    @Test(arguments: [[2, 3, 5], [2, 3, 3, 3], [1, 2, 3, 3]])
    func gradientsWithoutAffine(shape: TensorShape) {
        let layer = InstanceNorm(channels: shape[1])
        #expect(layer.parameters.isEmpty && layer.buffers.isEmpty)
        checkGradients(of: layer, input: input(shape), reference: reference(shape).callAsFunction)
    }

    @Test(arguments: [[2, 3, 5], [2, 3, 3, 3], [1, 2, 3, 3]])
    func gradientsWithAffine(shape: TensorShape) {
        let layer = InstanceNorm(channels: shape[1], affine: true)
        randomizeAffine(layer.parameters)
        checkGradients(of: layer, input: input(shape), reference: reference(shape).callAsFunction)
    }

    @Test func outputIsStandardizedPerSampleAndChannel() {
        let layer = InstanceNorm(channels: 3)
        expectStandardized(layer.forward(input([4, 3, 5, 5])), by: reference([4, 3, 5, 5]))
    }

    /// The running statistics move towards the batch average of the per-sample statistics.
    @Test func runningStatisticsAverageTheSamples() {
        let layer = InstanceNorm(channels: 2, trackRunningStatistics: true)
        // Sample 0: channel 0 holds 1, 3 (μ 2, unbiased σ² 2), channel 1 holds 0, 0 (μ 0, σ² 0).
        // Sample 1: channel 0 holds 5, 5 (μ 5, σ² 0), channel 1 holds −1, 3 (μ 1, σ² 8).
        _ = layer.forward(Tensor(shape: [2, 2, 2], scalars: [1, 3, 0, 0, 5, 5, -1, 3]))
        // running = 0.9·running + 0.1·(average over the two samples).
        #expect(relativeError(layer.runningMean!.value.scalars.map(Double.init), [0.35, 0.05]) < 1e-6)
        #expect(relativeError(layer.runningVariance!.value.scalars.map(Double.init), [1.0, 1.3]) < 1e-6)
        #expect(layer.buffers.map(\.name) == ["running_mean", "running_var"])
    }

    @Test func gradientsInEvaluationWithRunningStatistics() {
        let shape: TensorShape = [3, 2, 2, 3]
        let layer = InstanceNorm(channels: 2, affine: true, trackRunningStatistics: true)
        randomizeAffine(layer.parameters)
        for step in 0..<3 { _ = layer.forward(input(shape, seed: UInt64(step))) }
        layer.setTraining(false)
        var reference = ReferenceNormalization.perChannel(shape)
        reference.fixedStatistics = (layer.runningMean!.value.scalars.map(Double.init), layer.runningVariance!.value.scalars.map(Double.init))
        checkGradients(of: layer, input: input(shape, seed: 50), reference: reference.callAsFunction)
    }
}
