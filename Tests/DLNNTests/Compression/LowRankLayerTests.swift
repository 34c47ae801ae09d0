import Foundation
import Testing
@testable import DLNN

@Suite struct LowRankLayerTests {
    @Test func fullRankDenseIsExact() throws {
        var generator = SeededGenerator(seed: 21)
        let dense = Dense(inputSize: 13, outputSize: 9, generator: &generator)
        randomizeParameters(of: dense, seed: 22)
        let factorized = try LowRankLayer(factorizing: dense, rank: 9)
        #expect(factorized.summaryName == "LowRank(Dense(13 → 9), rank 9)")
        #expect(factorized.namedParameters().map(\.path) == ["0.weight", "1.weight", "1.bias"])
        let input = randomInput([4, 13], seed: 23)
        #expect(relativeError(doubles(factorized.forward(input)), doubles(dense.forward(input))) < 1e-4)
    }

    /// Stride, padding, dilation and non-square kernels, in both schemes.
    @Test(arguments: ConvolutionFactorization.allCases)
    func fullRankConvolutionIsExact(scheme: ConvolutionFactorization) throws {
        var generator = SeededGenerator(seed: 24)
        let convolutions = [
            Conv2D(inputChannels: 3, outputChannels: 5, kernelSize: 3, stride: 2, padding: 1, generator: &generator),
            Conv2D(inputChannels: 2, outputChannels: 4, kernelSize: (3, 2), stride: (2, 1), padding: (1, 2),
                   dilation: (1, 2), bias: false, generator: &generator),
        ]
        for (index, conv) in convolutions.enumerated() {
            randomizeParameters(of: conv, seed: 25 + UInt64(index))
            let factorized = try LowRankLayer(factorizing: conv, rank: 1000, scheme: scheme)
            let input = randomInput([2, conv.inputChannels, 9, 8], seed: 27)
            #expect(try factorized.outputShape(for: input.shape) == conv.outputShape(for: input.shape))
            #expect(relativeError(doubles(factorized.forward(input)), doubles(conv.forward(input))) < 1e-4, "\(conv.summaryName)")
        }
    }

    /// y = (x·Bᵀ)·Aᵀ + b: the container's backward reaches both factors.
    @Test func gradients() throws {
        var generator = SeededGenerator(seed: 28)
        let dense = Dense(inputSize: 6, outputSize: 5, generator: &generator)
        randomizeParameters(of: dense, seed: 29)
        let factorized = try LowRankLayer(factorizing: dense, rank: 2)
        checkGradients(of: WithAllParameters(factorized), input: randomInput([3, 6], seed: 30)) { x, p in
            let hidden = Reference.dense(x, weight: p[0], bias: nil, inputSize: 6, outputSize: 2)
            return Reference.dense(hidden, weight: p[1], bias: p[2], inputSize: 2, outputSize: 5)
        }
    }
}
