/// A copy of a model's parameters and buffers (running statistics) that can be put back: the
/// one place where callbacks read and write whole models' values.
struct WeightSnapshot {
    private let values: [Tensor]

    /// Copies the current values of `model`'s parameters and buffers.
    init(of model: any Layer) {
        values = Self.entries(of: model).map(\.value)
    }

    /// Writes the copied values back into `model` (the same model, or one of the same architecture).
    func restore(into model: any Layer) {
        for (parameter, value) in zip(Self.entries(of: model), values) { parameter.value = value }
    }

    private static func entries(of model: any Layer) -> [Parameter] {
        (model.namedParameters() + model.namedBuffers()).map(\.parameter)
    }
}
