/// A learning rate as a function of the step.
///
/// Every schedule here counts optimizer steps from 0: `learningRate(at: 0)` is the rate of the
/// first update, and a training loop sets
/// `optimizer.learningRate = schedule.learningRate(at: optimizer.stepCount)` before each
/// `step()`. Schedules defined in epochs take `stepsPerEpoch` and use the epoch ⌊step / stepsPerEpoch⌋;
/// with the default `stepsPerEpoch: 1` they can also be called once per epoch with the epoch index.
/// Rates are computed in `Double` and rounded to `Float` once.
public protocol LearningRateSchedule {
    /// The learning rate for step `step` ≥ 0.
    func learningRate(at step: Int) -> Float
}

/// η(t) = η, for every step.
public struct ConstantLearningRate: LearningRateSchedule, Sendable {
    /// η.
    public var rate: Float

    /// A schedule that always returns `rate`.
    public init(_ rate: Float) {
        self.rate = rate
    }

    public func learningRate(at step: Int) -> Float { rate }
}

/// Stops with a message naming `schedule` when `step` is negative.
func requireStep(_ step: Int, in schedule: String) {
    require(step >= 0, "\(schedule): step \(step) must be non-negative")
}
