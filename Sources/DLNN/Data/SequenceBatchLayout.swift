/// How a batch of B samples is laid out: what the model receives and how many targets it must
/// answer. Images and feature vectors are batch-major; sequences are time-major, so that each time
/// step of a batch is a contiguous [B, F] view for the recurrent layers.
public enum BatchLayout: Equatable, Sendable {
    /// Inputs [B] + sample shape, one target per sample.
    case batchMajor
    /// Samples of shape [T] + features batched as [T, B] + features. With `targetsPerStep`, every
    /// step has a target: T·B of them in time-major order (target t·B + b for step t of sample b),
    /// answered by outputs [T·B, …]; otherwise one target per sample, answered by outputs [B, …].
    case timeMajor(targetsPerStep: Bool)

    /// The shape of the inputs of a batch of `batch` samples of shape `sampleShape`.
    public func inputShape(batch: Int, sampleShape: TensorShape) -> TensorShape {
        switch self {
        case .batchMajor:
            return TensorShape(batch) + sampleShape
        case .timeMajor:
            return TensorShape(sampleShape[0], batch) + sampleShape.removing(axis: 0)
        }
    }

    /// The number of targets (and rows of the model's output) of a batch of `batch` samples.
    public func targetCount(batch: Int, sampleShape: TensorShape) -> Int {
        if case .timeMajor(targetsPerStep: true) = self { sampleShape[0] * batch } else { batch }
    }
}
