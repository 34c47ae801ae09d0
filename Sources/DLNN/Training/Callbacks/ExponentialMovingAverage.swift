/// An exponential moving average of the parameters (Polyak averaging), kept beside the model and
/// swapped in for evaluation: averaged weights usually generalize better than the last ones.
///
/// The average starts as the parameters θ₀ at the beginning of `fit`; after every optimizer step
/// t = 1, 2, … (after the max-norm constraint):
///
///     θ̄ₜ = βₜ·θ̄ₜ₋₁ + (1 − βₜ)·θₜ,     βₜ = β                          (warmUp false)
///                                      βₜ = min(β, (1 + t)/(10 + t))    (warmUp true, as TensorFlow's num_updates)
///
/// β = `decay`, default 0.999. The warm-up lets the average forget the initialization quickly at
/// first. Buffers (BatchNorm running statistics) are not averaged: `withAveragedWeights` runs with
/// the averaged parameters and the model's current buffers.
///
///     let average = ExponentialMovingAverage(decay: 0.99)
///     trainer.callbacks.append(average)
///     try trainer.fit(training: training, validation: nil, normalization: normalization)
///     let test = average.withAveragedWeights { trainer.evaluate(mnist.test, normalization: normalization) }
public final class ExponentialMovingAverage: TrainingCallback {
    /// β, the weight of the previous average.
    public let decay: Float
    /// Whether βₜ = min(β, (1 + t)/(10 + t)) instead of β.
    public let warmUp: Bool
    /// The updates t done so far.
    public private(set) var updateCount = 0
    private var parameters: [Parameter] = []
    private var average: [Tensor] = []

    public init(decay: Float = 0.999, warmUp: Bool = false) {
        require(decay >= 0 && decay < 1, "ExponentialMovingAverage: decay \(decay) must lie in [0, 1)")
        self.decay = decay
        self.warmUp = warmUp
    }

    /// The averaged values θ̄, in the order of `model.allParameters`.
    public var averagedValues: [Tensor] { average }

    /// Starts the average at the current parameters (unless it is already under way for this model).
    public func beginFit(_ context: TrainingContext) {
        let model = context.trainer.model.allParameters
        guard model.count != parameters.count || !zip(model, parameters).allSatisfy({ $0 === $1 }) else { return }
        parameters = model
        average = parameters.map(\.value)
        updateCount = 0
    }

    public func afterOptimizerStep(_ context: TrainingContext) {
        updateCount += 1
        let t = Float(updateCount)
        let beta = warmUp ? min(decay, (1 + t) / (10 + t)) : decay
        for i in average.indices {
            parameters[i].value.withUnsafeBufferPointer { theta in
                average[i].withUnsafeMutableBufferPointer { mean in
                    for j in mean.indices { mean[j] = beta * mean[j] + (1 - beta) * theta[j] }
                }
            }
        }
    }

    /// Runs `body` with the averaged parameters in the model, then puts the trained ones back.
    public func withAveragedWeights<Result>(_ body: () throws -> Result) rethrows -> Result {
        let trained = parameters.map(\.value)
        for (parameter, value) in zip(parameters, average) { parameter.value = value }
        defer { for (parameter, value) in zip(parameters, trained) { parameter.value = value } }
        return try body()
    }
}
