/// The mean squared error, averaged over all elements (PyTorch's `MSELoss`, reduction 'mean').
///
///     L = (1/M)·Σᵢ (pᵢ − tᵢ)²        ∂L/∂pᵢ = 2·(pᵢ − tᵢ)/M
///
/// where M is the total number of elements (not the batch size).
public final class MeanSquaredError: RegressionLoss {
    private var gradient = Tensor.zeros([0])

    /// Creates a mean-squared-error loss.
    public init() {}

    /// L and ∂L/∂predictions for predictions and targets of the same (any) shape.
    public func loss(_ predictions: Tensor, targets: Tensor) -> (value: Float, gradient: Tensor) {
        let value = pointwiseLoss(
            predictions, targets: targets, divisor: predictions.count, gradient: &gradient, loss: "MeanSquaredError"
        ) { p, t in
            let d = p - t
            return (d * d, 2 * d)
        }
        return (value, gradient)
    }
}
