import Foundation
import Testing
@testable import DLNN

@Suite struct DistillationTests {
    /// L = (1/N)·Σₙ [α·T²·KL(softmax(v/T) ‖ softmax(z/T)) − (1 − α)·log softmax(z)_y], in Double.
    func reference(_ z: [Double], _ v: [Double], labels: [Int], classes: Int, t: Double, alpha: Double) -> Double {
        func logSoftmax(_ row: ArraySlice<Double>, _ scale: Double) -> [Double] {
            let scaled = row.map { $0 / scale }, m = scaled.max()!
            let logSum = log(scaled.reduce(0) { $0 + exp($1 - m) }) + m
            return scaled.map { $0 - logSum }
        }
        var total = 0.0
        for n in labels.indices {
            let range = n * classes..<(n + 1) * classes
            let logP = logSoftmax(v[range], t), logQ = logSoftmax(z[range], t), logR = logSoftmax(z[range], 1)
            let kl = zip(logP, logQ).reduce(0) { $0 + exp($1.0) * ($1.0 - $1.1) }
            total += alpha * t * t * kl - (1 - alpha) * logR[labels[n]]
        }
        return total / Double(labels.count)
    }

    @Test(arguments: [(Float(1), Float(0.5)), (4, 0.9), (20, 0.7), (20, 1), (3, 0)])
    func gradientMatchesFiniteDifferences(temperature: Float, alpha: Float) {
        let student = randomInput([4, 5], seed: 210), teacher = randomInput([4, 5], seed: 211) * 3
        let labels = [0, 4, 2, 2]
        let loss = DistillationLoss(teacher: nil, temperature: temperature, softWeight: alpha)
        let (value, gradient) = loss.loss(student: student, teacher: teacher, labels: labels)
        let v = doubles(teacher)
        let f = { (z: [Double]) in reference(z, v, labels: labels, classes: 5, t: Double(temperature), alpha: Double(alpha)) }
        #expect(abs(Double(value) - f(doubles(student))) < 1e-4 * Swift.max(1, abs(Double(value))))
        #expect(relativeError(doubles(gradient), numericGradient(of: f, at: doubles(student))) < 1e-3)
    }

    /// The T² factor: with α = 1 the value is T² times the mean KL, and the soft gradient keeps
    /// its size as T grows (it would shrink as 1/T² without the factor).
    @Test func temperatureSquaredScaling() {
        let student = randomInput([3, 4], seed: 212), teacher = randomInput([3, 4], seed: 213)
        let labels = [1, 0, 3]
        let unscaled = reference(doubles(student), doubles(teacher), labels: labels, classes: 4, t: 10, alpha: 1) / 100
        let (value, _) = DistillationLoss(teacher: nil, temperature: 10, softWeight: 1).loss(student: student, teacher: teacher, labels: labels)
        #expect(abs(Double(value) - 100 * unscaled) < 1e-4 * Double(value))
        // Hard term alone: the cross-entropy on labels.
        let hard = DistillationLoss(teacher: nil, temperature: 10, softWeight: 0).loss(student: student, teacher: teacher, labels: labels)
        let crossEntropy = SoftmaxCrossEntropy().loss(student, labels: labels)
        #expect(abs(hard.value - crossEntropy.value) < 1e-5)
        #expect(relativeError(doubles(hard.gradient), doubles(crossEntropy.gradient)) < 1e-5)
    }

    /// Through the Trainer: the student learns from a fixed teacher, which is never updated.
    @Test func trainsAStudentThroughTheTrainer() throws {
        var generator = SeededGenerator(seed: 214)
        let teacher = Sequential(Dense(inputSize: 6, outputSize: 16, generator: &generator), ReLU(), Dense(inputSize: 16, outputSize: 3, generator: &generator))
        let features = randomInput([64, 6], seed: 215)
        teacher.setTraining(false)
        let teacherLogits = teacher.forward(features).scalars
        let labels = (0..<64).map { n in (0..<3).max { teacherLogits[n * 3 + $0] < teacherLogits[n * 3 + $1] }! }
        let teacherWeights = teacher.allParameters.map(\.value)
        let loss = DistillationLoss(teacher: teacher, temperature: 4, softWeight: 0.7)
        let student = Sequential(loss.inputTap, Sequential(Dense(inputSize: 6, outputSize: 8, generator: &generator), ReLU(), Dense(inputSize: 8, outputSize: 3, generator: &generator)))
        let data = FeatureDataset(features: features, labels: labels, classCount: 3)
        let before = evaluate(model: student, data: data, loss: loss).loss
        let trainer = Trainer(model: student, loss: loss, optimizer: SGD(student.allParameters, learningRate: 0.1, momentum: 0.9),
                              configuration: TrainingConfiguration(epochs: 15, batchSize: 16, seed: 3))
        try trainer.fit(training: data, validation: nil)
        let after = evaluate(model: student, data: data, loss: loss).loss
        #expect(after < 0.5 * before, "loss \(before) → \(after)")
        #expect(teacher.allParameters.map(\.value) == teacherWeights)
        #expect(student.parameterCount == 6 * 8 + 8 + 8 * 3 + 3)
    }
}
