import Testing
@testable import DLNN

@Suite struct BatchNormTests {
    /// Input far from standardized (mean 2, standard deviation 3), so the statistics matter.
    private func input(_ shape: TensorShape, seed: UInt64 = 3) -> Tensor {
        var generator = SeededGenerator(seed: seed)
        return .randomNormal(shape, mean: 2, standardDeviation: 3, using: &generator)
    }

    @Test(arguments: [[6, 5], [3, 4, 3, 3], [4, 2, 5]])
    func gradientsInTraining(shape: TensorShape) throws {
        let layer = BatchNorm(features: shape[1])
        randomizeAffine(layer.parameters)
        checkGradients(of: layer, input: input(shape), reference: ReferenceNormalization.perChannel(shape).callAsFunction)
    }

    @Test(arguments: [[6, 5], [3, 4, 3, 3]])
    func gradientsInEvaluation(shape: TensorShape) throws {
        let layer = BatchNorm(features: shape[1])
        randomizeAffine(layer.parameters)
        var generator = SeededGenerator(seed: 5)
        layer.runningMean!.value = .randomNormal([shape[1]], using: &generator)
        layer.runningVariance!.value = .randomUniform([shape[1]], in: 0.5..<4, using: &generator)
        layer.setTraining(false)
        var reference = ReferenceNormalization.perChannel(shape)
        reference.fixedStatistics = (layer.runningMean!.value.scalars.map(Double.init), layer.runningVariance!.value.scalars.map(Double.init))
        checkGradients(of: layer, input: input(shape), reference: reference.callAsFunction)
    }

    @Test func gradientsWithoutAffineOrRunningStatistics() throws {
        let layer = BatchNorm(features: 3, affine: false, trackRunningStatistics: false)
        #expect(layer.parameters.isEmpty && layer.buffers.isEmpty)
        checkGradients(of: layer, input: input([5, 3, 2, 2]), reference: ReferenceNormalization.perChannel([5, 3, 2, 2]).callAsFunction)
    }

    @Test(arguments: [[64, 5], [8, 3, 4, 4]])
    func trainingOutputIsStandardizedPerChannel(shape: TensorShape) throws {
        let layer = BatchNorm(features: shape[1])
        expectStandardized(layer.forward(input(shape)), by: .perChannel(shape))
    }

    /// Two steps worked by hand. Channel 0 holds 1, 3: μ = 2, σ² = 1 (biased), 2 (unbiased);
    /// channel 1 holds 2, 6: μ = 4, σ² = 4, 8. Every x̂ is ±1/√(1 + ε/σ²).
    @Test func runningStatisticsFollowTheDocumentedUpdate() throws {
        let layer = BatchNorm(features: 2)
        let x = Tensor(rows: [[1, 2], [3, 6]])
        let y = layer.forward(x)
        let expected: [Float] = [-1 / (1 + 1e-5).squareRoot(), -1 / (1 + 1e-5 / 4).squareRoot(), 1 / (1 + 1e-5).squareRoot(), 1 / (1 + 1e-5 / 4).squareRoot()]
        #expect(relativeError(y.scalars.map(Double.init), expected.map(Double.init)) < 1e-6)
        // running = 0.9·running + 0.1·batch, from mean 0 and variance 1.
        #expect(relativeError(layer.runningMean!.value.scalars.map(Double.init), [0.2, 0.4]) < 1e-6)
        #expect(relativeError(layer.runningVariance!.value.scalars.map(Double.init), [1.1, 1.7]) < 1e-6)
        _ = layer.forward(x)
        #expect(relativeError(layer.runningMean!.value.scalars.map(Double.init), [0.38, 0.76]) < 1e-6)
        #expect(relativeError(layer.runningVariance!.value.scalars.map(Double.init), [1.19, 2.33]) < 1e-6)
    }

    @Test(arguments: [[1, 5], [1, 3, 4, 4]])
    func evaluationOfASampleDoesNotDependOnItsBatch(sampleShape: TensorShape) throws {
        let layer = BatchNorm(features: sampleShape[1])
        for step in 0..<5 { _ = layer.forward(input([16] + sampleShape.droppingFirst, seed: UInt64(step))) }
        layer.setTraining(false)
        let sample = input(sampleShape, seed: 100)
        let alone = layer.forward(sample)
        let others = input([64] + sampleShape.droppingFirst, seed: 101)
        let batch = Tensor(
            shape: [65] + sampleShape.droppingFirst,
            scalars: others.slice(batch: 0..<30).scalars + sample.scalars + others.slice(batch: 30..<64).scalars
        )
        let inBatch = layer.forward(batch).slice(batch: 30..<31)
        #expect(alone.scalars == inBatch.scalars)
    }

    @Test func runningStatisticsConvergeToTheDataDistribution() throws {
        let means: [Float] = [-2, 0.5, 3], deviations: [Float] = [0.5, 1, 2]
        let layer = BatchNorm(features: 3)
        var generator = SeededGenerator(seed: 9)
        for _ in 0..<200 {
            let batch = Tensor(shape: [32, 3, 4, 4]) { buffer in
                for i in buffer.indices {
                    let c = (i / 16) % 3
                    buffer[i] = generator.nextNormal(mean: means[c], standardDeviation: deviations[c])
                }
            }
            _ = layer.forward(batch)
        }
        // With momentum 0.9 the estimates average about 19 batches of 512 values: standard errors
        // ≈ 0.01·σ for the mean and ≈ 1.4 % for the variance.
        for c in 0..<3 {
            #expect(abs(layer.runningMean!.value.scalars[c] - means[c]) < 0.05 * deviations[c])
            #expect(abs(layer.runningVariance!.value.scalars[c] / (deviations[c] * deviations[c]) - 1) < 0.07)
        }
    }

    @Test func withoutRunningStatisticsEvaluationUsesTheBatch() throws {
        let layer = BatchNorm(features: 4, trackRunningStatistics: false)
        let x = input([6, 4, 2, 2])
        let training = layer.forward(x)
        layer.setTraining(false)
        #expect(layer.forward(x) == training)
    }

    @Test func namesParametersAndBuffersAsPyTorch() throws {
        let model = Sequential(BatchNorm(features: 8), GroupNorm(groups: 2, channels: 8))
        #expect(model.namedParameters().map(\.path) == ["0.weight", "0.bias", "1.weight", "1.bias"])
        #expect(model.namedBuffers().map(\.path) == ["0.running_mean", "0.running_var"])
        #expect(model.namedBuffers().allSatisfy { !$0.parameter.isTrainable })
        #expect(model.parameterCount == 32)
        #expect(try model.outputShape(for: [2, 8, 5, 5]) == [2, 8, 5, 5])
        #expect(model.forwardFLOPs(for: [2, 8, 5, 5]) == 2 * 7 * 400)
        let layer = BatchNorm(features: 8)
        layer.setTraining(false)
        #expect(layer.forwardFLOPs(for: [2, 8]) == 3 * 16)
        #expect(layer.summaryName == "BatchNorm(8)")
    }

    @Test func rejectsInputWithOtherChannels() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = BatchNorm(features: 16).forward(.zeros([8, 3, 28, 28]))
        }
        #expect(standardError(result, contains: "BatchNorm(16): input [8, 3, 28, 28]: expected [N, 16], [N, 16, L] or [N, 16, H, W]"))
    }

    @Test func rejectsTrainingOnOneValuePerChannel() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = BatchNorm(features: 4).forward(.zeros([1, 4]))
        }
        #expect(standardError(result, contains: "BatchNorm(4): input [1, 4]: training needs more than one value per channel, got 1"))
    }
}
