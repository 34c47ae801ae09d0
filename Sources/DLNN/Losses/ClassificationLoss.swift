/// A loss between a batch of class scores (logits) and the true class of each sample.
///
/// `loss(_:labels:)` returns the loss averaged over the batch (each conformer documents its exact
/// averaging) and its gradient ∂value/∂logits, which has the logits' shape and already includes
/// the 1/N: it is what `model.backward(_:)` expects. Conformers are classes that reuse one
/// gradient workspace from call to call, so a training step allocates nothing here.
public protocol ClassificationLoss: TrainingLoss {
    /// The mean loss of `logits` [N, C] against `labels` (N class indices in 0..<C), and its
    /// gradient with respect to `logits`, of shape [N, C].
    func loss(_ logits: Tensor, labels: [Int]) -> (value: Float, gradient: Tensor)
}

extension ClassificationLoss {
    /// Checks that `logits` is [N, C] with N ≥ 1 and C ≥ 1, that there are N labels and that each
    /// lies in 0..<C; returns (N, C).
    func checkedBatch(_ logits: Tensor, labels: [Int], loss name: String) -> (samples: Int, classes: Int) {
        require(
            logits.rank == 2 && logits.shape[0] > 0 && logits.shape[1] > 0,
            "\(name): logits \(describe(logits.shape)): expected [N, C] with N ≥ 1 and C ≥ 1"
        )
        let (samples, classes) = (logits.shape[0], logits.shape[1])
        require(labels.count == samples, "\(name): \(labels.count) labels for logits \(describe(logits.shape))")
        for (sample, label) in labels.enumerated() {
            require(
                (0..<classes).contains(label),
                "\(name): label \(label) of sample \(sample) is out of range for \(classes) classes (0..<\(classes))"
            )
        }
        return (samples, classes)
    }
}
