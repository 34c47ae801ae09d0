/// Reduces the rate when a validation metric stops improving (PyTorch's `ReduceLROnPlateau`).
///
/// Call `record(metric:)` once per evaluation (usually per epoch) and use the rate it returns.
/// With `best` the best metric so far:
///
/// - the metric *improves* when, in mode `.minimize`, it is below best·(1 − threshold)
///   (relative threshold) or best − threshold (absolute); in mode `.maximize`, above
///   best·(1 + threshold) or best + threshold;
/// - each evaluation without improvement counts as bad, except during the `cooldown`
///   evaluations that follow a reduction;
/// - when more than `patience` bad evaluations occur in a row, η ← max(η·factor, η_min), the
///   count restarts and the cooldown begins. A reduction smaller than 1e-8 is skipped.
///
/// Defaults: mode `.minimize`, factor 0.1, patience 10, threshold 1e-4 relative, cooldown 0,
/// η_min = 0. `learningRate(at:)` returns the current rate whatever the step, so the plateau
/// rule can stand behind a `Warmup`.
public final class ReduceLearningRateOnPlateau: LearningRateSchedule {
    /// Whether lower or higher metrics are better.
    public enum Mode: String, Codable, Sendable {
        /// Lower is better (a loss).
        case minimize
        /// Higher is better (an accuracy).
        case maximize
    }

    /// How `threshold` compares a metric with the best one.
    public enum ThresholdMode: String, Codable, Sendable {
        /// Improvement by a fraction `threshold` of the best metric.
        case relative
        /// Improvement by `threshold` itself.
        case absolute
    }

    /// What changes as metrics are recorded; save it with a checkpoint to resume exactly.
    public struct State: Codable, Equatable, Sendable {
        /// The current rate η.
        public var learningRate: Float
        /// The best metric so far, or `nil` before the first.
        public var best: Double?
        /// Bad evaluations in a row.
        public var badEvaluations: Int
        /// Evaluations left in the cooldown.
        public var cooldownRemaining: Int

        /// Creates a state from its parts.
        public init(learningRate: Float, best: Double?, badEvaluations: Int, cooldownRemaining: Int) {
            self.learningRate = learningRate
            self.best = best
            self.badEvaluations = badEvaluations
            self.cooldownRemaining = cooldownRemaining
        }
    }

    /// Whether lower or higher metrics are better.
    public let mode: Mode
    /// The factor in (0, 1) applied at each reduction.
    public let factor: Float
    /// The number of bad evaluations tolerated before reducing.
    public let patience: Int
    /// The minimum improvement, relative or absolute according to `thresholdMode`.
    public let threshold: Double
    /// Whether `threshold` is relative to the best metric or absolute.
    public let thresholdMode: ThresholdMode
    /// The number of evaluations after a reduction during which bad ones are not counted.
    public let cooldown: Int
    /// η_min, the floor of the rate.
    public let minimumRate: Float
    /// Everything that changes as metrics are recorded.
    public var state: State

    /// The current rate.
    public var learningRate: Float { state.learningRate }

    /// Creates the rule starting at `initialRate`.
    public init(
        initialRate: Float, mode: Mode = .minimize, factor: Float = 0.1, patience: Int = 10,
        threshold: Double = 1e-4, thresholdMode: ThresholdMode = .relative, cooldown: Int = 0,
        minimumRate: Float = 0
    ) {
        require(factor > 0 && factor < 1, "ReduceLearningRateOnPlateau: factor \(factor) must lie in (0, 1)")
        require(patience >= 0 && cooldown >= 0 && threshold >= 0, "ReduceLearningRateOnPlateau: patience, cooldown and threshold must be non-negative")
        self.mode = mode
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.thresholdMode = thresholdMode
        self.cooldown = cooldown
        self.minimumRate = minimumRate
        state = State(learningRate: initialRate, best: nil, badEvaluations: 0, cooldownRemaining: 0)
    }

    /// Records a validation metric and returns the rate to use from now on.
    @discardableResult
    public func record(metric: Double) -> Float {
        if isImprovement(metric) {
            state.best = metric
            state.badEvaluations = 0
        } else {
            state.badEvaluations += 1
        }
        if state.cooldownRemaining > 0 {
            state.cooldownRemaining -= 1
            state.badEvaluations = 0
        }
        if state.badEvaluations > patience {
            let reduced = max(state.learningRate * factor, minimumRate)
            if state.learningRate - reduced > 1e-8 {
                state.learningRate = reduced
            }
            state.cooldownRemaining = cooldown
            state.badEvaluations = 0
        }
        return state.learningRate
    }

    public func learningRate(at step: Int) -> Float { state.learningRate }

    private func isImprovement(_ metric: Double) -> Bool {
        guard let best = state.best else { return !metric.isNaN }
        switch (mode, thresholdMode) {
        case (.minimize, .relative): return metric < best * (1 - threshold)
        case (.minimize, .absolute): return metric < best - threshold
        case (.maximize, .relative): return metric > best * (1 + threshold)
        case (.maximize, .absolute): return metric > best + threshold
        }
    }
}
