/// The cross-entropy of a language model: softmax cross-entropy at every time step, averaged
/// over all T·N steps and samples.
///
///     L = (1 / T·N)·Σ_t Σ_n −log softmax(z[t, n, :])[y[t, n]]
///     ∂L/∂z[t, n, :] = (softmax(z[t, n, :]) − onehot(y[t, n])) / (T·N)
///
/// for logits z [T, N, V] and labels y in time-major order (label t·N + n for step t of sample
/// n). This is exactly `SoftmaxCrossEntropy` on the [T·N, V] view of the logits, which it runs —
/// the same number as PyTorch's `CrossEntropyLoss()(z.view(-1, V), y.view(-1))` — and label
/// smoothing carries over. Logits [N, C] are taken as they are.
public final class SequenceCrossEntropy: ClassificationLoss {
    private let stepLoss: SoftmaxCrossEntropy

    /// Creates the loss with label smoothing ε = `labelSmoothing` at every step.
    public init(labelSmoothing: Float = 0) {
        stepLoss = SoftmaxCrossEntropy(labelSmoothing: labelSmoothing)
    }

    /// The mean over all steps for logits [T, N, V] and T·N labels (time-major), with the gradient [T, N, V].
    public func loss(_ logits: Tensor, labels: [Int]) -> (value: Float, gradient: Tensor) {
        require(logits.rank == 3 || logits.rank == 2, "SequenceCrossEntropy: logits \(describe(logits.shape)): expected [T, N, V]")
        let classes = logits.shape[logits.rank - 1]
        let result = stepLoss.loss(logits.reshaped([logits.count / Swift.max(classes, 1), classes]), labels: labels)
        return (result.value, result.gradient.reshaped(logits.shape))
    }
}
