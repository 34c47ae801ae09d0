/// Linear warm-up in front of another schedule: w steps rising linearly towards the schedule's
/// first rate, then the schedule, started from its own step 0.
///
///     t < w:  η(t) = η_s(0)·(t + 1)/(w + 1)
///     t ≥ w:  η(t) = η_s(t − w)
///
/// The ramp η_s(0)/(w+1), 2η_s(0)/(w+1), …, w·η_s(0)/(w+1) never uses a zero rate and reaches
/// η_s(0) at t = w, one step after its last value. Large-batch SGD and Adam on Transformers
/// need it because the first updates, from a random model and (for Adam) a second-moment
/// estimate built from one batch, are unreliable.
///
/// ```swift
/// let schedule = CosineAnnealing(initialRate: 0.1, totalSteps: 9_000).withWarmup(steps: 1_000)
/// ```
public struct Warmup<Schedule: LearningRateSchedule>: LearningRateSchedule {
    /// w, the number of warm-up steps.
    public var steps: Int
    /// The schedule that follows the warm-up.
    public var schedule: Schedule

    /// Puts `steps` steps of linear warm-up in front of `schedule`.
    public init(steps: Int, then schedule: Schedule) {
        require(steps >= 0, "Warmup: steps \(steps) must be non-negative")
        self.steps = steps
        self.schedule = schedule
    }

    public func learningRate(at step: Int) -> Float {
        requireStep(step, in: "Warmup")
        guard step < steps else { return schedule.learningRate(at: step - steps) }
        return Float(Double(schedule.learningRate(at: 0)) * Double(step + 1) / Double(steps + 1))
    }
}

extension Warmup: Sendable where Schedule: Sendable {}

extension LearningRateSchedule {
    /// This schedule with `steps` steps of linear warm-up in front (see `Warmup`).
    public func withWarmup(steps: Int) -> Warmup<Self> {
        Warmup(steps: steps, then: self)
    }
}
