import Foundation

/// Adam (Kingma and Ba 2015): steps from bias-corrected running averages of the gradient and its square.
///
/// With g the gradient (plus λ·θ when the group has weight decay λ), η the group's rate, t the
/// parameter's update count (1 on its first update) and (β₁, β₂) = `betas`:
///
///     m ← β₁·m + (1 − β₁)·g
///     v ← β₂·v + (1 − β₂)·g²
///     m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ)
///     θ ← θ − η·m̂ / (√v̂ + ε)
///
/// m and v start at 0 and are saved as `exp_avg` and `exp_avg_sq`. Defaults: η = 1e-3,
/// β = (0.9, 0.999), ε = 1e-8. The arithmetic is PyTorch's: θ ← θ − (η / (1 − β₁ᵗ))·m / (√v / √(1 − β₂ᵗ) + ε).
///
/// `biasCorrection: false` uses m and v in place of m̂ and v̂. Early on, v is then far below its
/// expected value (by the factor 1 − β₂ᵗ, 0.001 at t = 1) while m is less so, so the first
/// steps are up to (1 − β₁)/√(1 − β₂) ≈ 3× η and erratic; this is the variant whose instability
/// in short fine-tuning runs is well known (BERT's original BertAdam omitted the correction).
///
/// `AMSGrad` and `AdamW` are this rule with one change each.
public class Adam: ElementwiseOptimizer {
    /// (β₁, β₂), the decays of the first- and second-moment averages, each in [0, 1); in `Double`
    /// so that 1 − β is exact (0.999 as a `Float` would make 1 − β₂ wrong by 1.3e-5 relative).
    public var betas: (Double, Double)
    /// ε, added to √v̂.
    public var epsilon: Float
    /// Whether m and v are divided by 1 − βᵗ.
    public let usesBiasCorrection: Bool
    /// Whether the denominator uses the running maximum of v (AMSGrad).
    let usesMaximumSecondMoment: Bool

    /// Creates an optimizer over one group of `parameters` with weight decay λ = `weightDecay`.
    public convenience init(
        _ parameters: [Parameter], learningRate: Float = 1e-3, betas: (Double, Double) = (0.9, 0.999),
        epsilon: Float = 1e-8, weightDecay: Float = 0, biasCorrection: Bool = true
    ) {
        self.init(
            [ParameterGroup(parameters: parameters, weightDecay: weightDecay)], learningRate: learningRate,
            betas: betas, epsilon: epsilon, biasCorrection: biasCorrection
        )
    }

    /// Creates an optimizer over parameter groups, each with its own rate scale and weight decay.
    public convenience init(
        _ groups: [ParameterGroup], learningRate: Float = 1e-3, betas: (Double, Double) = (0.9, 0.999),
        epsilon: Float = 1e-8, biasCorrection: Bool = true
    ) {
        self.init(
            groups: groups, learningRate: learningRate, betas: betas, epsilon: epsilon,
            biasCorrection: biasCorrection, maximumSecondMoment: false, decoupledWeightDecay: false
        )
    }

    init(
        groups: [ParameterGroup], learningRate: Float, betas: (Double, Double), epsilon: Float,
        biasCorrection: Bool, maximumSecondMoment: Bool, decoupledWeightDecay: Bool
    ) {
        self.betas = betas
        self.epsilon = epsilon
        usesBiasCorrection = biasCorrection
        usesMaximumSecondMoment = maximumSecondMoment
        super.init(
            groups: groups, learningRate: learningRate,
            slotNames: ["exp_avg", "exp_avg_sq"] + (maximumSecondMoment ? ["max_exp_avg_sq"] : []),
            appliesDecoupledWeightDecay: decoupledWeightDecay
        )
        require(
            (0..<1).contains(betas.0) && (0..<1).contains(betas.1),
            "\(optimizerName): betas (\(betas.0), \(betas.1)) must lie in [0, 1)"
        )
        require(epsilon >= 0, "\(optimizerName): epsilon \(epsilon) must be non-negative")
    }

    override func update(_ theta: UnsafeMutablePointer<Float>, gradient g: Gradient, slots: Slots, context: ParameterUpdate) {
        let (beta1, oneMinusBeta1) = (Float(betas.0), Float(1 - betas.0))
        let (beta2, oneMinusBeta2) = (Float(betas.1), Float(1 - betas.1))
        let epsilon = epsilon
        let t = Double(context.step)
        let correction1 = usesBiasCorrection ? 1 - pow(betas.0, t) : 1
        let correction2 = usesBiasCorrection ? 1 - pow(betas.1, t) : 1
        let stepSize = Float(Double(context.learningRate) / correction1)
        let inverseRootCorrection2 = Float(1 / correction2.squareRoot())
        // AdamW's decoupled decay θ ← θ − η·λ·θ, fused into the same pass (1 leaves θ exact).
        let shrink = appliesDecoupledWeightDecay ? 1 - context.learningRate * context.weightDecay : 1
        let m = slots[0], v = slots[1]
        // Two loops rather than a branch inside one, so that each vectorizes.
        if usesMaximumSecondMoment {
            let maximum = slots[2]
            g.forEach(updating: theta) { i, gi in
                m[i] = beta1 * m[i] + oneMinusBeta1 * gi
                v[i] = beta2 * v[i] + oneMinusBeta2 * gi * gi
                maximum[i] = max(maximum[i], v[i])
                theta[i] = theta[i] * shrink - stepSize * m[i] / (squareRoot(ofNonNegative: maximum[i]) * inverseRootCorrection2 + epsilon)
            }
        } else {
            g.forEach(updating: theta) { i, gi in
                m[i] = beta1 * m[i] + oneMinusBeta1 * gi
                v[i] = beta2 * v[i] + oneMinusBeta2 * gi * gi
                theta[i] = theta[i] * shrink - stepSize * m[i] / (squareRoot(ofNonNegative: v[i]) * inverseRootCorrection2 + epsilon)
            }
        }
    }
}
