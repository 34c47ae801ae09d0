import Testing
@testable import DLNN

@Suite struct LearningRateRangeTestTests {
    /// On MSE = (w + b)², SGD contracts u = w + b by |1 − 4η|: the loss falls for every η < 1/2
    /// and grows beyond it, so the test stops above 1/2 and suggests a rate below it.
    @Test func onAQuadraticItStopsPastTheDivergentRateAndRestoresEverything() throws {
        let model = denseModel(inputs: 1, outputs: 1, seed: 3)
        let optimizer = SGD(model.allParameters, learningRate: 0.01, momentum: 0)
        let before = model.allParameters.map(\.value)
        let test = LearningRateRangeTest(minimum: 1e-3, maximum: 10, steps: 40)
        try test.run(model: model, loss: MeanSquaredError(), optimizer: optimizer, data: quadraticProblem(), batchSize: 4)

        #expect(test.rates.count < 40, "stops before the maximum rate")
        #expect(test.rates.last! > 0.5, "never stops while the loss still falls (η ≤ 1/2)")
        #expect(test.rates.first == 1e-3)
        #expect(abs(test.rates[1] - test.rate(atStep: 1)) < 1e-9)
        let suggestion = try #require(test.suggestedRate)
        #expect(suggestion > 1e-3 && suggestion < 0.5, "suggested \(suggestion)")
        #expect(model.allParameters.map(\.value) == before, "the model is restored")
        #expect(optimizer.stepCount == 0 && optimizer.learningRate == 0.01, "the optimizer is restored")
    }

    @Test func theSmoothedLossIsBiasCorrected() throws {
        let model = denseModel(inputs: 1, outputs: 1, seed: 3)
        let test = LearningRateRangeTest(minimum: 1e-4, maximum: 1e-3, steps: 3, smoothing: 0.9)
        try test.run(model: model, loss: MeanSquaredError(), optimizer: SGD(model.allParameters, learningRate: 0), data: quadraticProblem(), batchSize: 4)
        #expect(test.smoothedLosses.count == 3)
        #expect(abs(test.smoothedLosses[0] - test.losses[0]) < 1e-12, "s₀ = L₀")
        let a1 = 0.9 * 0.1 * test.losses[0] + 0.1 * test.losses[1]
        #expect(abs(test.smoothedLosses[1] - a1 / (1 - 0.81)) < 1e-12)
    }
}
