/// Inverse-time decay: η(t) = η₀ / (1 + β·t).
///
/// The rate halves at t = 1/β, and Σ η(t) diverges while Σ η(t)² converges (the Robbins–Monro conditions).
public struct InverseTimeDecay: LearningRateSchedule, Sendable {
    /// η₀.
    public var initialRate: Float
    /// β ≥ 0, the decay rate per step.
    public var decayRate: Double

    /// Creates the schedule η₀ / (1 + βt).
    public init(initialRate: Float, decayRate: Double) {
        require(decayRate >= 0, "InverseTimeDecay: decayRate \(decayRate) must be non-negative")
        self.initialRate = initialRate
        self.decayRate = decayRate
    }

    public func learningRate(at step: Int) -> Float {
        requireStep(step, in: "InverseTimeDecay")
        return Float(Double(initialRate) / (1 + decayRate * Double(step)))
    }
}

/// Inverse square-root decay: η(t) = η₀·√(τ / max(t, τ)), constant for t < τ, then ∝ 1/√t.
///
/// Behind a `Warmup` this is the Transformer family of schedules (linear rise, then ∝ 1/√t);
/// τ = 1 gives η₀ / √max(t, 1).
public struct InverseSquareRootDecay: LearningRateSchedule, Sendable {
    /// η₀.
    public var initialRate: Float
    /// τ > 0, the step from which the rate decays.
    public var timescale: Int

    /// Creates the schedule η₀·√(τ / max(t, τ)).
    public init(initialRate: Float, timescale: Int = 1) {
        require(timescale > 0, "InverseSquareRootDecay: timescale \(timescale) must be positive")
        self.initialRate = initialRate
        self.timescale = timescale
    }

    public func learningRate(at step: Int) -> Float {
        requireStep(step, in: "InverseSquareRootDecay")
        return Float(Double(initialRate) * (Double(timescale) / Double(max(step, timescale))).squareRoot())
    }
}
