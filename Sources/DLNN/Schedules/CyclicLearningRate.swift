/// Cyclical learning rates, triangular policy (Smith 2017): the rate goes linearly from η_min up
/// to η_max in s steps and back down in s steps, and repeats.
///
///     cycle = ⌊1 + t / 2s⌋,  x = |t/s − 2·cycle + 1|,  η = η_min + (η_max − η_min)·max(0, 1 − x)
///
/// s is `halfCycle` (Smith's "step size"; he suggests 2 to 10 epochs of steps).
public struct CyclicLearningRate: LearningRateSchedule, Sendable {
    /// η_min, the rate at the start and end of each cycle.
    public var minimumRate: Float
    /// η_max, the rate in the middle of each cycle.
    public var maximumRate: Float
    /// s > 0, the number of steps from η_min to η_max.
    public var halfCycle: Int

    /// Creates the triangular schedule.
    public init(minimumRate: Float, maximumRate: Float, halfCycle: Int) {
        require(halfCycle > 0, "CyclicLearningRate: halfCycle \(halfCycle) must be positive")
        self.minimumRate = minimumRate
        self.maximumRate = maximumRate
        self.halfCycle = halfCycle
    }

    public func learningRate(at step: Int) -> Float {
        requireStep(step, in: "CyclicLearningRate")
        let s = Double(halfCycle)
        let cycle = (1 + Double(step) / (2 * s)).rounded(.down)
        let x = abs(Double(step) / s - 2 * cycle + 1)
        return Float(Double(minimumRate) + (Double(maximumRate) - Double(minimumRate)) * max(0, 1 - x))
    }
}
