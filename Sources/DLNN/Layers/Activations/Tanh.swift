import Foundation

/// The hyperbolic tangent, applied to each element.
///
///     y = tanh x        ∂y/∂x = 1 − y²
///
/// The derivative is read off the cached output. Any input shape; 1 FLOP per element, counting
/// a transcendental function as one.
public final class Tanh: Layer {
    public var isTraining = true
    private var workspace = ActivationWorkspace(saving: .output)

    /// Creates a tanh layer.
    public init() {}

    /// y = tanh x elementwise; any shape.
    public func forward(_ input: Tensor) -> Tensor {
        workspace.forward(input) { x, y in
            for i in x.indices { y[i] = hyperbolicTangent(x[i]) }
        }
    }

    /// dx = g·(1 − y²).
    public func backward(_ outputGradient: Tensor) -> Tensor {
        workspace.backward(outputGradient, layer: summaryName) { y, g, dx in
            for i in y.indices { dx[i] = g[i] * (1 - y[i] * y[i]) }
        }
    }

    public func outputShape(for inputShape: TensorShape) throws(ShapeError) -> TensorShape { inputShape }

    public func forwardFLOPs(for inputShape: TensorShape) -> Int { Tensor.elementCount(of: inputShape) }

    public var summaryName: String { "Tanh" }
}
