/// A loss between a batch of predictions and target tensors of the same shape.
///
/// `loss(_:targets:)` returns the loss averaged as each conformer documents (over all elements
/// for the pointwise losses, over the batch for `KLDivergence`) and its gradient
/// ∂value/∂predictions, which has the predictions' shape and already includes the averaging
/// factor: it is what `model.backward(_:)` expects. Conformers are classes that reuse one
/// gradient workspace from call to call, so a training step allocates nothing here.
public protocol RegressionLoss: TrainingLoss {
    /// The averaged loss of `predictions` against `targets` (same shape) and its gradient with
    /// respect to `predictions`.
    func loss(_ predictions: Tensor, targets: Tensor) -> (value: Float, gradient: Tensor)
}

/// Σᵢ ℓ(pᵢ, tᵢ) / divisor and the gradient ∂ℓ/∂pᵢ / divisor written into `gradient`, for the
/// losses that are a sum of one term per element. `term(p, t)` returns ℓ and ∂ℓ/∂p. The sum is
/// accumulated in `Double` so that millions of small terms do not lose precision.
func pointwiseLoss(
    _ predictions: Tensor, targets: Tensor, divisor: Int, gradient: inout Tensor, loss name: String,
    term: (_ prediction: Float, _ target: Float) -> (value: Float, derivative: Float)
) -> Float {
    require(
        predictions.shape == targets.shape,
        "\(name): predictions \(describe(predictions.shape)) and targets \(describe(targets.shape)) differ in shape"
    )
    require(predictions.count > 0, "\(name): predictions \(describe(predictions.shape)) are empty")
    gradient.resize(to: predictions.shape)
    let scale = 1 / Float(divisor)
    var total = 0.0
    predictions.withUnsafeBufferPointer { p in
        targets.withUnsafeBufferPointer { t in
            gradient.withUnsafeMutableBufferPointer { dp in
                for i in p.indices {
                    let (value, derivative) = term(p[i], t[i])
                    total += Double(value)
                    dp[i] = derivative * scale
                }
            }
        }
    }
    return Float(total / Double(divisor))
}
