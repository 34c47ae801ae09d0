/// The one-cycle policy (Smith and Topin 2019), in PyTorch's `OneCycleLR` form: up from
/// η_max / d₀ to η_max, then down to η_max / (d₀·d₁), over T steps.
///
/// With the peak at step a = f·T − 1 (f = `warmupFraction`, a need not be whole) and the end at T − 1:
///
///     t ≤ a:  η = anneal(η_max/d₀ → η_max, t / a)
///     t > a:  η = anneal(η_max → η_max/(d₀·d₁), (t − a) / (T − 1 − a))
///
/// where anneal(s → e, p) = e + ½(s − e)(1 + cos πp) (cosine, the default) or s + (e − s)·p
/// (linear, Smith's original). Defaults: f = 0.3, d₀ = 25, d₁ = 10⁴. Steps past T − 1 keep
/// the final rate. (PyTorch also cycles momentum inversely; that is the optimizer's business.)
public struct OneCycle: LearningRateSchedule, Sendable {
    /// How each phase moves between its end points.
    public enum Annealing: Sendable {
        /// e + ½(s − e)(1 + cos πp).
        case cosine
        /// s + (e − s)·p.
        case linear
    }

    /// η_max, the peak rate.
    public var maximumRate: Float
    /// T, the total number of steps.
    public var totalSteps: Int
    /// f, the fraction of T spent increasing the rate.
    public var warmupFraction: Double
    /// d₀: the rate starts at η_max / d₀.
    public var initialDivisor: Double
    /// d₁: the rate ends at η_max / (d₀·d₁).
    public var finalDivisor: Double
    /// The shape of both phases.
    public var annealing: Annealing

    /// Creates the schedule.
    public init(
        maximumRate: Float, totalSteps: Int, warmupFraction: Double = 0.3, initialDivisor: Double = 25,
        finalDivisor: Double = 1e4, annealing: Annealing = .cosine
    ) {
        let peak = warmupFraction * Double(totalSteps) - 1
        require(
            totalSteps >= 2 && peak > 0 && peak < Double(totalSteps - 1),
            "OneCycle: warmupFraction \(warmupFraction) of totalSteps \(totalSteps) leaves an empty phase"
        )
        require(initialDivisor > 0 && finalDivisor > 0, "OneCycle: divisors must be positive")
        self.maximumRate = maximumRate
        self.totalSteps = totalSteps
        self.warmupFraction = warmupFraction
        self.initialDivisor = initialDivisor
        self.finalDivisor = finalDivisor
        self.annealing = annealing
    }

    public func learningRate(at step: Int) -> Float {
        requireStep(step, in: "OneCycle")
        let peak = Double(maximumRate)
        let initial = peak / initialDivisor, final = initial / finalDivisor
        let peakStep = warmupFraction * Double(totalSteps) - 1, lastStep = Double(totalSteps - 1)
        let t = min(Double(step), lastStep)
        if t <= peakStep {
            return Float(anneal(from: initial, to: peak, progress: t / peakStep))
        }
        return Float(anneal(from: peak, to: final, progress: (t - peakStep) / (lastStep - peakStep)))
    }

    private func anneal(from start: Double, to end: Double, progress: Double) -> Double {
        switch annealing {
        case .cosine: cosineAnnealing(from: start, to: end, progress: progress)
        case .linear: start + (end - start) * progress
        }
    }
}
