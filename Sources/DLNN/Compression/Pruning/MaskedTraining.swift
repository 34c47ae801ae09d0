/// Keeps pruned weights at exactly zero while a model trains: the pruned elements' gradients are
/// zeroed after every backward pass, and their values after every optimizer step.
///
/// Zeroing the gradient alone is not enough: momentum SGD's velocity and Adam's first moment,
/// built up before pruning, go on moving a weight whose gradient is zero, and weight decay is
/// folded into the gradient after the hook by some optimizers. Zeroing the value after the step
/// undoes any such motion, so a pruned weight is 0 at every forward pass of fine-tuning
/// (Han et al., 2015, retrain the remaining connections with the pruned ones fixed at zero).
public final class MaskedTraining: TrainingCallback {
    /// The masks in force.
    public let masks: PruningMasks

    /// Enforces `masks` during every `fit` of the trainer it is passed to.
    public init(_ masks: PruningMasks) {
        self.masks = masks
    }

    public func beginFit(_ context: TrainingContext) {
        masks.applyToValues()
    }

    public func afterBackward(_ context: TrainingContext) {
        masks.applyToGradients()
    }

    public func afterOptimizerStep(_ context: TrainingContext) {
        masks.applyToValues()
    }
}
