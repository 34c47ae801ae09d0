/// A loss the `Trainer` and `evaluate(model:data:loss:batchSize:)` can use: a
/// `ClassificationLoss` takes `.labels`, a `RegressionLoss` (also `SoftTargetCrossEntropy`)
/// takes `.values`. Both conform through the extensions below; there is nothing to implement.
public protocol TrainingLoss: AnyObject {
    /// Whether the loss takes class labels (`true`) or target values (`false`).
    var takesLabels: Bool { get }
    /// The loss of `outputs` against `targets` and its gradient with respect to `outputs`.
    func loss(_ outputs: Tensor, targets: Targets) -> (value: Float, gradient: Tensor)
}

extension ClassificationLoss {
    public var takesLabels: Bool { true }

    public func loss(_ outputs: Tensor, targets: Targets) -> (value: Float, gradient: Tensor) {
        guard case .labels(let labels) = targets else { preconditionFailure("\(Self.self): takes class labels, not target values") }
        return loss(outputs, labels: labels)
    }
}

extension RegressionLoss {
    public var takesLabels: Bool { false }

    public func loss(_ outputs: Tensor, targets: Targets) -> (value: Float, gradient: Tensor) {
        guard case .values(let values) = targets else { preconditionFailure("\(Self.self): takes target values, not class labels") }
        return loss(outputs, targets: values)
    }
}
