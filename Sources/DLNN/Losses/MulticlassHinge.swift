/// The multiclass SVM loss in the Weston–Watkins form used by cs231n: every wrong class whose
/// score comes within `margin` of the true class's score is penalized linearly.
///
///     L = (1/N)·Σₙ Σ_{j≠yₙ} max(0, sₙⱼ − sₙ,yₙ + Δ)
///     ∂L/∂sₙⱼ = [sₙⱼ − sₙ,yₙ + Δ > 0]/N   (j ≠ yₙ)      ∂L/∂sₙ,yₙ = −(number of such j)/N
///
/// with Δ = `margin` (default 1); at a margin of exactly 0 the subgradient 0 is used.
/// PyTorch's `MultiMarginLoss` additionally divides each sample's sum by C; this type does not,
/// so that the loss and its gradient keep the textbook scale (and cs231n's reference numbers)
/// whatever the number of classes. Multiply by 1/C to compare with PyTorch.
public final class MulticlassHinge: ClassificationLoss {
    /// The margin Δ by which the true class's score should exceed every other.
    public let margin: Float
    private var gradient = Tensor.zeros([0])

    /// Creates a multiclass hinge loss with margin Δ = `margin`.
    public init(margin: Float = 1) {
        self.margin = margin
    }

    /// L and ∂L/∂scores for scores [N, C] and N labels in 0..<C.
    public func loss(_ logits: Tensor, labels: [Int]) -> (value: Float, gradient: Tensor) {
        let (samples, classes) = checkedBatch(logits, labels: labels, loss: "MulticlassHinge")
        let margin = margin, scale = 1 / Float(samples)
        gradient.resize(to: logits.shape)
        var total = 0.0
        logits.withUnsafeBufferPointer { s in
            gradient.withUnsafeMutableBufferPointer { ds in
                for n in 0..<samples {
                    let start = n * classes, y = labels[n], trueScore = s[start + y]
                    var violations = 0
                    for j in 0..<classes {
                        let slack = s[start + j] - trueScore + margin
                        if j != y && slack > 0 {
                            total += Double(slack)
                            violations += 1
                            ds[start + j] = scale
                        } else {
                            ds[start + j] = 0
                        }
                    }
                    ds[start + y] = -Float(violations) * scale
                }
            }
        }
        return (Float(total / Double(samples)), gradient)
    }
}
