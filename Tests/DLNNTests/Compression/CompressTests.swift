import Foundation
import Testing
@testable import DLNN

@Suite struct CompressTests {
    /// LeNet-5 at 90 % energy: every Dense and Conv2D is visited in order; factorized ones are
    /// rebuilt, skipped ones stay the same objects; the output shape is unchanged.
    @Test func compressesLeNetByType() throws {
        let model = try Models.lenet5(seed: 41)
        let result = try compress(model, inputShape: [1, 1, 28, 28], policy: CompressionPolicy(layers: .dense, rank: .energy(0.9)))
        #expect(result.layers.map(\.path) == ["classifier.1", "classifier.3", "classifier.5"])
        let compressed = try #require(result.model as? Sequential)
        #expect(compressed.layers[0] === model.layers[0], "the untouched features are shared")
        #expect(try compressed.outputShape(for: [2, 1, 28, 28]) == [2, 10])
        for report in result.layers where report.isFactorized {
            #expect(report.parametersAfter < report.parametersBefore && report.flopsAfter < report.flopsBefore)
            #expect(report.retainedEnergy! >= 0.9)
            #expect(abs(report.relativeError! - (1 - report.retainedEnergy!).squareRoot()) < 1e-4)
        }
        #expect(model.parameterCount - compressed.parameterCount
            == result.layers.reduce(0) { $0 + $1.parametersBefore - $1.parametersAfter })
    }

    @Test func selectsByPathAndSkipsGroupedConvolutions() throws {
        var generator = SeededGenerator(seed: 42)
        let grouped = Conv2D(inputChannels: 4, outputChannels: 4, kernelSize: 3, groups: 2, generator: &generator)
        let wide = Conv2D(inputChannels: 4, outputChannels: 32, kernelSize: 3, padding: 1, generator: &generator)
        let model = Sequential(grouped, Residual(Sequential(wide, ReLU()), shortcut: Conv2D(inputChannels: 4, outputChannels: 32, kernelSize: 1, generator: &generator)))
        let all = try compress(model, inputShape: [1, 4, 8, 8], policy: CompressionPolicy(rank: .rank(4)))
        #expect(all.layers.map(\.path) == ["0", "1.body.0", "1.shortcut"])
        #expect(all.layers[0].skipReason == "grouped convolution: not factorized")
        #expect(all.layers[1].isFactorized && all.layers[1].rank == 4 && all.layers[1].parametersAfter == 4 * (36 + 32) + 32)
        #expect(!all.layers[2].isFactorized, "a 1×1 convolution 4 → 32 at its full rank 4 is not smaller")

        let one = try compress(model, inputShape: [1, 4, 8, 8], policy: CompressionPolicy(layers: .paths(["1.body.0"]), rank: .rank(3), convolutionScheme: .spatial))
        #expect(one.layers.count == 1 && one.layers[0].parametersAfter == 3 * (4 * 3 + 32 * 3) + 32)
        #expect(one.model.namedParameters().map(\.path).contains("1.body.0.1.bias"))
    }

    /// A compressed model saves through the normal checkpoint path and loads into the structure
    /// rebuilt from a fresh copy of the original with `result.structure`.
    @Test func checkpointRoundTrip() throws {
        let result = try compress(try Models.lenet5(seed: 43), inputShape: [1, 1, 28, 28], policy: CompressionPolicy(rank: .energy(0.8)))
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("compress-\(ProcessInfo.processInfo.processIdentifier).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try result.model.saveWeights(to: url)

        let rebuilt = try compress(try Models.lenet5(seed: 99), inputShape: [1, 1, 28, 28], policy: result.structure)
        try rebuilt.model.loadWeights(from: url)
        #expect(rebuilt.layers.map(\.rank) == result.layers.filter(\.isFactorized).map(\.rank))
        let input = randomInput([3, 1, 28, 28], seed: 44)
        #expect(rebuilt.model.forward(input).scalars == result.model.forward(input).scalars)
    }
}
