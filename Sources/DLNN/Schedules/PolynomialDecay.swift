import Foundation

/// Polynomial decay: η(t) = (η₀ − η_T)·(1 − min(t, T)/T)ᵖ + η_T, from η₀ to η_T over T steps, then η_T.
///
/// p = 1 is a straight line (`LinearDecay` when η_T = 0); p = 2 decays faster early on; p = 0.5 later.
public struct PolynomialDecay: LearningRateSchedule, Sendable {
    /// η₀.
    public var initialRate: Float
    /// η_T, the rate from step T on.
    public var finalRate: Float
    /// T > 0, the length of the decay in steps.
    public var totalSteps: Int
    /// p > 0.
    public var power: Double

    /// Creates the schedule; it ends at `finalRate` (default 0) after `totalSteps`.
    public init(initialRate: Float, finalRate: Float = 0, totalSteps: Int, power: Double = 1) {
        require(totalSteps > 0 && power > 0, "PolynomialDecay: totalSteps \(totalSteps) and power \(power) must be positive")
        self.initialRate = initialRate
        self.finalRate = finalRate
        self.totalSteps = totalSteps
        self.power = power
    }

    public func learningRate(at step: Int) -> Float {
        requireStep(step, in: "PolynomialDecay")
        let remaining = 1 - Double(min(step, totalSteps)) / Double(totalSteps)
        return Float((Double(initialRate) - Double(finalRate)) * pow(remaining, power) + Double(finalRate))
    }
}

/// Linear decay to zero: η(t) = η₀·max(0, 1 − t/T).
public struct LinearDecay: LearningRateSchedule, Sendable {
    /// η₀.
    public var initialRate: Float
    /// T > 0, the step at which the rate reaches 0.
    public var totalSteps: Int

    /// Creates the schedule η₀·(1 − t/T), 0 from step T on.
    public init(initialRate: Float, totalSteps: Int) {
        require(totalSteps > 0, "LinearDecay: totalSteps \(totalSteps) must be positive")
        self.initialRate = initialRate
        self.totalSteps = totalSteps
    }

    public func learningRate(at step: Int) -> Float {
        requireStep(step, in: "LinearDecay")
        return Float(Double(initialRate) * max(0, 1 - Double(step) / Double(totalSteps)))
    }
}
