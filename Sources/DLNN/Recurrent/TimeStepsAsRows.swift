/// Every time step of every sample as a row, for a per-step head: [T, N, F] → [T·N, F]
/// (row t·N + n is step t of sample n), as `out.view(-1, F)` in PyTorch. A `Dense` layer after it
/// gives per-step logits [T·N, V] in the time-major order of `SequenceCrossEntropy`'s labels.
///
/// Time-major storage already holds the rows in that order, so both directions only relabel the
/// shape; nothing is copied.
public final class TimeStepsAsRows: Layer {
    public var isTraining = true
    private var inputShape = TensorShape(0, 0, 0)
    private var rowShape = TensorShape(0, 0)

    /// Creates the layer.
    public init() {}

    public var summaryName: String { "TimeStepsAsRows" }

    public func outputShape(for inputShape: TensorShape) throws(ShapeError) -> TensorShape {
        try checkInput(inputShape.count == 3, "input \(describe(inputShape)): expected [T, N, F] (time-major)")
        return TensorShape(inputShape[0] * inputShape[1], inputShape[2])
    }

    /// y [T·N, F] from x [T, N, F], sharing x's storage.
    public func forward(_ input: Tensor) -> Tensor {
        if input.shape != inputShape {
            rowShape = requireOutputShape(for: input.shape)
            inputShape = input.shape
        }
        return input.reshaped(rowShape)
    }

    /// ∂L/∂x: ∂L/∂y [T·N, F] reshaped to [T, N, F].
    public func backward(_ outputGradient: Tensor) -> Tensor {
        require(outputGradient.count == inputShape.elementCount, "\(summaryName).backward: output gradient \(describe(outputGradient.shape)) does not fit input \(describe(inputShape))")
        return outputGradient.reshaped(inputShape)
    }
}
