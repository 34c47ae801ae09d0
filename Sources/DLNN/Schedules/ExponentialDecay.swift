import Foundation

/// Exponential decay: η(t) = η₀·βᵗ.
///
/// t is the step; β is the factor per step, so β = 0.1^(1/T) divides the rate by 10 over T steps.
public struct ExponentialDecay: LearningRateSchedule, Sendable {
    /// η₀.
    public var initialRate: Float
    /// β, the factor per step, in (0, 1].
    public var factor: Double

    /// Creates the schedule η₀·βᵗ.
    public init(initialRate: Float, factor: Double) {
        require(factor > 0 && factor <= 1, "ExponentialDecay: factor \(factor) must lie in (0, 1]")
        self.initialRate = initialRate
        self.factor = factor
    }

    public func learningRate(at step: Int) -> Float {
        requireStep(step, in: "ExponentialDecay")
        return Float(Double(initialRate) * pow(factor, Double(step)))
    }
}

/// Natural exponential decay: η(t) = η₀·e^(−β·t).
///
/// The same family as `ExponentialDecay` with factor e^(−β), parameterized by the decay rate β per step.
public struct NaturalExponentialDecay: LearningRateSchedule, Sendable {
    /// η₀.
    public var initialRate: Float
    /// β ≥ 0, the decay rate per step.
    public var decayRate: Double

    /// Creates the schedule η₀·e^(−βt).
    public init(initialRate: Float, decayRate: Double) {
        require(decayRate >= 0, "NaturalExponentialDecay: decayRate \(decayRate) must be non-negative")
        self.initialRate = initialRate
        self.decayRate = decayRate
    }

    public func learningRate(at step: Int) -> Float {
        requireStep(step, in: "NaturalExponentialDecay")
        return Float(Double(initialRate) * exp(-decayRate * Double(step)))
    }
}
