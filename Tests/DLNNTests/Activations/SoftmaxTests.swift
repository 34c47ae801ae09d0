import Foundation
import Testing
@testable import DLNN

@Suite struct SoftmaxTests {
    /// Softmax of each row (last axis) in Double, with the maximum subtracted.
    private func reference(rowLength: Int) -> ReferenceForward {
        { x, _ in
            stride(from: 0, to: x.count, by: rowLength).flatMap { start -> [Double] in
                let row = x[start..<(start + rowLength)]
                let m = row.max()!
                let e = row.map { exp($0 - m) }
                let s = e.reduce(0, +)
                return e.map { $0 / s }
            }
        }
    }

    @Test func gradientOnTwoAndFourDimensionalInputs() {
        let layer = Softmax()
        for (index, shape) in activationTestShapes.enumerated() {
            var generator = SeededGenerator(seed: UInt64(index))
            let input = Tensor.randomNormal(shape, standardDeviation: 2, using: &generator)
            checkGradients(of: layer, input: input, reference: reference(rowLength: shape.last!))
        }
    }

    @Test func hugeLogitsGiveFiniteDistributions() {
        let logits = Tensor(rows: [[1e4, 0, -1e4], [1e4, 1e4, 1e4], [-1e4, -1e4 + 1, -1e4]])
        let y = Softmax().forward(logits)
        #expect(y.scalars.allSatisfy { $0.isFinite })
        #expect(y[0, 0] == 1 && y[0, 1] == 0)
        #expect(abs(y[1, 0] - 1.0 / 3) < 1e-7)
        #expect(abs(y[2, 1] - Float(exp(1.0) / (2 + exp(1.0)))) < 1e-7)
    }

    @Test func tensorHelperMatchesTheLayer() {
        var generator = SeededGenerator(seed: 9)
        let logits = Tensor.randomNormal([3, 5], using: &generator)
        let probabilities = logits.softmax()
        #expect(probabilities == Softmax().forward(logits))
        for row in 0..<3 {
            #expect(abs((0..<5).reduce(Float(0)) { $0 + probabilities[row, $1] } - 1) < 1e-6)
        }
        #expect(probabilities.argmax(alongAxis: 1) == logits.argmax(alongAxis: 1))
    }
}
