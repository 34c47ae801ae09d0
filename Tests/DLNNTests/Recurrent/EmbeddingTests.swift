import Foundation
import Testing
@testable import DLNN

/// `Embedding` row lookup and its gradient (repeated indices add up), and `SequenceCrossEntropy`
/// against a Double reference of the mean per-step cross-entropy and its finite differences.
@Suite struct EmbeddingTests {
    @Test func forwardLooksUpRowsAndBackwardAddsIntoThem() {
        var generator = SeededGenerator(seed: 1)
        let embedding = Embedding(vocabularySize: 5, embeddingSize: 3, generator: &generator)
        let table = embedding.weight.value.scalars
        let indices = Tensor(shape: [2, 3], scalars: [4, 0, 4, 1, 4, 2])
        let output = embedding.forward(indices)
        #expect(output.shape == [2, 3, 3])
        for (k, index) in indices.scalars.enumerated() {
            #expect(Array(output.scalars[(3 * k)..<(3 * k + 3)]) == Array(table[(3 * Int(index))..<(3 * Int(index) + 3)]))
        }
        let g = randomInput([2, 3, 3], seed: 2)
        embedding.zeroGradients()
        let inputGradient = embedding.backward(g)
        #expect(inputGradient == Tensor.zeros([2, 3]))
        var expected = [Float](repeating: 0, count: 15)
        for (k, index) in indices.scalars.enumerated() {
            for e in 0..<3 { expected[3 * Int(index) + e] += g.scalars[3 * k + e] }
        }
        #expect(relativeError(doubles(embedding.weight.gradient), expected.map(Double.init)) < 1e-6)
        #expect(embedding.weight.gradient.scalars[3 * 3..<3 * 4].allSatisfy { $0 == 0 }, "index 3 is unused: no gradient")
        expectParameterGradientsMatchBackward(of: embedding, input: indices, outputGradient: g)
    }

    @Test func sequenceCrossEntropyIsTheMeanOverAllSteps() {
        let (length, rows, classes) = (3, 2, 4)
        let logits = randomInput([length, rows, classes], seed: 3)
        let labels = [0, 3, 1, 1, 2, 0]
        checkLoss(SequenceCrossEntropy().loss(logits, labels: labels), input: logits) { z in
            var total = 0.0
            for step in 0..<(length * rows) {
                total -= referenceLogSoftmax(z[(step * classes)..<((step + 1) * classes)])[labels[step]]
            }
            return total / Double(length * rows)
        }
    }
}
