/// Parameters that share a learning-rate scale and a weight decay.
///
/// The rate applied to a group is `optimizer.learningRate × learningRateScale`, so a schedule
/// that sets the base rate moves every group together while keeping their ratios. Typical uses:
/// no decay on biases and normalization parameters, and smaller rates for lower layers when
/// fine-tuning:
///
/// ```swift
/// let optimizer = AdamW([
///     ParameterGroup(parameters: weights, weightDecay: 0.01),
///     ParameterGroup(parameters: biasesAndNorms),
///     ParameterGroup(parameters: backbone, learningRateScale: 0.1, weightDecay: 0.01),
/// ], learningRate: 3e-4)
/// ```
///
/// `weightDecay` λ is coupled L2 decay, g ← g + λ·θ, for every optimizer except `AdamW`,
/// which applies it decoupled, θ ← θ − η·λ·θ.
public struct ParameterGroup {
    /// The parameters of the group; frozen ones (`isTrainable == false`) are skipped by `step()`.
    public let parameters: [Parameter]
    /// The factor applied to the optimizer's base learning rate for this group.
    public var learningRateScale: Float
    /// The weight-decay coefficient λ of this group.
    public var weightDecay: Float

    /// Creates a group; both hyper-parameters must be non-negative.
    public init(parameters: [Parameter], learningRateScale: Float = 1, weightDecay: Float = 0) {
        require(learningRateScale >= 0, "ParameterGroup: learningRateScale \(learningRateScale) must be non-negative")
        require(weightDecay >= 0, "ParameterGroup: weightDecay \(weightDecay) must be non-negative")
        self.parameters = parameters
        self.learningRateScale = learningRateScale
        self.weightDecay = weightDecay
    }
}
