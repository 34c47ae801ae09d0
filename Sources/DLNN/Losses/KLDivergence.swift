import Foundation

/// The Kullback–Leibler divergence KL(t ‖ q) of predicted distributions q from target
/// distributions t, averaged over the batch (PyTorch's `KLDivLoss(reduction='batchmean')`, the
/// reduction that matches the mathematical definition).
///
///     L = (1/N)·Σₙ Σⱼ tₙⱼ·(log tₙⱼ − pₙⱼ)        ∂L/∂pₙⱼ = −tₙⱼ/N
///
/// As in PyTorch, the predictions p are *log*-probabilities log q (e.g. a log-softmax output) and
/// the targets t are probabilities; a term with tₙⱼ = 0 counts as 0 (0·log 0 = 0). N is the first
/// axis of the predictions; every other axis is summed. A negative target stops with a message.
public final class KLDivergence: RegressionLoss {
    private var gradient = Tensor.zeros([0])

    /// Creates a KL-divergence loss.
    public init() {}

    /// L and ∂L/∂predictions for log-probabilities and target probabilities of the same shape [N, …].
    public func loss(_ predictions: Tensor, targets: Tensor) -> (value: Float, gradient: Tensor) {
        require(predictions.rank >= 1, "KLDivergence: predictions \(describe(predictions.shape)) have no batch axis")
        let value = pointwiseLoss(
            predictions, targets: targets, divisor: predictions.shape[0], gradient: &gradient, loss: "KLDivergence"
        ) { logQ, t in
            require(t >= 0, "KLDivergence: target \(t) is negative; targets must be probabilities")
            return (t > 0 ? t * (log(t) - logQ) : 0, -t)
        }
        return (value, gradient)
    }
}
