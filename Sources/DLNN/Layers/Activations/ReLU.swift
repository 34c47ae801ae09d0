/// The rectified linear unit, applied to each element.
///
///     y = max(0, x)        ∂y/∂x = 1 if x > 0 else 0
///
/// The derivative is read off the output (y > 0 exactly when x > 0), as PyTorch does; at x = 0
/// it is taken to be 0. Any input shape; one comparison per element (1 FLOP).
public final class ReLU: Layer {
    public var isTraining = true
    private var workspace = ActivationWorkspace(saving: .output)

    /// Creates a ReLU layer.
    public init() {}

    /// y = max(0, x) elementwise; any shape.
    public func forward(_ input: Tensor) -> Tensor {
        workspace.forward(input) { x, y in
            for i in x.indices { y[i] = max(x[i], 0) }
        }
    }

    /// dx = g where y > 0, else 0.
    public func backward(_ outputGradient: Tensor) -> Tensor {
        workspace.backward(outputGradient, layer: summaryName) { y, g, dx in
            for i in y.indices {
                let gradient = g[i]  // read unconditionally, so that the select vectorizes
                dx[i] = y[i] > 0 ? gradient : 0
            }
        }
    }

    public func outputShape(for inputShape: TensorShape) throws(ShapeError) -> TensorShape { inputShape }

    public func forwardFLOPs(for inputShape: TensorShape) -> Int { Tensor.elementCount(of: inputShape) }

    public var summaryName: String { "ReLU" }
}
