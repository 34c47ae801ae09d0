import Foundation
import Testing
@testable import DLNN

@Suite struct TargetTrainingTests {
    /// y = A·x + c for 64 random x ∈ [−1, 1]³: a linear model fits it exactly.
    @Test func regressionOnALinearProblemReachesNearZeroError() throws {
        var generator = SeededGenerator(seed: 11)
        let (a, c): ([[Float]], [Float]) = ([[0.5, -1, 2], [1.5, 0.25, -0.75]], [0.3, -0.2])
        let x = (0..<64 * 3).map { _ in Float.random(in: -1...1, using: &generator) }
        var y: [Float] = []
        for n in 0..<64 {
            for i in 0..<2 {
                var value = c[i]
                for j in 0..<3 { value += a[i][j] * x[n * 3 + j] }
                y.append(value)
            }
        }
        let data = FeatureDataset(features: Tensor(shape: [64, 3], scalars: x), values: Tensor(shape: [64, 2], scalars: y))
        let model = denseModel(inputs: 3, outputs: 2, seed: 1)
        let trainer = Trainer(model: model, loss: MeanSquaredError(), optimizer: SGD(model.allParameters, learningRate: 0.1, momentum: 0.9),
                              configuration: TrainingConfiguration(epochs: 60, batchSize: 16))
        let initial = trainer.evaluate(data).loss
        try trainer.fit(training: data, validation: data)
        let final = trainer.evaluate(data)
        #expect(final.loss < 1e-6 && final.loss < initial / 1e4, "MSE \(initial) → \(final.loss)")
        #expect(final.accuracy.isNaN)
        #expect(trainer.history.epochs.last!.validationLoss == final.loss)
    }

    @Test func softTargetCrossEntropyGradientMatchesFiniteDifferences() {
        let logits = Tensor(shape: [2, 3], scalars: [0.5, -1, 2, 3, 0.1, -0.4])
        let targets: [Double] = [0.2, 0.3, 0.5, 0.7, 0.1, 0.2]
        let result = SoftTargetCrossEntropy().loss(logits, targets: Tensor(shape: [2, 3], scalars: targets.map(Float.init)))
        checkLoss(result, input: logits) { z in
            var total = 0.0
            for n in 0..<2 {
                let logP = referenceLogSoftmax(z[n * 3..<n * 3 + 3])
                for j in 0..<3 { total -= targets[n * 3 + j] * logP[j] }
            }
            return total / 2
        }
    }

    /// Distillation in miniature: a linear student matches a fixed teacher's distributions, so
    /// the loss approaches the teacher's entropy (its minimum) and the probabilities match.
    @Test func trainingOnSoftTargetsMatchesTheTeachersDistributions() throws {
        var generator = SeededGenerator(seed: 5)
        let x = Tensor(shape: [32, 4], scalars: (0..<128).map { _ in Float.random(in: -1...1, using: &generator) })
        let teacher = denseModel(inputs: 4, outputs: 3, seed: 9)
        let probabilities = Softmax().forward(teacher.forward(x))
        let data = FeatureDataset(features: x, values: probabilities)
        let student = denseModel(inputs: 4, outputs: 3, seed: 1)
        let loss = SoftTargetCrossEntropy()
        let trainer = Trainer(model: student, loss: loss, optimizer: Adam(student.allParameters, learningRate: 0.05),
                              configuration: TrainingConfiguration(epochs: 150, batchSize: 32))
        try trainer.fit(training: data, validation: nil)
        let entropy = probabilities.scalars.reduce(0.0) { $0 - Double($1) * log(Double($1)) } / 32
        let final = trainer.evaluate(data).loss
        #expect(final - entropy < 1e-3, "cross-entropy \(final), teacher entropy \(entropy)")
        let studentProbabilities = Softmax().forward(student.forward(x))
        #expect(zip(studentProbabilities.scalars, probabilities.scalars).allSatisfy { abs($0 - $1) < 0.02 })
    }
}
