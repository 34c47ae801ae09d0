import Testing
@testable import DLNN

@Suite struct MulticlassHingeTests {
    private func reference(classes: Int, labels: [Int], margin: Double) -> ([Double]) -> Double {
        { s in
            var total = 0.0
            for (n, y) in labels.enumerated() {
                for j in 0..<classes where j != y {
                    total += max(0, s[n * classes + j] - s[n * classes + y] + margin)
                }
            }
            return total / Double(labels.count)
        }
    }

    @Test func cs231nExample() {
        // Scores of the cs231n notes: max(0, 5.1 − 3.2 + 1) + max(0, −1.7 − 3.2 + 1) = 2.9.
        let (value, gradient) = MulticlassHinge().loss(Tensor(rows: [[3.2, 5.1, -1.7]]), labels: [0])
        #expect(abs(value - 2.9) < 1e-6)
        #expect(gradient == Tensor(rows: [[-1, 1, 0]]))
    }

    @Test(arguments: [(1, Float(1)), (6, 1), (6, 0.5)])
    func gradient(batch: Int, margin: Float) {
        var generator = SeededGenerator(seed: UInt64(batch))
        let classes = 5
        let scores = Tensor.randomNormal([batch, classes], using: &generator)
        let labels = (0..<batch).map { ($0 * 2) % classes }
        // Central differences need every slack s_j − s_y + Δ away from the kink at 0.
        for (n, y) in labels.enumerated() {
            for j in 0..<classes where j != y {
                #expect(abs(scores[n, j] - scores[n, y] + margin) > 1e-3)
            }
        }
        checkLoss(MulticlassHinge(margin: margin).loss(scores, labels: labels), input: scores,
                  reference: reference(classes: classes, labels: labels, margin: Double(margin)))
    }
}
