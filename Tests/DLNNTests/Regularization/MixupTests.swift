import Foundation
import Testing
@testable import DLNN

@Suite struct MixupTests {
    @Test func inputsAndSoftTargetsAreTheConvexCombinations() {
        let inputs = Tensor(shape: [3, 2], scalars: [1, 2, 10, 20, 100, 200])
        let mixed = Mixup.mix(inputs, labels: [0, 1, 2], lambda: 0.25, permutation: [2, 0, 1])
        // x̃₀ = ¼·x₀ + ¾·x₂, x̃₁ = ¼·x₁ + ¾·x₀, x̃₂ = ¼·x₂ + ¾·x₁.
        #expect(mixed.inputs.scalars == [75.25, 150.5, 3.25, 6.5, 32.5, 65])
        #expect(mixed.partnerLabels == [2, 0, 1] && mixed.dominantLabels == [2, 0, 1])
        #expect(mixed.softTargets(classes: 3).scalars == [0.25, 0, 0.75, 0.75, 0.25, 0, 0, 0.75, 0.25])
        // Smoothing ε = 0.3 over 3 classes: (1 − ε)·ỹ + ε/3.
        let smoothed = mixed.softTargets(classes: 3, smoothing: 0.3).scalars
        let expected: [Float] = [0.275, 0.1, 0.625, 0.625, 0.275, 0.1, 0.1, 0.625, 0.275]
        #expect(zip(smoothed, expected).allSatisfy { abs($0 - $1) < 1e-6 })
        // A sample mixed with itself keeps its one-hot target.
        #expect(Mixup.mix(inputs, labels: [1, 1, 0], lambda: 0.6, permutation: [1, 0, 2]).softTargets(classes: 2).scalars == [0, 1, 0, 1, 1, 0])
    }

    @Test func theLossGradientIsTheMixOfTheTwoLabelsGradients() {
        var generator = SeededGenerator(seed: 3)
        let logits = Tensor.randomNormal([4, 5], using: &generator)
        let mixed = Mixup.mix(Tensor.zeros([4, 1]), labels: [0, 3, 4, 1], lambda: 0.7, permutation: [1, 2, 3, 0])
        let targets = mixed.softTargets(classes: 5)
        let (value, gradient) = SoftTargetCrossEntropy().loss(logits, targets: targets)
        // L = λ·CE(y) + (1 − λ)·CE(y_π), in Double.
        func mixedLoss(_ z: [Double]) -> Double {
            (0..<4).reduce(0.0) { total, n in
                let row = Array(z[n * 5..<(n + 1) * 5]), top = row.max()!
                let logSum = log(row.reduce(0) { $0 + exp($1 - top) }) + top
                return total + (0.7 * (logSum - row[mixed.labels[n]]) + 0.3 * (logSum - row[mixed.partnerLabels[n]])) / 4
            }
        }
        let z = logits.scalars.map(Double.init)
        #expect(abs(Double(value) - mixedLoss(z)) < 1e-5)
        #expect(relativeError(gradient.scalars.map(Double.init), numericGradient(of: mixedLoss, at: z)) < 1e-4)
    }

    @Test(arguments: [Float(0.2), 1, 4])
    func lambdaFollowsBeta(alpha: Float) {
        var generator = SeededGenerator(seed: 11)
        let draws = (0..<20_000).map { _ in Double(Mixup.sampleBeta(alpha, alpha, using: &generator)) }
        let mean = draws.reduce(0, +) / Double(draws.count)
        let variance = draws.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(draws.count - 1)
        // Beta(α, α): mean ½, variance 1 / (4(2α + 1)).
        #expect(draws.allSatisfy { (0...1).contains($0) })
        #expect(abs(mean - 0.5) < 0.01)
        #expect(abs(variance / (1 / (4 * (2 * Double(alpha) + 1))) - 1) < 0.05)
    }

    @Test func trainingWithMixupLearnsAndRepeatsExactly() throws {
        let (train, _) = try MNIST.load()
        let training = train.prefix(256), validation = train.subset(256..<384)
        let normalization = InputNormalization.perChannel(statisticsOf: training)
        func run() throws -> TrainingHistory {
            let model = Models.mlp(sizes: [784, 32, 10], seed: 2)
            let trainer = Trainer(
                model: model, loss: SoftmaxCrossEntropy(labelSmoothing: 0.1), optimizer: SGD(model.allParameters, learningRate: 0.1, momentum: 0.9),
                configuration: TrainingConfiguration(epochs: 3, batchSize: 32, seed: 4, mixup: Mixup(alpha: 0.4)))
            return try trainer.fit(training: training, validation: validation, normalization: normalization)
        }
        let first = try run(), second = try run()
        #expect(first.steps.map(\.loss) == second.steps.map(\.loss))
        #expect(first.epochs.last!.validationAccuracy! > 0.6)
        #expect(first.epochs.allSatisfy { $0.trainingAccuracy > 0 && $0.trainingAccuracy <= 1 })
    }
}
