/// Flattens every axis but the batch axis: [N, d₁, d₂, …] → [N, d₁·d₂·…], like PyTorch's `nn.Flatten()`.
///
/// Row-major storage already holds each sample contiguously, so both directions only relabel
/// the shape; nothing is copied. Backward reshapes ∂L/∂y back to the input's shape.
public final class Flatten: Layer {
    public var isTraining = true

    /// The shapes of the last forward pass, recomputed only when the input shape changes (a
    /// training step then builds no shape arrays).
    private var inputShape: TensorShape = []
    private var flatShape: TensorShape = []

    /// Creates a flattening layer.
    public init() {}

    public var summaryName: String { "Flatten" }

    public func outputShape(for inputShape: TensorShape) throws(ShapeError) -> TensorShape {
        try checkInput(inputShape.count >= 2, "input \(describe(inputShape)): expected [N, …] with at least two axes")
        return [inputShape[0], inputShape.dropFirst().reduce(1, *)]
    }

    /// y [N, d₁·d₂·…] from x [N, d₁, d₂, …], sharing x's storage.
    public func forward(_ input: Tensor) -> Tensor {
        if input.shape != inputShape || flatShape.isEmpty {
            flatShape = requireOutputShape(for: input.shape)
            inputShape = input.shape
        }
        return input.reshaped(flatShape)
    }

    /// ∂L/∂x: ∂L/∂y [N, d₁·d₂·…] reshaped to [N, d₁, d₂, …].
    public func backward(_ outputGradient: Tensor) -> Tensor {
        require(
            outputGradient.count == Tensor.elementCount(of: inputShape),
            "\(summaryName).backward: output gradient \(describe(outputGradient.shape)) does not fit input \(describe(inputShape))")
        return outputGradient.reshaped(inputShape)
    }
}
