/// The names a non-strict `Layer.loadWeights(from:strict:)` could not match, as PyTorch's
/// `load_state_dict(…, strict=False)` returns them (`missing_keys`, `unexpected_keys`).
public struct WeightLoadResult: Equatable, Sendable {
    /// Paths of the model's parameters and buffers that the file lacks; they keep their values.
    public var missing: [String]
    /// Names of the file's tensors that the model lacks, sorted; they were not read. PyTorch's
    /// `num_batches_tracked` counters and a training checkpoint's `optimizer/…` tensors are not listed.
    public var unexpected: [String]

    /// A result with the given names; empty by default, as after a load where everything matched.
    public init(missing: [String] = [], unexpected: [String] = []) {
        self.missing = missing
        self.unexpected = unexpected
    }

    /// Whether every tensor matched.
    public var isEmpty: Bool { missing.isEmpty && unexpected.isEmpty }
}
