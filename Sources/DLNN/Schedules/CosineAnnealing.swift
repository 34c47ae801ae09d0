import Foundation

/// Cosine annealing: η(t) = η_min + ½(η₀ − η_min)(1 + cos(π·min(t, T)/T)), from η₀ to η_min over T steps.
///
/// With η_min = 0 this is ½η₀(1 + cos(πt/T)) (Loshchilov and Hutter 2017, without restarts);
/// the rate stays at η_min after T.
public struct CosineAnnealing: LearningRateSchedule, Sendable {
    /// η₀.
    public var initialRate: Float
    /// η_min.
    public var minimumRate: Float
    /// T > 0, the length of the half cosine in steps.
    public var totalSteps: Int

    /// Creates the schedule; it ends at `minimumRate` (default 0) after `totalSteps`.
    public init(initialRate: Float, minimumRate: Float = 0, totalSteps: Int) {
        require(totalSteps > 0, "CosineAnnealing: totalSteps \(totalSteps) must be positive")
        self.initialRate = initialRate
        self.minimumRate = minimumRate
        self.totalSteps = totalSteps
    }

    public func learningRate(at step: Int) -> Float {
        requireStep(step, in: "CosineAnnealing")
        return Float(cosineAnnealing(from: Double(initialRate), to: Double(minimumRate), progress: Double(min(step, totalSteps)) / Double(totalSteps)))
    }
}

/// Cosine annealing with warm restarts (SGDR, Loshchilov and Hutter 2017).
///
/// The steps are cut into periods T₀, T₀·m, T₀·m², … (m = `periodMultiplier`); within a period
/// of length Tᵢ, at step t_cur from its start,
///
///     η = η_min + ½(η₀ − η_min)(1 + cos(π·t_cur/Tᵢ))
///
/// so the rate restarts at η₀ at the start of every period. Example: T₀ = 10, m = 2 restarts at
/// steps 10, 30, 70, 150.
public struct CosineAnnealingWarmRestarts: LearningRateSchedule, Sendable {
    /// η₀, the rate at each restart.
    public var initialRate: Float
    /// η_min.
    public var minimumRate: Float
    /// T₀ > 0, the length of the first period in steps.
    public var firstPeriod: Int
    /// m ≥ 1, the factor by which each period is longer than the previous.
    public var periodMultiplier: Int

    /// Creates the schedule.
    public init(initialRate: Float, minimumRate: Float = 0, firstPeriod: Int, periodMultiplier: Int = 1) {
        require(firstPeriod > 0 && periodMultiplier >= 1, "CosineAnnealingWarmRestarts: firstPeriod \(firstPeriod) must be positive and periodMultiplier \(periodMultiplier) at least 1")
        self.initialRate = initialRate
        self.minimumRate = minimumRate
        self.firstPeriod = firstPeriod
        self.periodMultiplier = periodMultiplier
    }

    public func learningRate(at step: Int) -> Float {
        requireStep(step, in: "CosineAnnealingWarmRestarts")
        var stepInPeriod = step, period = firstPeriod
        if periodMultiplier == 1 {
            stepInPeriod %= period
        } else {
            // At most log_m(step) periods precede the current one.
            while stepInPeriod >= period {
                stepInPeriod -= period
                period *= periodMultiplier
            }
        }
        return Float(cosineAnnealing(from: Double(initialRate), to: Double(minimumRate), progress: Double(stepInPeriod) / Double(period)))
    }
}

/// end + ½(start − end)(1 + cos(π·progress)), for progress in [0, 1].
func cosineAnnealing(from start: Double, to end: Double, progress: Double) -> Double {
    end + 0.5 * (start - end) * (1 + cos(Double.pi * progress))
}
