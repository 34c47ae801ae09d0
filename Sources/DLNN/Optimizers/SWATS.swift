import Foundation

/// SWATS (Keskar and Socher 2017, "Improving Generalization Performance by Switching from Adam
/// to SGD"): runs Adam, estimates the SGD rate that would take the same steps, and switches to
/// SGD with momentum once the estimate settles.
///
/// Adam phase, with g the gradient (plus λ·θ when the group has weight decay λ), η the group's
/// rate, t the parameter's update count and k = `stepCount`:
///
///     m ← β₁·m + (1 − β₁)·g;  v ← β₂·v + (1 − β₂)·g²
///     p = −η·(m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε);  θ ← θ + p         (exactly `Adam`)
///     if pᵀg ≠ 0:  γ = pᵀp / (−pᵀg);  Λₖ ← β₂·Λₖ₋₁ + (1 − β₂)·γ
///     switch when k > 1 and |Λₖ / (1 − β₂ᵏ) − γ| < `switchTolerance`, with rate Λ = Λₖ / (1 − β₂ᵏ)
///
/// γ is the rate for which the SGD step −γ·g, projected orthogonally onto the direction of p,
/// equals p; Λₖ averages it and Λₖ / (1 − β₂ᵏ) removes the average's bias towards 0. The dot
/// products run over all trainable parameters (in `Double`), so there is one switch for the whole model.
///
/// SGD phase (after the switch), with η_s the base rate at the switch:
///
///     v ← β₁·v + g;  θ ← θ − (1 − β₁)·Λ·(η / η_s)·v
///
/// The factor η / η_s lets a schedule keep acting after the switch (it is 1 if η is constant, and
/// it carries the group's `learningRateScale`). We also require Λ > 0, which the paper leaves
/// implicit. `switchStep` reports k at the switch and `estimatedLearningRate` reports Λ.
///
/// Saved: `exp_avg`, `exp_avg_sq`, `momentum_buffer` per parameter; scalars `switch_step`
/// (0 before the switch), `sgd_learning_rate` (Λ), `switch_learning_rate` (η_s) and
/// `lambda` (Λₖ). Defaults (the paper's): η = 1e-3, β = (0.9, 0.999), ε = 1e-9 and
/// `switchTolerance` = 1e-9 (the paper uses one ε for both).
public final class SWATS: ElementwiseOptimizer {
    /// (β₁, β₂), the decays of Adam's averages, each in [0, 1) (in `Double`, as in `Adam`); β₁ is also the SGD momentum.
    public var betas: (Double, Double)
    /// ε, added to √v̂ in the Adam phase.
    public var epsilon: Float
    /// The tolerance of the switching criterion |Λₖ / (1 − β₂ᵏ) − γ|.
    public var switchTolerance: Double
    /// The step k at which the switch to SGD happened, or `nil` while still in the Adam phase.
    public private(set) var switchStep: Int?
    /// Λ, the SGD rate estimated at the switch, or `nil` while still in the Adam phase.
    public private(set) var estimatedLearningRate: Float?
    /// Λₖ, the running average of the projected rates γ.
    private var averageProjectedRate: Double = 0
    /// η_s, the base rate at the switch.
    private var learningRateAtSwitch: Float = 0
    /// pᵀg and pᵀp over the parameters updated so far in this step.
    private var stepDotGradient: Double = 0
    private var stepNormSquared: Double = 0

    /// Creates an optimizer over one group of `parameters` with weight decay λ = `weightDecay`.
    public convenience init(
        _ parameters: [Parameter], learningRate: Float = 1e-3, betas: (Double, Double) = (0.9, 0.999),
        epsilon: Float = 1e-9, switchTolerance: Double = 1e-9, weightDecay: Float = 0
    ) {
        self.init(
            [ParameterGroup(parameters: parameters, weightDecay: weightDecay)], learningRate: learningRate,
            betas: betas, epsilon: epsilon, switchTolerance: switchTolerance
        )
    }

    /// Creates an optimizer over parameter groups, each with its own rate scale and weight decay.
    public init(
        _ groups: [ParameterGroup], learningRate: Float = 1e-3, betas: (Double, Double) = (0.9, 0.999),
        epsilon: Float = 1e-9, switchTolerance: Double = 1e-9
    ) {
        require(
            (0..<1).contains(betas.0) && (0..<1).contains(betas.1),
            "SWATS: betas (\(betas.0), \(betas.1)) must lie in [0, 1)"
        )
        require(epsilon >= 0 && switchTolerance >= 0, "SWATS: epsilon and switchTolerance must be non-negative")
        self.betas = betas
        self.epsilon = epsilon
        self.switchTolerance = switchTolerance
        super.init(
            groups: groups, learningRate: learningRate, slotNames: ["exp_avg", "exp_avg_sq", "momentum_buffer"]
        )
    }

    /// One call per parameter, so that pᵀg and pᵀp are summed in the same order as ever.
    override var updatesRunsOfParameters: Bool { false }

    override func update(_ theta: UnsafeMutablePointer<Float>, gradient g: Gradient, slots: Slots, context: ParameterUpdate) {
        let (beta1, oneMinusBeta1) = (Float(betas.0), Float(1 - betas.0))
        let (beta2, oneMinusBeta2) = (Float(betas.1), Float(1 - betas.1))
        if let sgdRate = estimatedLearningRate {
            let stepSize = Float(
                (1 - betas.0) * Double(sgdRate) * Double(context.learningRate) / Double(learningRateAtSwitch)
            )
            let velocity = slots[2]
            g.forEach(updating: theta) { i, gi in
                velocity[i] = beta1 * velocity[i] + gi
                theta[i] -= stepSize * velocity[i]
            }
            return
        }
        let epsilon = epsilon
        let t = Double(context.step)
        let stepSize = Float(Double(context.learningRate) / (1 - pow(betas.0, t)))
        let inverseRootCorrection2 = Float(1 / (1 - pow(betas.1, t)).squareRoot())
        let m = slots[0], v = slots[1]
        // pᵀg and pᵀp are summed in order in Double, so this loop stays scalar (the SGD phase's vectorizes).
        var dotGradient = 0.0, normSquared = 0.0
        g.forEach(updating: theta) { i, gi in
            m[i] = beta1 * m[i] + oneMinusBeta1 * gi
            v[i] = beta2 * v[i] + oneMinusBeta2 * gi * gi
            let p = -stepSize * m[i] / (squareRoot(ofNonNegative: v[i]) * inverseRootCorrection2 + epsilon)
            theta[i] += p
            dotGradient += Double(p) * Double(gi)
            normSquared += Double(p) * Double(p)
        }
        stepDotGradient += dotGradient
        stepNormSquared += normSquared
    }

    override func didUpdateAllParameters() {
        defer { (stepDotGradient, stepNormSquared) = (0, 0) }
        guard switchStep == nil, stepDotGradient != 0 else { return }
        let beta2 = betas.1
        let projectedRate = stepNormSquared / -stepDotGradient
        averageProjectedRate = beta2 * averageProjectedRate + (1 - beta2) * projectedRate
        let estimate = averageProjectedRate / (1 - pow(beta2, Double(stepCount)))
        if stepCount > 1, estimate > 0, abs(estimate - projectedRate) < switchTolerance {
            switchStep = stepCount
            estimatedLearningRate = Float(estimate)
            learningRateAtSwitch = learningRate
        }
    }

    private static let scalarNames = ["switch_step", "sgd_learning_rate", "switch_learning_rate", "lambda"]

    override func saveScalars(into scalars: inout [String: Double]) {
        scalars["switch_step"] = Double(switchStep ?? 0)
        scalars["sgd_learning_rate"] = Double(estimatedLearningRate ?? 0)
        scalars["switch_learning_rate"] = Double(learningRateAtSwitch)
        scalars["lambda"] = averageProjectedRate
    }

    override func scalarKeys(parametersWithState: [Bool]) -> [String] { Self.scalarNames }

    override func loadScalars(from scalars: [String: Double], parametersWithState: [Bool]) throws(OptimizerStateError) {
        let step = scalars["switch_step"]!, rate = scalars["sgd_learning_rate"]!
        let rateAtSwitch = scalars["switch_learning_rate"]!, average = scalars["lambda"]!
        guard step >= 0, step.rounded() == step, step <= Double(Int.max / 2) else {
            throw .invalidScalar(key: "switch_step", value: step)
        }
        guard step == 0 || (rate > 0 && rate.isFinite) else { throw .invalidScalar(key: "sgd_learning_rate", value: rate) }
        guard step == 0 || (rateAtSwitch > 0 && rateAtSwitch.isFinite) else {
            throw .invalidScalar(key: "switch_learning_rate", value: rateAtSwitch)
        }
        guard average.isFinite else { throw .invalidScalar(key: "lambda", value: average) }
        switchStep = step == 0 ? nil : Int(step)
        estimatedLearningRate = step == 0 ? nil : Float(rate)
        learningRateAtSwitch = Float(rateAtSwitch)
        averageProjectedRate = average
    }
}
