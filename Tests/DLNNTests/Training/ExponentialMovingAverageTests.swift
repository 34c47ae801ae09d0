import Testing
@testable import DLNN

@Suite struct ExponentialMovingAverageTests {
    /// Two SGD steps on MSE = (w + b)² (x = 1, target 0): by hand, with u = w + b,
    /// w ← w − 2ηu, b ← b − 2ηu; θ̄₁ = β·θ₀ + (1 − β)·θ₁, θ̄₂ = β·θ̄₁ + (1 − β)·θ₂.
    @Test func theAverageMatchesAHandComputation() throws {
        let model = denseModel(inputs: 1, outputs: 1, seed: 7)
        let (eta, beta) = (0.1, 0.5)
        var w = [Double(model.allParameters[0].value.scalars[0])], b = [0.0]
        for _ in 0..<2 {
            let u = w.last! + b.last!
            w.append(w.last! - 2 * eta * u)
            b.append(b.last! - 2 * eta * u)
        }
        let averageW = beta * (beta * w[0] + (1 - beta) * w[1]) + (1 - beta) * w[2]
        let averageB = beta * (beta * b[0] + (1 - beta) * b[1]) + (1 - beta) * b[2]

        let average = ExponentialMovingAverage(decay: Float(beta))
        let trainer = Trainer(
            model: model, loss: MeanSquaredError(), optimizer: SGD(model.allParameters, learningRate: Float(eta)),
            configuration: TrainingConfiguration(epochs: 2, batchSize: 4), callbacks: [average])
        try trainer.fit(training: quadraticProblem(), validation: nil)

        #expect(average.updateCount == 2)
        #expect(abs(Double(average.averagedValues[0].scalars[0]) - averageW) < 1e-6)
        #expect(abs(Double(average.averagedValues[1].scalars[0]) - averageB) < 1e-6)
        #expect(abs(Double(model.allParameters[0].value.scalars[0]) - w[2]) < 1e-6, "training keeps the last weights")

        let averagedOutput = average.withAveragedWeights { model.forward(Tensor(repeating: 1, shape: [1, 1])).scalars[0] }
        #expect(abs(Double(averagedOutput) - (averageW + averageB)) < 1e-6, "the averaged weights are swapped in")
        #expect(abs(Double(model.allParameters[0].value.scalars[0]) - w[2]) < 1e-6, "and swapped back")
    }

    @Test func warmUpUsesTheSmallerDecayFirst() throws {
        let model = denseModel(inputs: 1, outputs: 1, seed: 7)
        let w0 = Double(model.allParameters[0].value.scalars[0])
        let average = ExponentialMovingAverage(decay: 0.999, warmUp: true)
        let trainer = Trainer(
            model: model, loss: MeanSquaredError(), optimizer: SGD(model.allParameters, learningRate: 0.1),
            configuration: TrainingConfiguration(epochs: 1, batchSize: 4), callbacks: [average])
        try trainer.fit(training: quadraticProblem(), validation: nil)
        let w1 = Double(model.allParameters[0].value.scalars[0])
        let beta = 2.0 / 11.0  // min(0.999, (1 + 1)/(10 + 1))
        #expect(abs(Double(average.averagedValues[0].scalars[0]) - (beta * w0 + (1 - beta) * w1)) < 1e-6)
    }
}
