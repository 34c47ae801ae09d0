/// Updates parameters in place from their gradients.
///
/// A training step is: zero the gradients, forward, backward (which accumulates into each
/// `Parameter.gradient`), optionally regularize and clip, then `step()`. A schedule sets
/// `learningRate` before each step from `stepCount`:
///
/// ```swift
/// optimizer.learningRate = schedule.learningRate(at: optimizer.stepCount)
/// optimizer.step()
/// ```
public protocol Optimizer: AnyObject {
    /// The base learning rate η; each parameter group multiplies it by its `learningRateScale`.
    var learningRate: Float { get set }
    /// The groups of parameters this optimizer updates, with their own rate scale and weight decay.
    var parameterGroups: [ParameterGroup] { get }
    /// The number of completed calls to `step()`.
    var stepCount: Int { get }
    /// Applies one update to every trainable parameter from its current gradient.
    func step()
    /// Everything needed to resume training exactly: step counts, scalars and per-parameter tensors.
    func state() -> OptimizerState
    /// Restores a state saved by an optimizer of the same kind over parameters of the same shapes,
    /// including `stepCount` and `learningRate`; hyper-parameters come from the initializer.
    ///
    /// Throws `OptimizerStateError` naming the first key that is missing, unexpected or of the
    /// wrong shape; the optimizer is unchanged when it throws.
    func load(_ state: OptimizerState) throws(OptimizerStateError)
}

extension Optimizer {
    /// Zeroes the gradients of every parameter in every group (frozen ones included).
    public func zeroGradients() {
        for group in parameterGroups {
            for parameter in group.parameters { parameter.zeroGradient() }
        }
    }
}
