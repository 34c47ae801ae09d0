/// The mean absolute error (L1 loss), averaged over all elements (PyTorch's `L1Loss`, reduction 'mean').
///
///     L = (1/M)·Σᵢ |pᵢ − tᵢ|        ∂L/∂pᵢ = sign(pᵢ − tᵢ)/M
///
/// where M is the total number of elements and sign(0) = 0, as in PyTorch.
public final class MeanAbsoluteError: RegressionLoss {
    private var gradient = Tensor.zeros([0])

    /// Creates a mean-absolute-error loss.
    public init() {}

    /// L and ∂L/∂predictions for predictions and targets of the same (any) shape.
    public func loss(_ predictions: Tensor, targets: Tensor) -> (value: Float, gradient: Tensor) {
        let value = pointwiseLoss(
            predictions, targets: targets, divisor: predictions.count, gradient: &gradient, loss: "MeanAbsoluteError"
        ) { p, t in
            let d = p - t
            return (abs(d), d > 0 ? 1 : (d < 0 ? -1 : 0))
        }
        return (value, gradient)
    }
}
