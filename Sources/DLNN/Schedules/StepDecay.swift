import Foundation

/// Step decay: η(e) = η₀·γ^⌊e / k⌋, the rate multiplied by γ every k epochs.
///
/// e = ⌊step / stepsPerEpoch⌋ is the epoch. Example: η₀ = 0.1, γ = 0.1, k = 30 gives 0.1 for
/// epochs 0–29, 0.01 for 30–59, 0.001 from 60.
public struct StepDecay: LearningRateSchedule, Sendable {
    /// η₀.
    public var initialRate: Float
    /// γ, the factor applied at each decay.
    public var factor: Float
    /// k, the number of epochs between decays.
    public var epochsPerDecay: Int
    /// The number of optimizer steps in an epoch.
    public var stepsPerEpoch: Int

    /// Creates the schedule; `factor` defaults to 0.1.
    public init(initialRate: Float, factor: Float = 0.1, everyEpochs epochsPerDecay: Int, stepsPerEpoch: Int = 1) {
        require(epochsPerDecay > 0 && stepsPerEpoch > 0, "StepDecay: everyEpochs \(epochsPerDecay) and stepsPerEpoch \(stepsPerEpoch) must be positive")
        self.initialRate = initialRate
        self.factor = factor
        self.epochsPerDecay = epochsPerDecay
        self.stepsPerEpoch = stepsPerEpoch
    }

    public func learningRate(at step: Int) -> Float {
        requireStep(step, in: "StepDecay")
        let decays = step / stepsPerEpoch / epochsPerDecay
        return Float(Double(initialRate) * pow(Double(factor), Double(decays)))
    }
}

/// Multi-step decay: η(e) = η₀·γ^(number of milestones ≤ e), the rate multiplied by γ at each milestone epoch.
///
/// e = ⌊step / stepsPerEpoch⌋ is the epoch. Example: η₀ = 0.1, γ = 0.1, milestones [30, 80] gives
/// 0.1 for epochs 0–29, 0.01 for 30–79, 0.001 from 80.
public struct MultiStepDecay: LearningRateSchedule, Sendable {
    /// η₀.
    public var initialRate: Float
    /// γ, the factor applied at each milestone.
    public var factor: Float
    /// The epochs at which the rate is multiplied by γ, increasing.
    public let milestones: [Int]
    /// The number of optimizer steps in an epoch.
    public var stepsPerEpoch: Int

    /// Creates the schedule; `milestones` must be increasing, `factor` defaults to 0.1.
    public init(initialRate: Float, factor: Float = 0.1, milestones: [Int], stepsPerEpoch: Int = 1) {
        require(
            zip(milestones, milestones.dropFirst()).allSatisfy { $0 < $1 } && (milestones.first ?? 0) >= 0,
            "MultiStepDecay: milestones \(milestones) must be non-negative and increasing"
        )
        require(stepsPerEpoch > 0, "MultiStepDecay: stepsPerEpoch \(stepsPerEpoch) must be positive")
        self.initialRate = initialRate
        self.factor = factor
        self.milestones = milestones
        self.stepsPerEpoch = stepsPerEpoch
    }

    public func learningRate(at step: Int) -> Float {
        requireStep(step, in: "MultiStepDecay")
        let epoch = step / stepsPerEpoch
        let decays = milestones.prefix { $0 <= epoch }.count
        return Float(Double(initialRate) * pow(Double(factor), Double(decays)))
    }
}
