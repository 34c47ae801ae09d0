import Foundation

/// Nadam (Dozat 2016): Adam with a Nesterov look-ahead on the first moment, in PyTorch's `NAdam` form.
///
/// With g the gradient (plus λ·θ when the group has weight decay λ), η the group's rate, t the
/// parameter's update count, ψ = `momentumDecay` and the momentum schedule
/// μₜ = β₁·(1 − ½·0.96^(t·ψ)):
///
///     m ← β₁·m + (1 − β₁)·g
///     v ← β₂·v + (1 − β₂)·g²
///     m̂ = μₜ₊₁·m / (1 − μ₁⋯μₜ₊₁) + (1 − μₜ)·g / (1 − μ₁⋯μₜ)
///     v̂ = v / (1 − β₂ᵗ)
///     θ ← θ − η·m̂ / (√v̂ + ε)
///
/// The look-ahead: m̂ uses next step's momentum μₜ₊₁ on the average and adds the current
/// gradient with weight 1 − μₜ, as Nesterov momentum applies the velocity once more. The
/// product μ₁⋯μₜ is kept per parameter (scalar `"i.mu_product"`) because it has no closed form;
/// m and v are saved as `exp_avg` and `exp_avg_sq`. Defaults: η = 2e-3, β = (0.9, 0.999),
/// ε = 1e-8, ψ = 4e-3 (μₜ warms up from 0.45 towards β₁).
public final class Nadam: ElementwiseOptimizer {
    /// (β₁, β₂), the decays of the first- and second-moment averages, each in [0, 1) (in `Double`, as in `Adam`).
    public var betas: (Double, Double)
    /// ε, added to √v̂.
    public var epsilon: Float
    /// ψ, how fast the momentum schedule μₜ approaches β₁.
    public var momentumDecay: Double
    /// μ₁⋯μₜ for each parameter, in `Double`.
    private var momentumProducts: [Double]

    /// Creates an optimizer over one group of `parameters` with weight decay λ = `weightDecay`.
    public convenience init(
        _ parameters: [Parameter], learningRate: Float = 2e-3, betas: (Double, Double) = (0.9, 0.999),
        epsilon: Float = 1e-8, momentumDecay: Double = 4e-3, weightDecay: Float = 0
    ) {
        self.init(
            [ParameterGroup(parameters: parameters, weightDecay: weightDecay)], learningRate: learningRate,
            betas: betas, epsilon: epsilon, momentumDecay: momentumDecay
        )
    }

    /// Creates an optimizer over parameter groups, each with its own rate scale and weight decay.
    public init(
        _ groups: [ParameterGroup], learningRate: Float = 2e-3, betas: (Double, Double) = (0.9, 0.999),
        epsilon: Float = 1e-8, momentumDecay: Double = 4e-3
    ) {
        require(
            (0..<1).contains(betas.0) && (0..<1).contains(betas.1),
            "Nadam: betas (\(betas.0), \(betas.1)) must lie in [0, 1)"
        )
        require(epsilon >= 0 && momentumDecay >= 0, "Nadam: epsilon and momentumDecay must be non-negative")
        self.betas = betas
        self.epsilon = epsilon
        self.momentumDecay = momentumDecay
        momentumProducts = Array(repeating: 1, count: groups.reduce(0) { $0 + $1.parameters.count })
        super.init(groups: groups, learningRate: learningRate, slotNames: ["exp_avg", "exp_avg_sq"])
    }

    /// μₜ = β₁·(1 − ½·0.96^(t·ψ)).
    private func momentum(at step: Int) -> Double {
        betas.0 * (1 - 0.5 * pow(0.96, Double(step) * momentumDecay))
    }

    /// One call per parameter: μ-products are kept per parameter.
    override var updatesRunsOfParameters: Bool { false }

    override func update(_ theta: UnsafeMutablePointer<Float>, gradient g: Gradient, slots: Slots, context: ParameterUpdate) {
        let (beta1, oneMinusBeta1) = (Float(betas.0), Float(1 - betas.0))
        let (beta2, oneMinusBeta2) = (Float(betas.1), Float(1 - betas.1))
        let epsilon = epsilon
        let eta = Double(context.learningRate)
        let mu = momentum(at: context.step), nextMu = momentum(at: context.step + 1)
        momentumProducts[context.index] *= mu
        let product = momentumProducts[context.index]
        let gradientWeight = Float(eta * (1 - mu) / (1 - product))
        let averageWeight = Float(eta * nextMu / (1 - product * nextMu))
        let inverseRootCorrection2 = Float(1 / (1 - pow(betas.1, Double(context.step))).squareRoot())
        let m = slots[0], v = slots[1]
        g.forEach(updating: theta) { i, gi in
            m[i] = beta1 * m[i] + oneMinusBeta1 * gi
            v[i] = beta2 * v[i] + oneMinusBeta2 * gi * gi
            let denominator = squareRoot(ofNonNegative: v[i]) * inverseRootCorrection2 + epsilon
            theta[i] -= (gradientWeight * gi + averageWeight * m[i]) / denominator
        }
    }

    override func saveScalars(into scalars: inout [String: Double]) {
        for (index, hasState) in parametersWithState.enumerated() where hasState {
            scalars["\(index).mu_product"] = momentumProducts[index]
        }
    }

    override func scalarKeys(parametersWithState: [Bool]) -> [String] {
        parametersWithState.indices.filter { parametersWithState[$0] }.map { "\($0).mu_product" }
    }

    override func loadScalars(from scalars: [String: Double], parametersWithState: [Bool]) throws(OptimizerStateError) {
        var restored = [Double](repeating: 1, count: parametersWithState.count)
        for index in parametersWithState.indices where parametersWithState[index] {
            let key = "\(index).mu_product"
            let value = scalars[key]!
            guard value > 0, value < 1 else { throw .invalidScalar(key: key, value: value) }
            restored[index] = value
        }
        momentumProducts = restored
    }
}
