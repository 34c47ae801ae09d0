/// The leaky rectified linear unit, applied to each element.
///
///     y = x if x > 0 else s·x        ∂y/∂x = 1 if x > 0 else s
///
/// with s = `negativeSlope` (PyTorch's default 0.01). The derivative is taken from the input, so
/// any slope (also zero or negative) is handled exactly. Any input shape; a comparison and a
/// multiplication per element (2 FLOPs).
public final class LeakyReLU: Layer {
    /// The slope s for negative inputs.
    public let negativeSlope: Float
    public var isTraining = true
    private var workspace = ActivationWorkspace(saving: .input)

    /// Creates a leaky ReLU with slope `negativeSlope` for negative inputs.
    public init(negativeSlope: Float = 0.01) {
        self.negativeSlope = negativeSlope
    }

    /// y = x for x > 0, s·x otherwise; any shape.
    public func forward(_ input: Tensor) -> Tensor {
        let s = negativeSlope
        return workspace.forward(input) { x, y in
            for i in x.indices { y[i] = x[i] > 0 ? x[i] : s * x[i] }
        }
    }

    /// dx = g for x > 0, s·g otherwise.
    public func backward(_ outputGradient: Tensor) -> Tensor {
        let s = negativeSlope
        return workspace.backward(outputGradient, layer: summaryName) { x, g, dx in
            for i in x.indices { dx[i] = x[i] > 0 ? g[i] : s * g[i] }
        }
    }

    public func outputShape(for inputShape: TensorShape) throws(ShapeError) -> TensorShape { inputShape }

    public func forwardFLOPs(for inputShape: TensorShape) -> Int { 2 * Tensor.elementCount(of: inputShape) }

    public var summaryName: String { "LeakyReLU(\(negativeSlope))" }
}
