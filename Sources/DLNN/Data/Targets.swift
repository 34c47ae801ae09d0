/// What a model is trained to output for a batch (or a whole data set) of samples.
public enum Targets: Sendable {
    /// One class index per sample: classification, scored by accuracy.
    case labels([Int])
    /// A tensor [N, …] with one target per sample: regression values, or probability vectors for
    /// soft-target (distillation) training. There is no accuracy.
    case values(Tensor)

    /// The number of samples.
    public var count: Int {
        switch self {
        case .labels(let labels): labels.count
        case .values(let values): values.rank == 0 ? 0 : values.shape[0]
        }
    }
}

/// The shape of a data set's targets, for checking a model's output before training.
public enum TargetKind: Equatable, Sendable {
    /// Class indices in `0..<classCount`; the model outputs [N, C] with C ≥ `classCount`.
    case labels(classCount: Int)
    /// Values of `shape` per sample; the model outputs [N] + `shape`.
    case values(shape: TensorShape)

    /// Whether the targets are class labels.
    public var holdsLabels: Bool {
        if case .labels = self { true } else { false }
    }
}
