/// AdamW (Loshchilov and Hutter 2019): Adam with weight decay decoupled from the adaptive step.
///
/// With g the raw gradient, η the group's rate, λ the group's `weightDecay` and t the
/// parameter's update count:
///
///     θ ← θ − η·λ·θ
///     m ← β₁·m + (1 − β₁)·g
///     v ← β₂·v + (1 − β₂)·g²
///     θ ← θ − η·(m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
///
/// With coupled decay (`Adam` with weight decay) λ·θ enters g and is divided by √v̂, so weights
/// with large gradients are barely decayed; here every weight shrinks by the same factor
/// 1 − η·λ. The decay is scaled by η, as in PyTorch, so a schedule scales both terms alike (the
/// paper's schedule multiplier η_t). m and v are saved as `exp_avg` and `exp_avg_sq`.
/// Defaults: η = 1e-3, β = (0.9, 0.999), ε = 1e-8, λ = 0.01 (for the one-group initializer;
/// groups carry their own λ, typically 0 for biases and normalization parameters).
public final class AdamW: Adam {
    /// Creates an optimizer over one group of `parameters` with decoupled decay λ = `weightDecay`.
    public convenience init(
        _ parameters: [Parameter], learningRate: Float = 1e-3, betas: (Double, Double) = (0.9, 0.999),
        epsilon: Float = 1e-8, weightDecay: Float = 0.01
    ) {
        self.init(
            [ParameterGroup(parameters: parameters, weightDecay: weightDecay)],
            learningRate: learningRate, betas: betas, epsilon: epsilon
        )
    }

    /// Creates an optimizer over parameter groups; each group's `weightDecay` is its decoupled λ.
    public init(
        _ groups: [ParameterGroup], learningRate: Float = 1e-3, betas: (Double, Double) = (0.9, 0.999),
        epsilon: Float = 1e-8
    ) {
        super.init(
            groups: groups, learningRate: learningRate, betas: betas, epsilon: epsilon,
            biasCorrection: true, maximumSecondMoment: false, decoupledWeightDecay: true
        )
    }
}
