import Testing
@testable import DLNN

@Suite struct DropoutTests {
    /// Over n = 100 000 inputs drawn from U(0, 1), each output element is x·m/(1 − p) with
    /// variance E[x²]·p/(1 − p) = (1/3)·(0.3/0.7) ≈ 0.143, so the output mean has a standard
    /// deviation of √(0.143/n) ≈ 0.0012 around the input mean: 0.006 is five standard deviations.
    /// Likewise the fraction of zeros has standard deviation √(p(1 − p)/n) ≈ 0.0014 around p.
    @Test func preservesTheMeanInTraining() {
        var generator = SeededGenerator(seed: 11)
        let input = Tensor.randomUniform([100, 1000], using: &generator)
        let layer = Dropout(probability: 0.3, seed: 5)
        let output = layer.forward(input)
        #expect(abs(output.mean() - input.mean()) < 0.006)
        let zeroFraction = Float(output.scalars.filter { $0 == 0 }.count) / Float(output.count)
        #expect(abs(zeroFraction - 0.3) < 0.007)
        // Survivors are scaled by exactly 1/(1 − p).
        let scale: Float = 1 / 0.7
        #expect(zip(output.scalars, input.scalars).allSatisfy { $0.0 == 0 || $0.0 == $0.1 * scale })
    }

    @Test func backwardUsesTheForwardMask() {
        let layer = Dropout(probability: 0.5, seed: 1)
        let output = layer.forward(Tensor.ones([4, 8]))
        var generator = SeededGenerator(seed: 2)
        let gradient = Tensor.randomNormal([4, 8], using: &generator)
        // With x = 1 the output is the scaled mask itself.
        #expect(layer.backward(gradient) == gradient * output)
    }

    @Test func sameSeedGivesSameMasks() {
        let a = Dropout(probability: 0.4, seed: 42), b = Dropout(probability: 0.4, seed: 42)
        let input = Tensor.ones([3, 50])
        let first = a.forward(input)
        #expect(first == b.forward(input))
        let second = a.forward(input)
        #expect(second == b.forward(input))
        #expect(second != first, "each call draws a fresh mask")
        #expect(Dropout(probability: 0.4, seed: 43).forward(input) != first)
    }

    @Test func isIdentityInEvaluation() {
        let layer = Dropout(probability: 0.5, seed: 3)
        layer.setTraining(false)
        var generator = SeededGenerator(seed: 4)
        let input = Tensor.randomNormal([2, 3, 4, 4], using: &generator)
        #expect(layer.forward(input) == input)
        #expect(layer.backward(input) == input)
        #expect(layer.forwardFLOPs(for: input.shape) == 0)
    }

    @Test func zeroProbabilityIsIdentityInTraining() {
        let layer = Dropout(probability: 0, seed: 3)
        var generator = SeededGenerator(seed: 8)
        let input = Tensor.randomUniform([5, 7], using: &generator)
        #expect(layer.forward(input) == input)
        #expect(layer.backward(input) == input)
    }

    @Test func probabilityOneStops() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Dropout(probability: 1, seed: 0)
        }.map { result in
            let message = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(message.contains("Dropout: probability must be in [0, 1), got 1.0"))
        }
    }
}
