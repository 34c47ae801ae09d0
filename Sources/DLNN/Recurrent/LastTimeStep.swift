/// The output of the last time step, for many-to-one models: [T, N, F] → [N, F], as `out[-1]`
/// after a PyTorch `nn.LSTM` (`batch_first=False`).
///
///     y = x[T − 1]                                   (a view: nothing is copied)
///     ∂L/∂x[t] = ∂L/∂y for t = T − 1, 0 otherwise
///
/// Put it between a recurrent (or attention) layer and a `Dense` head. For a bidirectional
/// network the reverse half of step T − 1 has seen only that step; use it with unidirectional
/// layers or attention.
public final class LastTimeStep: Layer {
    public var isTraining = true
    private var inputShape = TensorShape(0, 0, 0)
    private var inputGradient = Tensor.zeros(TensorShape(0))

    /// Creates the layer.
    public init() {}

    public var summaryName: String { "LastTimeStep" }

    public func outputShape(for inputShape: TensorShape) throws(ShapeError) -> TensorShape {
        try checkInput(inputShape.count == 3 && inputShape[0] >= 1, "input \(describe(inputShape)): expected [T, N, F] with T ≥ 1 (time-major)")
        return TensorShape(inputShape[1], inputShape[2])
    }

    /// y [N, F] = x[T − 1] of x [T, N, F], sharing x's storage.
    public func forward(_ input: Tensor) -> Tensor {
        _ = requireOutputShape(for: input.shape)
        inputShape = input.shape
        return input.entry(input.shape[0] - 1)
    }

    /// ∂L/∂x [T, N, F]: ∂L/∂y in the last step, zeros elsewhere.
    public func backward(_ outputGradient: Tensor) -> Tensor {
        let stepSize = inputShape[1] * inputShape[2]
        require(outputGradient.count == stepSize, "\(summaryName).backward: output gradient \(describe(outputGradient.shape)) does not fit input \(describe(inputShape))")
        inputGradient.resize(to: inputShape)
        inputGradient.fill(with: 0)
        let last = inputShape[0] - 1
        outputGradient.withUnsafeBufferPointer { g in
            inputGradient.withUnsafeMutableBufferPointer(entries: last..<(last + 1)) { _ = $0.update(fromContentsOf: g) }
        }
        return inputGradient
    }
}
