import Foundation
import Testing
@testable import DLNN

@Suite struct RegressionLossTests {
    private static let shapes: [TensorShape] = [[1, 1], [1, 6], [4, 3], [2, 3, 2, 2]]

    private func pair(_ shape: TensorShape, seed: UInt64) -> (predictions: Tensor, targets: Tensor) {
        var generator = SeededGenerator(seed: seed)
        return (Tensor.randomNormal(shape, standardDeviation: 2, using: &generator),
                Tensor.randomNormal(shape, using: &generator))
    }

    /// The mean over all elements of ℓ(p − t).
    private func meanOf(_ targets: Tensor, _ term: @escaping (Double) -> Double) -> ([Double]) -> Double {
        let t = targets.scalars.map(Double.init)
        return { p in zip(p, t).reduce(0) { $0 + term($1.0 - $1.1) } / Double(p.count) }
    }

    @Test(arguments: shapes)
    func meanSquaredError(shape: TensorShape) {
        let (p, t) = pair(shape, seed: 1)
        checkLoss(MeanSquaredError().loss(p, targets: t), input: p, reference: meanOf(t) { $0 * $0 })
    }

    @Test(arguments: shapes)
    func meanAbsoluteError(shape: TensorShape) {
        let (p, t) = pair(shape, seed: 2)
        #expect(zip(p.scalars, t.scalars).allSatisfy { abs($0 - $1) > 1e-3 }, "away from the kink at p = t")
        checkLoss(MeanAbsoluteError().loss(p, targets: t), input: p, reference: meanOf(t) { abs($0) })
    }

    @Test(arguments: shapes)
    func huber(shape: TensorShape) {
        let (p, t) = pair(shape, seed: 3)
        for delta in [1.0, 0.5] {
            checkLoss(Huber(delta: Float(delta)).loss(p, targets: t), input: p, reference: meanOf(t) { d in
                abs(d) < delta ? 0.5 * d * d : delta * (abs(d) - 0.5 * delta)
            })
        }
    }

    @Test func knownValues() {
        let p = Tensor([1, 2, 3, 4]), t = Tensor([1, 0, 3, 4.25])
        #expect(MeanSquaredError().loss(p, targets: t).value == (4 + 0.0625) / 4)
        #expect(MeanSquaredError().loss(p, targets: t).gradient == Tensor([0, 1, 0, -0.125]))
        #expect(MeanAbsoluteError().loss(p, targets: t).value == 2.25 / 4)
        #expect(MeanAbsoluteError().loss(p, targets: t).gradient == Tensor([0, 0.25, 0, -0.25]))
        // Huber with δ = 1: the error 2 is linear (2 − ½), the error 0.25 quadratic (½·0.0625).
        #expect(Huber().loss(p, targets: t).value == (1.5 + 0.03125) / 4)
        #expect(Huber().loss(p, targets: t).gradient == Tensor([0, 0.25, 0, -0.0625]))
    }

    /// Σ t·(log t − p) / N with 0·log 0 = 0.
    private func klReference(_ targets: Tensor) -> ([Double]) -> Double {
        let t = targets.scalars.map(Double.init)
        return { p in zip(p, t).reduce(0) { $0 + ($1.1 > 0 ? $1.1 * (log($1.1) - $1.0) : 0) } / Double(targets.shape[0]) }
    }

    @Test(arguments: [[1, 4], [3, 5]])
    func klDivergence(shape: TensorShape) {
        var generator = SeededGenerator(seed: 4)
        let logQ = Tensor.randomNormal(shape, using: &generator).softmax().map { Foundation.log($0) }
        var targets = Tensor.randomNormal(shape, using: &generator).softmax()
        targets[0, 1] = 0  // a zero target contributes nothing
        checkLoss(KLDivergence().loss(logQ, targets: targets), input: logQ, reference: klReference(targets))
    }

    @Test func klDivergenceOfADistributionFromItselfIsZero() {
        var generator = SeededGenerator(seed: 5)
        let q = Tensor.randomNormal([4, 6], using: &generator).softmax()
        #expect(abs(KLDivergence().loss(q.map { Foundation.log($0) }, targets: q).value) < 1e-6)
    }

    @Test func reusedLossHandlesChangingShapes() {
        let loss = MeanSquaredError()
        for shape in Self.shapes {
            let (p, t) = pair(shape, seed: 6)
            checkLoss(loss.loss(p, targets: t), input: p, reference: meanOf(t) { $0 * $0 })
        }
    }
}
