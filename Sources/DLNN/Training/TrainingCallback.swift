/// Code run by a `Trainer` at fixed points of `fit`; every method has an empty default, so a
/// callback implements only the hooks it needs. An error thrown by a hook ends `fit` with that error.
///
/// The order, for each `fit`:
///
///     beginFit
///     per epoch:   beginEpoch
///                  per step:  afterBackward        gradients (and the penalty's) ready, before clipping
///                             beforeOptimizerStep  after clipping, just before `optimizer.step()`
///                             afterOptimizerStep   after the update and the max-norm constraint
///                             endOfStep            with the step's loss and learning rate
///                  endOfEpochSteps                 the epoch's training metrics, before validation
///                  onEvaluation                    the validation result (only with a validation set)
///                  endOfEpoch                      the full epoch record, after history and `best` are updated
///     endFit
///
/// Callbacks run in the order of `Trainer.callbacks`, after the trainer's own: the
/// reduce-on-plateau callback of a plateau `schedule`, then `CheckpointCallback` and
/// `EarlyStoppingCallback` from the configuration. A callback ends training with
/// `context.trainer.requestStop()`: after the current step, with the epoch's hooks still called.
///
///     final class PrintEpochs: TrainingCallback {
///         func endOfEpoch(_ context: TrainingContext, record: TrainingHistory.Epoch) {
///             print("epoch \(record.epoch): loss \(record.trainingLoss)")
///         }
///     }
///     let trainer = Trainer(model: model, loss: SoftmaxCrossEntropy(), optimizer: optimizer, callbacks: [PrintEpochs()])
public protocol TrainingCallback: AnyObject {
    func beginFit(_ context: TrainingContext) throws
    /// `sampleCount` training samples will be seen in this epoch.
    func beginEpoch(_ context: TrainingContext, sampleCount: Int) throws
    func afterBackward(_ context: TrainingContext) throws
    func beforeOptimizerStep(_ context: TrainingContext) throws
    func afterOptimizerStep(_ context: TrainingContext) throws
    func endOfStep(_ context: TrainingContext, result: StepResult) throws
    /// `record` has the training metrics; its validation fields are still nil.
    func endOfEpochSteps(_ context: TrainingContext, record: TrainingHistory.Epoch) throws
    func onEvaluation(_ context: TrainingContext, evaluation: Evaluation) throws
    func endOfEpoch(_ context: TrainingContext, record: TrainingHistory.Epoch) throws
    func endFit(_ context: TrainingContext, history: TrainingHistory) throws
}

extension TrainingCallback {
    public func beginFit(_ context: TrainingContext) {}
    public func beginEpoch(_ context: TrainingContext, sampleCount: Int) {}
    public func afterBackward(_ context: TrainingContext) {}
    public func beforeOptimizerStep(_ context: TrainingContext) {}
    public func afterOptimizerStep(_ context: TrainingContext) {}
    public func endOfStep(_ context: TrainingContext, result: StepResult) {}
    public func endOfEpochSteps(_ context: TrainingContext, record: TrainingHistory.Epoch) {}
    public func onEvaluation(_ context: TrainingContext, evaluation: Evaluation) {}
    public func endOfEpoch(_ context: TrainingContext, record: TrainingHistory.Epoch) {}
    public func endFit(_ context: TrainingContext, history: TrainingHistory) {}
}

/// Where a hook is called from: the trainer (its model, optimizer, history, configuration) and the
/// position in the run.
public struct TrainingContext {
    /// The trainer running `fit`.
    public let trainer: Trainer
    /// The 1-based epoch under way (the last finished one in `beginFit` and `endFit`).
    public let epoch: Int
    /// The optimizer's step count: the step under way during a step's hooks (1-based), else the last done.
    public let step: Int
}

/// What one training step measured.
public struct StepResult {
    /// The step's history record (loss with penalty, learning rate).
    public var record: TrainingHistory.Step
    /// Samples in the step's batch.
    public var sampleCount: Int
    /// Correctly classified samples of the batch; nil for value targets.
    public var correctCount: Int?
}
