/// The Huber loss, averaged over all elements (PyTorch's `HuberLoss`, reduction 'mean'):
/// quadratic for small errors, linear for large ones, so outliers pull with a bounded force.
///
///     ℓ(d) = ½·d²             if |d| < δ        ℓ′(d) = d
///            δ·(|d| − ½·δ)    otherwise                 δ·sign(d)
///
/// with d = p − t, L = (1/M)·Σᵢ ℓ(dᵢ) over all M elements and δ = `delta` (default 1). The two
/// pieces and their slopes meet at |d| = δ. With δ = 1 this equals PyTorch's `SmoothL1Loss`.
public final class Huber: RegressionLoss {
    /// The error size δ where the loss turns from quadratic to linear.
    public let delta: Float
    private var gradient = Tensor.zeros([0])

    /// Creates a Huber loss with threshold `delta` (> 0).
    public init(delta: Float = 1) {
        require(delta > 0, "Huber: delta must be positive, got \(delta)")
        self.delta = delta
    }

    /// L and ∂L/∂predictions for predictions and targets of the same (any) shape.
    public func loss(_ predictions: Tensor, targets: Tensor) -> (value: Float, gradient: Tensor) {
        let delta = delta
        let value = pointwiseLoss(
            predictions, targets: targets, divisor: predictions.count, gradient: &gradient, loss: "Huber"
        ) { p, t in
            let d = p - t
            if abs(d) < delta { return (0.5 * d * d, d) }
            return (delta * (abs(d) - 0.5 * delta), d > 0 ? delta : -delta)
        }
        return (value, gradient)
    }
}
