/// Global average pooling: the mean of each channel's feature map, [N, C, H, W] → [N, C].
///
/// y[n, c] = (1 / (H·W)) · Σ_{i,j} x[n, c, i, j]; backward: ∂L/∂x[n, c, i, j] = ∂L/∂y[n, c] / (H·W).
/// Used before the classifier of all-convolutional networks (ResNet), where it replaces Flatten.
public final class GlobalAvgPool2D: Layer {
    public var isTraining = true

    private var inputShape: TensorShape = []
    private var output = Tensor.zeros([0, 0])
    private var inputGradient = Tensor.zeros([0, 0, 0, 0])

    /// Creates a global average pooling layer.
    public init() {}

    public var summaryName: String { "GlobalAvgPool2D" }

    public func outputShape(for inputShape: TensorShape) throws(ShapeError) -> TensorShape {
        try checkValidInput(inputShape)
        return [inputShape[0], inputShape[1]]
    }

    /// Throws a `ShapeError` naming the shape unless it is [N, C, H, W] with H, W > 0.
    private func checkValidInput(_ inputShape: TensorShape) throws(ShapeError) {
        try checkInput(
            inputShape.count == 4 && inputShape[2] > 0 && inputShape[3] > 0,
            "input \(describe(inputShape)): expected [N, C, H, W] with H, W > 0")
    }

    /// One addition per input element: N·C·H·W.
    public func forwardFLOPs(for inputShape: TensorShape) -> Int {
        _ = requireOutputShape(for: inputShape)
        return Tensor.elementCount(of: inputShape)
    }

    /// y [N, C]: the mean over H·W of every plane of x [N, C, H, W].
    public func forward(_ input: Tensor) -> Tensor {
        requireValidShape { () throws(ShapeError) in try checkValidInput(input.shape) }
        output.resize(to: TensorShape(input.shape[0], input.shape[1]))
        inputShape = input.shape
        let plane = input.shape[2] * input.shape[3]
        let scale = 1 / Float(plane)
        input.withUnsafeBufferPointer { x in
            output.withUnsafeMutableBufferPointer { y in
                for k in y.indices {
                    let source = x.baseAddress! + k * plane
                    var sum: Float = 0
                    for p in 0..<plane { sum += source[p] }
                    y[k] = sum * scale
                }
            }
        }
        return output
    }

    /// ∂L/∂x [N, C, H, W]: every element of plane (n, c) gets ∂L/∂y[n, c] / (H·W).
    public func backward(_ outputGradient: Tensor) -> Tensor {
        require(
            outputGradient.shape == output.shape,
            "\(summaryName).backward: output gradient \(describe(outputGradient.shape)): expected \(describe(output.shape))")
        inputGradient.resize(to: inputShape)
        let plane = inputShape[2] * inputShape[3]
        let scale = 1 / Float(plane)
        outputGradient.withUnsafeBufferPointer { dy in
            inputGradient.withUnsafeMutableBufferPointer { dx in
                for k in dy.indices {
                    (dx.baseAddress! + k * plane).update(repeating: dy[k] * scale, count: plane)
                }
            }
        }
        return inputGradient
    }
}
