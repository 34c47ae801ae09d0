/// AMSGrad (Reddi, Kale and Kumar 2018): Adam whose denominator uses the largest second moment seen so far.
///
/// With g the gradient (plus λ·θ when the group has weight decay λ), η the group's rate and t the
/// parameter's update count:
///
///     m ← β₁·m + (1 − β₁)·g
///     v ← β₂·v + (1 − β₂)·g²
///     v_max ← max(v_max, v)
///     θ ← θ − η·(m / (1 − β₁ᵗ)) / (√(v_max / (1 − β₂ᵗ)) + ε)
///
/// Since v_max never decreases, the effective per-coordinate rate η / √v_max never grows, which
/// repairs Adam's non-convergence when rare large gradients are forgotten faster than frequent
/// small ones (see `OnlineConvexCounterexample`). As in PyTorch, the maximum is taken over the
/// raw v and then bias-corrected (the paper has no bias correction). m, v and v_max start at 0
/// and are saved as `exp_avg`, `exp_avg_sq` and `max_exp_avg_sq`. Defaults: η = 1e-3,
/// β = (0.9, 0.999), ε = 1e-8.
public final class AMSGrad: Adam {
    /// Creates an optimizer over one group of `parameters` with weight decay λ = `weightDecay`.
    public convenience init(
        _ parameters: [Parameter], learningRate: Float = 1e-3, betas: (Double, Double) = (0.9, 0.999),
        epsilon: Float = 1e-8, weightDecay: Float = 0
    ) {
        self.init(
            [ParameterGroup(parameters: parameters, weightDecay: weightDecay)],
            learningRate: learningRate, betas: betas, epsilon: epsilon
        )
    }

    /// Creates an optimizer over parameter groups, each with its own rate scale and weight decay.
    public init(
        _ groups: [ParameterGroup], learningRate: Float = 1e-3, betas: (Double, Double) = (0.9, 0.999),
        epsilon: Float = 1e-8
    ) {
        super.init(
            groups: groups, learningRate: learningRate, betas: betas, epsilon: epsilon,
            biasCorrection: true, maximumSecondMoment: true, decoupledWeightDecay: false
        )
    }
}
