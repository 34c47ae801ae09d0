import Foundation
import Testing
@testable import DLNN

@Suite struct SoftmaxCrossEntropyTests {
    /// PyTorch's definition, transcribed term by term: with −ℓ the negative log-softmax,
    /// L = (1 − ε)·Σₙ w_yₙ·(−ℓₙ,yₙ)/W + (ε/C)·Σₙ Σⱼ wⱼ·(−ℓₙⱼ)/W, W = Σₙ w_yₙ.
    private func reference(classes: Int, labels: [Int], smoothing ε: Double, weights: [Double]?) -> ([Double]) -> Double {
        let w = weights ?? Array(repeating: 1, count: classes)
        return { x in
            var nll = 0.0, smooth = 0.0, total = 0.0
            for (n, y) in labels.enumerated() {
                let logP = referenceLogSoftmax(x[(n * classes)..<((n + 1) * classes)])
                nll += w[y] * -logP[y]
                smooth += (0..<classes).reduce(0) { $0 + w[$1] * -logP[$1] }
                total += w[y]
            }
            return (1 - ε) * nll / total + ε / Double(classes) * smooth / total
        }
    }

    private func logits(_ shape: TensorShape, seed: UInt64, scale: Float = 2) -> Tensor {
        var generator = SeededGenerator(seed: seed)
        return Tensor.randomNormal(shape, standardDeviation: scale, using: &generator)
    }

    @Test func knownValues() {
        // −log softmax([1, 2, 3])₂ = log(e + e² + e³) − 3 = 0.40760596.
        let loss = SoftmaxCrossEntropy()
        let (value, gradient) = loss.loss(Tensor(rows: [[1, 2, 3]]), labels: [2])
        #expect(abs(value - 0.40760596) < 1e-6)
        #expect(abs(gradient[0, 2] - (0.66524096 - 1)) < 1e-6)
        // Two equal logits: log 2 each, averaged over the batch.
        #expect(abs(loss.loss(Tensor.zeros([2, 2]), labels: [0, 1]).value - Float(log(2.0))) < 1e-6)
        // ε = 0.1: 0.9·0.40760596 + (0.1/3)·(2.40760596 + 1.40760596 + 0.40760596) = 0.50760596.
        let smoothed = SoftmaxCrossEntropy(labelSmoothing: 0.1).loss(Tensor(rows: [[1, 2, 3]]), labels: [2])
        #expect(abs(smoothed.value - 0.50760596) < 1e-6)
    }

    @Test(arguments: [1, 5])
    func plain(batch: Int) {
        let labels = (0..<batch).map { ($0 * 3) % 4 }
        let input = logits([batch, 4], seed: 1)
        checkLoss(SoftmaxCrossEntropy().loss(input, labels: labels), input: input,
                  reference: reference(classes: 4, labels: labels, smoothing: 0, weights: nil))
    }

    @Test(arguments: [1, 6])
    func labelSmoothing(batch: Int) {
        let labels = (0..<batch).map { $0 % 5 }
        let input = logits([batch, 5], seed: 2)
        checkLoss(SoftmaxCrossEntropy(labelSmoothing: 0.1).loss(input, labels: labels), input: input,
                  reference: reference(classes: 5, labels: labels, smoothing: 0.1, weights: nil))
    }

    @Test(arguments: [Float(0), 0.2])
    func classWeights(smoothing: Float) {
        let weights: [Float] = [0.5, 2, 1, 0.25]
        let labels = [1, 0, 3, 1, 2, 1]
        let input = logits([6, 4], seed: 3)
        let loss = SoftmaxCrossEntropy(labelSmoothing: smoothing, classWeights: weights)
        checkLoss(loss.loss(input, labels: labels), input: input,
                  reference: reference(classes: 4, labels: labels, smoothing: Double(smoothing), weights: weights.map(Double.init)))
    }

    @Test func classWeightsWithBatchOfOne() {
        let input = logits([1, 3], seed: 4)
        let loss = SoftmaxCrossEntropy(labelSmoothing: 0.3, classWeights: [3, 1, 0.5])
        checkLoss(loss.loss(input, labels: [2]), input: input,
                  reference: reference(classes: 3, labels: [2], smoothing: 0.3, weights: [3, 1, 0.5]))
    }

    @Test func hugeLogitsDoNotOverflow() {
        // Logits spread over ±3·10⁴: e^(10⁴) overflows Float and Double alike without the max shift.
        let spread = logits([4, 5], seed: 5, scale: 1e4)
        let labels = [0, 1, 2, 3]
        let result = SoftmaxCrossEntropy().loss(spread, labels: labels)
        #expect(result.value.isFinite && result.gradient.scalars.allSatisfy(\.isFinite))
        checkLoss(result, input: spread, reference: reference(classes: 5, labels: labels, smoothing: 0, weights: nil))

        // Logits near 10⁴ with O(1) differences: the answer is that of the differences alone.
        let offset = logits([3, 4], seed: 6) + 1e4
        let smoothed = SoftmaxCrossEntropy(labelSmoothing: 0.1).loss(offset, labels: [0, 1, 2])
        checkLoss(smoothed, input: offset, reference: reference(classes: 4, labels: [0, 1, 2], smoothing: 0.1, weights: nil))
    }

    @Test func outOfRangeLabelStops() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = SoftmaxCrossEntropy().loss(Tensor.zeros([2, 10]), labels: [3, 10])
        }.map { result in
            let message = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(message.contains("SoftmaxCrossEntropy: label 10 of sample 1 is out of range for 10 classes"))
        }
    }
}
