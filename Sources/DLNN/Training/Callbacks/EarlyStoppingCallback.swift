/// Early stopping by the rule `EarlyStopping`: after `patience` epochs without an improvement of
/// the validation metric it asks the trainer to stop, and at the end of `fit` it restores the
/// parameters and buffers of the best epoch (when `restoresBestWeights`).
///
/// Its best epoch is recomputed from the trainer's history when `fit` begins, so a resumed run
/// stops where the uninterrupted one would; the weights of a best epoch before the resume are not
/// kept (only a new best is restored). The trainer installs one when `configuration.earlyStopping` is set.
public final class EarlyStoppingCallback: TrainingCallback {
    /// The metric, patience and whether the best weights come back.
    public let rule: EarlyStopping
    /// The best (value, epoch) of the watched metric so far.
    public private(set) var best: (value: Double, epoch: Int)?
    private var bestWeights: WeightSnapshot?

    public init(_ rule: EarlyStopping) {
        self.rule = rule
    }

    public func beginFit(_ context: TrainingContext) {
        best = context.trainer.history.epochs.reduce(nil) { rule.best(updating: $0, with: $1) }
    }

    public func endOfEpoch(_ context: TrainingContext, record: TrainingHistory.Epoch) {
        best = rule.best(updating: best, with: record)
        guard let best else { return }
        if best.epoch == record.epoch, rule.restoresBestWeights { bestWeights = WeightSnapshot(of: context.trainer.model) }
        if record.epoch - best.epoch >= rule.patience { context.trainer.requestStop() }
    }

    public func endFit(_ context: TrainingContext, history: TrainingHistory) {
        bestWeights?.restore(into: context.trainer.model)
    }
}
