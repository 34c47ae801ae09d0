/// Adadelta (Zeiler 2012): steps whose units match θ's, from running averages of squared
/// gradients and squared updates.
///
/// With g the gradient (plus λ·θ when the group has weight decay λ), η the group's rate, ρ = `rho`:
///
///     E[g²]  ← ρ·E[g²] + (1 − ρ)·g²
///     Δθ     = −(√(E[Δθ²] + ε) / √(E[g²] + ε))·g
///     E[Δθ²] ← ρ·E[Δθ²] + (1 − ρ)·Δθ²
///     θ      ← θ + η·Δθ
///
/// E[Δθ²] accumulates the update before η (as in PyTorch), so η = 1 is Zeiler's method and
/// other values scale it. Both averages start at 0 and are saved as `square_avg` and
/// `acc_delta`. Defaults: η = 1, ρ = 0.95 (Zeiler's; PyTorch uses 0.9), ε = 1e-6.
public final class Adadelta: ElementwiseOptimizer {
    /// ρ, the decay of the running averages, in [0, 1); in `Double` so that 1 − ρ is exact.
    public var rho: Double
    /// ε, which also sets the size of the first steps (√ε / √(E[g²] + ε)·g).
    public var epsilon: Float

    /// Creates an optimizer over one group of `parameters` with weight decay λ = `weightDecay`.
    public convenience init(
        _ parameters: [Parameter], learningRate: Float = 1, rho: Double = 0.95, epsilon: Float = 1e-6,
        weightDecay: Float = 0
    ) {
        self.init(
            [ParameterGroup(parameters: parameters, weightDecay: weightDecay)],
            learningRate: learningRate, rho: rho, epsilon: epsilon
        )
    }

    /// Creates an optimizer over parameter groups, each with its own rate scale and weight decay.
    public init(_ groups: [ParameterGroup], learningRate: Float = 1, rho: Double = 0.95, epsilon: Float = 1e-6) {
        require(rho >= 0 && rho < 1, "Adadelta: rho \(rho) must lie in [0, 1)")
        require(epsilon > 0, "Adadelta: epsilon \(epsilon) must be positive")
        self.rho = rho
        self.epsilon = epsilon
        super.init(groups: groups, learningRate: learningRate, slotNames: ["square_avg", "acc_delta"])
    }

    override func update(_ theta: UnsafeMutablePointer<Float>, gradient g: Gradient, slots: Slots, context: ParameterUpdate) {
        let eta = context.learningRate, rho = Float(rho), oneMinusRho = Float(1 - rho), epsilon = epsilon
        let squareAverage = slots[0], deltaAverage = slots[1]
        g.forEach(updating: theta) { i, gi in
            squareAverage[i] = rho * squareAverage[i] + oneMinusRho * gi * gi
            let delta = -(squareRoot(ofNonNegative: deltaAverage[i] + epsilon) / squareRoot(ofNonNegative: squareAverage[i] + epsilon)) * gi
            deltaAverage[i] = rho * deltaAverage[i] + oneMinusRho * delta * delta
            theta[i] += eta * delta
        }
    }
}
