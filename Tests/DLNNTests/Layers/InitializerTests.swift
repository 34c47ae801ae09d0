import Testing
@testable import DLNN

@Suite struct InitializerTests {
    /// The sample standard deviation and largest magnitude of a tensor's elements.
    private func statistics(_ tensor: Tensor) -> (mean: Double, standardDeviation: Double, maximum: Double) {
        let values = doubles(tensor)
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
        return (mean, variance.squareRoot(), values.map(abs).max()!)
    }

    @Test func fansFollowPyTorch() {
        #expect(Initializer.fans(of: [10, 784]) == (fanIn: 784, fanOut: 10))
        // Conv2D(4 → 8, 3×3, groups 2): weight [8, 2, 3, 3].
        #expect(Initializer.fans(of: [8, 2, 3, 3]) == (fanIn: 18, fanOut: 72))
    }

    /// Normal initializers and their σ for a [256, 512] weight (fan_in 512, fan_out 256).
    static let normalCases: [(Initializer, Double)] = [
        (.heNormal, (2.0 / 512).squareRoot()),
        (.lecunNormal, (1.0 / 512).squareRoot()),
        (.xavierNormal(gain: 1), (2.0 / 768).squareRoot()),
        (.xavierNormal(gain: 2), 2 * (2.0 / 768).squareRoot()),
        (.normal(standardDeviation: 0.01), 0.01),
        (.normal(standardDeviation: 1), 1),
    ]

    /// Uniform initializers and their bound a for a [256, 512] weight.
    static let uniformCases: [(Initializer, Double)] = [
        (.heUniform, (6.0 / 512).squareRoot()),
        (.xavierUniform(gain: 1), (6.0 / 768).squareRoot()),
    ]

    @Test(arguments: normalCases)
    func normalStandardDeviations(initializer: Initializer, expected: Double) {
        var generator = SeededGenerator(seed: 1)
        let (mean, standardDeviation, _) = statistics(initializer.makeTensor([256, 512], using: &generator))
        #expect(abs(standardDeviation / expected - 1) < 0.02)
        #expect(abs(mean) < 0.02 * expected)
    }

    @Test(arguments: uniformCases)
    func uniformBounds(initializer: Initializer, bound: Double) {
        var generator = SeededGenerator(seed: 2)
        let (_, standardDeviation, maximum) = statistics(initializer.makeTensor([256, 512], using: &generator))
        #expect(maximum <= bound && maximum > 0.99 * bound)
        // U(−a, a) has standard deviation a/√3.
        #expect(abs(standardDeviation / (bound / 3.0.squareRoot()) - 1) < 0.02)
    }

    @Test func convolutionWeightsUseTheReceptiveField() {
        // fan_in = 16·3·3 = 144 for a [32, 16, 3, 3] weight.
        var generator = SeededGenerator(seed: 3)
        let layer = Conv2D(inputChannels: 16, outputChannels: 32, kernelSize: 3, generator: &generator)
        let (_, standardDeviation, _) = statistics(layer.weight.value)
        #expect(abs(standardDeviation / (2.0 / 144).squareRoot() - 1) < 0.05)
        #expect(layer.bias!.value == Tensor.zeros([32]))
    }

    @Test func constantsAndReproducibility() {
        var generator = SeededGenerator(seed: 4)
        #expect(Initializer.zeros.makeTensor([2, 3], using: &generator) == Tensor.zeros([2, 3]))
        #expect(Initializer.constant(0.5).makeTensor([4], using: &generator) == Tensor(repeating: 0.5, shape: [4]))
        #expect(generator == SeededGenerator(seed: 4), "zeros and constant draw nothing")

        var first = SeededGenerator(seed: 9), second = SeededGenerator(seed: 9)
        let a = Dense(inputSize: 20, outputSize: 7, generator: &first)
        let b = Dense(inputSize: 20, outputSize: 7, generator: &second)
        #expect(a.weight.value == b.weight.value)
        let c = Dense(inputSize: 20, outputSize: 7, generator: &first)
        #expect(a.weight.value != c.weight.value, "the generator moves on")
    }
}
