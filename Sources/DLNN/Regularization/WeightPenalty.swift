/// A penalty on parameter values added to the loss, applied by adding its gradient.
///
/// The training loop calls `apply(to:)` after backward and before `step()`, adds the returned
/// value to the loss it reports, and passes the parameters to penalize, usually the weights and
/// not the biases or normalization parameters. Frozen parameters are skipped.
///
/// For plain SGD, `L2Penalty(strength: λ)` is the same as the optimizer's weight decay λ; for
/// adaptive optimizers it is coupled decay (see `AdamW` for the decoupled kind).
public protocol WeightPenalty {
    /// Adds ∂penalty/∂θ into each trainable parameter's gradient and returns the penalty.
    @discardableResult
    func apply(to parameters: [Parameter]) -> Float
}

/// The elastic net (Zou and Hastie 2005): λ₁·Σ|θ| + ½λ₂·Σθ², with gradient λ₁·sign(θ) + λ₂·θ.
///
/// The L1 term drives weights to exactly zero (sparsity), the L2 term keeps correlated weights
/// together. sign(0) = 0, the subgradient that leaves zero weights alone. The penalty is summed in `Double`.
public struct ElasticNet: WeightPenalty, Sendable {
    /// λ₁ ≥ 0.
    public var l1Strength: Float
    /// λ₂ ≥ 0.
    public var l2Strength: Float

    /// Creates the penalty λ₁·Σ|θ| + ½λ₂·Σθ².
    public init(l1Strength: Float, l2Strength: Float) {
        require(l1Strength >= 0 && l2Strength >= 0, "ElasticNet: strengths \(l1Strength) and \(l2Strength) must be non-negative")
        self.l1Strength = l1Strength
        self.l2Strength = l2Strength
    }

    @discardableResult
    public func apply(to parameters: [Parameter]) -> Float {
        let l1 = l1Strength, l2 = l2Strength
        var penalty = 0.0
        for parameter in parameters where parameter.isTrainable {
            require(
                parameter.gradient.count == parameter.count,
                "ElasticNet: parameter \(parameter.name) has shape \(describe(parameter.value.shape)) but its gradient has shape \(describe(parameter.gradient.shape))"
            )
            var absoluteSum = 0.0, squareSum = 0.0
            parameter.value.withUnsafeBufferPointer { theta in
                parameter.withUnsafeMutableGradient { gradient in
                    for i in theta.indices {
                        let w = theta[i]
                        absoluteSum += Double(abs(w))
                        squareSum += Double(w) * Double(w)
                        gradient[i] += l1 * (w > 0 ? 1 : w < 0 ? -1 : 0) + l2 * w
                    }
                }
            }
            penalty += Double(l1) * absoluteSum + 0.5 * Double(l2) * squareSum
        }
        return Float(penalty)
    }
}

/// The L1 penalty (lasso): λ·Σ|θ|, with gradient λ·sign(θ) (sign(0) = 0).
public struct L1Penalty: WeightPenalty, Sendable {
    /// λ ≥ 0.
    public var strength: Float

    /// Creates the penalty λ·Σ|θ|.
    public init(strength: Float) {
        self.strength = strength
    }

    @discardableResult
    public func apply(to parameters: [Parameter]) -> Float {
        ElasticNet(l1Strength: strength, l2Strength: 0).apply(to: parameters)
    }
}

/// The L2 penalty (ridge): ½λ·Σθ², with gradient λ·θ.
///
/// The ½ makes the gradient λ·θ, so λ means the same as an optimizer's weight decay.
public struct L2Penalty: WeightPenalty, Sendable {
    /// λ ≥ 0.
    public var strength: Float

    /// Creates the penalty ½λ·Σθ².
    public init(strength: Float) {
        self.strength = strength
    }

    @discardableResult
    public func apply(to parameters: [Parameter]) -> Float {
        ElasticNet(l1Strength: 0, l2Strength: strength).apply(to: parameters)
    }
}
