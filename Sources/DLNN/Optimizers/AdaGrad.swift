/// AdaGrad (Duchi, Hazan and Singer 2011): each coordinate's step shrinks with the sum of its squared gradients.
///
/// With g the gradient (plus λ·θ when the group has weight decay λ) and η the group's rate:
///
///     G ← G + g²
///     θ ← θ − η·g / (√G + ε)
///
/// G starts at 0 and is saved as `sum`. Defaults (PyTorch's): η = 0.01, ε = 1e-10.
public final class AdaGrad: ElementwiseOptimizer {
    /// ε, added to √G to avoid dividing by zero.
    public var epsilon: Float

    /// Creates an optimizer over one group of `parameters` with weight decay λ = `weightDecay`.
    public convenience init(
        _ parameters: [Parameter], learningRate: Float = 0.01, epsilon: Float = 1e-10, weightDecay: Float = 0
    ) {
        self.init(
            [ParameterGroup(parameters: parameters, weightDecay: weightDecay)],
            learningRate: learningRate, epsilon: epsilon
        )
    }

    /// Creates an optimizer over parameter groups, each with its own rate scale and weight decay.
    public init(_ groups: [ParameterGroup], learningRate: Float = 0.01, epsilon: Float = 1e-10) {
        require(epsilon >= 0, "AdaGrad: epsilon \(epsilon) must be non-negative")
        self.epsilon = epsilon
        super.init(groups: groups, learningRate: learningRate, slotNames: ["sum"])
    }

    override func update(_ theta: UnsafeMutablePointer<Float>, gradient g: Gradient, slots: Slots, context: ParameterUpdate) {
        let eta = context.learningRate, epsilon = epsilon
        let sum = slots[0]
        g.forEach(updating: theta) { i, gi in
            sum[i] += gi * gi
            theta[i] -= eta * gi / (squareRoot(ofNonNegative: sum[i]) + epsilon)
        }
    }
}
