/// RMSProp (Hinton, Coursera lecture 6e, 2012): steps scaled by a running RMS of the gradient,
/// optionally with momentum and centered.
///
/// With g the gradient (plus λ·θ when the group has weight decay λ), η the group's rate, ρ = `rho`:
///
///     G ← ρ·G + (1 − ρ)·g²
///     centered:      ḡ ← ρ·ḡ + (1 − ρ)·g;  D = √(G − ḡ²) + ε     otherwise D = √G + ε
///     momentum μ > 0: b ← μ·b + g / D;  θ ← θ − η·b
///     otherwise:      θ ← θ − η·g / D
///
/// The centered variant (Graves 2013) divides by an estimate of the gradient's standard
/// deviation instead of its RMS. G, b, ḡ start at 0 and are saved as `square_avg`,
/// `momentum_buffer` and `grad_avg`. Defaults: η = 0.01, ρ = 0.99, ε = 1e-8, no momentum, not
/// centered (PyTorch's, where ρ is called alpha).
public final class RMSProp: ElementwiseOptimizer {
    /// ρ, the decay of the running averages, in [0, 1); in `Double` so that 1 − ρ is exact.
    public var rho: Double
    /// ε, added to the denominator.
    public var epsilon: Float
    /// μ, the momentum coefficient; 0 for none.
    public let momentum: Float
    /// Whether the denominator is the centered (standard-deviation) estimate.
    public let isCentered: Bool

    /// Creates an optimizer over one group of `parameters` with weight decay λ = `weightDecay`.
    public convenience init(
        _ parameters: [Parameter], learningRate: Float = 0.01, rho: Double = 0.99, epsilon: Float = 1e-8,
        momentum: Float = 0, centered: Bool = false, weightDecay: Float = 0
    ) {
        self.init(
            [ParameterGroup(parameters: parameters, weightDecay: weightDecay)], learningRate: learningRate,
            rho: rho, epsilon: epsilon, momentum: momentum, centered: centered
        )
    }

    /// Creates an optimizer over parameter groups, each with its own rate scale and weight decay.
    public init(
        _ groups: [ParameterGroup], learningRate: Float = 0.01, rho: Double = 0.99, epsilon: Float = 1e-8,
        momentum: Float = 0, centered: Bool = false
    ) {
        require(rho >= 0 && rho < 1, "RMSProp: rho \(rho) must lie in [0, 1)")
        require(momentum >= 0 && momentum < 1, "RMSProp: momentum \(momentum) must lie in [0, 1)")
        require(epsilon >= 0, "RMSProp: epsilon \(epsilon) must be non-negative")
        self.rho = rho
        self.epsilon = epsilon
        self.momentum = momentum
        isCentered = centered
        super.init(
            groups: groups, learningRate: learningRate,
            slotNames: ["square_avg"] + (momentum > 0 ? ["momentum_buffer"] : []) + (centered ? ["grad_avg"] : [])
        )
    }

    override func update(_ theta: UnsafeMutablePointer<Float>, gradient g: Gradient, slots: Slots, context: ParameterUpdate) {
        let eta = context.learningRate, rho = Float(rho), oneMinusRho = Float(1 - rho), epsilon = epsilon, mu = momentum
        let square = slots[0]
        // The body is inlined once per variant, where `average` and `buffer` are known to be
        // present or absent, so that no copy branches inside its loop and each vectorizes.
        @inline(__always)
        func run(average: UnsafeMutablePointer<Float>?, buffer: UnsafeMutablePointer<Float>?) {
            g.forEach(updating: theta) { i, gi in
                square[i] = rho * square[i] + oneMinusRho * gi * gi
                var variance = square[i]
                if let average {
                    average[i] = rho * average[i] + oneMinusRho * gi
                    // Non-negative in exact arithmetic (Cauchy–Schwarz); clamp the rounding.
                    variance = max(0, variance - average[i] * average[i])
                }
                let scaled = gi / (squareRoot(ofNonNegative: variance) + epsilon)
                if let buffer {
                    buffer[i] = mu * buffer[i] + scaled
                    theta[i] -= eta * buffer[i]
                } else {
                    theta[i] -= eta * scaled
                }
            }
        }
        switch (mu > 0, isCentered) {
        case (false, false): run(average: nil, buffer: nil)
        case (false, true): run(average: slots[1], buffer: nil)
        case (true, false): run(average: nil, buffer: slots[1])
        case (true, true): run(average: slots[2], buffer: slots[1])
        }
    }
}
