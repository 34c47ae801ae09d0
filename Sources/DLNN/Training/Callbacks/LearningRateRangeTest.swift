import Foundation

/// The learning-rate range test (Smith 2017, "Cyclical Learning Rates for Training Neural
/// Networks"): train with a rate growing exponentially from `minimum` to `maximum`, record the
/// loss, stop once it blows up, then put the model and optimizer back as they were.
///
/// Step i = 0, 1, …, `steps` − 1 uses ηᵢ = η_min·(η_max/η_min)^(i/(steps − 1)). The recorded
/// losses are smoothed with bias correction (β = `smoothing`, default 0.98):
///
///     aᵢ = β·aᵢ₋₁ + (1 − β)·Lᵢ,  a₋₁ = 0,     sᵢ = aᵢ / (1 − β^(i+1))
///
/// The test stops after `steps` steps, or as soon as sᵢ > k·minⱼ sⱼ (k = `divergenceFactor`,
/// default 4) or a loss is not finite. `suggestedRate` is the rate of steepest descent of the
/// smoothed loss: ηᵢ at the most negative sᵢ₊₁ − sᵢ before the minimum of s (a per-step
/// difference is a slope in log η, since log ηᵢ grows linearly in i).
///
///     let test = LearningRateRangeTest(minimum: 1e-5, maximum: 1)
///     try test.run(model: model, loss: MeanSquaredError(), optimizer: optimizer, data: data, batchSize: 32)
///     let rate = test.suggestedRate
///
/// As a callback on a trainer of one's own, it overrides the schedule's rate before each update
/// and restores the model's parameters and buffers and the optimizer's state at `endFit`; the
/// trainer's history keeps the test's steps.
public final class LearningRateRangeTest: TrainingCallback {
    public let minimum: Float
    public let maximum: Float
    /// The number of steps from `minimum` to `maximum`.
    public let steps: Int
    /// β of the loss smoothing.
    public let smoothing: Double
    /// k: the test stops when the smoothed loss exceeds k times its minimum.
    public let divergenceFactor: Double

    /// The rate of each step taken.
    public private(set) var rates: [Float] = []
    /// The loss of each step taken.
    public private(set) var losses: [Double] = []
    /// The smoothed loss of each step taken.
    public private(set) var smoothedLosses: [Double] = []

    private var average = 0.0
    private var savedWeights: WeightSnapshot?
    private var savedOptimizer: OptimizerState?

    public init(minimum: Float = 1e-7, maximum: Float = 10, steps: Int = 100, smoothing: Double = 0.98, divergenceFactor: Double = 4) {
        require(minimum > 0 && maximum > minimum && steps >= 2, "LearningRateRangeTest: needs 0 < minimum < maximum and at least 2 steps")
        require(smoothing >= 0 && smoothing < 1 && divergenceFactor > 1, "LearningRateRangeTest: smoothing must lie in [0, 1) and divergenceFactor exceed 1")
        self.minimum = minimum
        self.maximum = maximum
        self.steps = steps
        self.smoothing = smoothing
        self.divergenceFactor = divergenceFactor
    }

    /// ηᵢ, the rate of step `index` (0-based).
    public func rate(atStep index: Int) -> Float {
        Float(Double(minimum) * pow(Double(maximum) / Double(minimum), Double(index) / Double(steps - 1)))
    }

    /// The rate of steepest descent of the smoothed loss; nil when the loss never fell.
    public var suggestedRate: Float? {
        guard let lowest = smoothedLosses.indices.min(by: { smoothedLosses[$0] < smoothedLosses[$1] }), lowest > 0 else { return nil }
        let s = smoothedLosses
        let descent: (Int) -> Double = { s[$0 + 1] - s[$0] }
        let steepest = (0..<lowest).min { descent($0) < descent($1) }!
        return rates[steepest]
    }

    /// Runs the test on a throwaway trainer over `data` (batches of `batchSize`, order from
    /// `seed`), without non-finite checks, and restores `model` and `optimizer` afterwards.
    public func run(
        model: any Layer, loss: any TrainingLoss, optimizer: any Optimizer, data: some Dataset, batchSize: Int, seed: UInt64 = 0
    ) throws {
        let trainer = Trainer(
            model: model, loss: loss, optimizer: optimizer,
            configuration: TrainingConfiguration(epochs: steps, batchSize: batchSize, seed: seed, stopsOnNonFiniteValues: false),
            callbacks: [self])
        try trainer.fit(training: data, validation: nil)
    }

    public func beginFit(_ context: TrainingContext) {
        savedWeights = WeightSnapshot(of: context.trainer.model)
        savedOptimizer = context.trainer.optimizer.state()
        (rates, losses, smoothedLosses, average) = ([], [], [], 0)
    }

    public func beforeOptimizerStep(_ context: TrainingContext) {
        context.trainer.optimizer.learningRate = rate(atStep: rates.count)
    }

    public func endOfStep(_ context: TrainingContext, result: StepResult) {
        let loss = Double(result.record.loss)
        average = smoothing * average + (1 - smoothing) * loss
        let smoothed = average / (1 - pow(smoothing, Double(losses.count + 1)))
        let lowest = smoothedLosses.min() ?? smoothed
        rates.append(result.record.learningRate)
        losses.append(loss)
        smoothedLosses.append(smoothed)
        if rates.count >= steps || !loss.isFinite || smoothed > divergenceFactor * min(lowest, smoothed) {
            context.trainer.requestStop()
        }
    }

    public func endFit(_ context: TrainingContext, history: TrainingHistory) throws {
        savedWeights?.restore(into: context.trainer.model)
        if let savedOptimizer { try context.trainer.optimizer.load(savedOptimizer) }
        (savedWeights, savedOptimizer) = (nil, nil)
    }
}
