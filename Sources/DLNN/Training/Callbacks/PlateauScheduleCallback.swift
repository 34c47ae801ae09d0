/// Feeds each validation result to a `ReduceLearningRateOnPlateau`: the loss in mode
/// `.minimize`, the accuracy in mode `.maximize`.
///
/// A `Trainer` whose `schedule` is the plateau rule installs this callback itself; add one to
/// `callbacks` only when the rule stands behind another schedule (a `Warmup`, say).
public final class PlateauScheduleCallback: TrainingCallback {
    /// The rule fed.
    public let schedule: ReduceLearningRateOnPlateau

    public init(_ schedule: ReduceLearningRateOnPlateau) {
        self.schedule = schedule
    }

    public func onEvaluation(_ context: TrainingContext, evaluation: Evaluation) {
        schedule.record(metric: schedule.mode == .minimize ? evaluation.loss : evaluation.accuracy)
    }
}
