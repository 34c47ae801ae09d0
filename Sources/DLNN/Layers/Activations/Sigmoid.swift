import Foundation

/// The logistic sigmoid, applied to each element.
///
///     y = σ(x) = 1 / (1 + e⁻ˣ)        ∂y/∂x = y·(1 − y)
///
/// Evaluated without overflow: for x ≥ 0 as 1 / (1 + e⁻ˣ), for x < 0 as eˣ / (1 + eˣ), so the
/// exponential never exceeds 1. The derivative is read off the cached output. Any input shape;
/// 4 FLOPs per element (negation, exponential, addition, division), counting a transcendental
/// function as one.
public final class Sigmoid: Layer {
    public var isTraining = true
    private var workspace = ActivationWorkspace(saving: .output)

    /// Creates a sigmoid layer.
    public init() {}

    /// y = σ(x) elementwise; any shape.
    public func forward(_ input: Tensor) -> Tensor {
        workspace.forward(input) { x, y in
            for i in x.indices { y[i] = sigmoid(x[i]) }
        }
    }

    /// dx = g·y·(1 − y).
    public func backward(_ outputGradient: Tensor) -> Tensor {
        workspace.backward(outputGradient, layer: summaryName) { y, g, dx in
            for i in y.indices { dx[i] = g[i] * y[i] * (1 - y[i]) }
        }
    }

    public func outputShape(for inputShape: TensorShape) throws(ShapeError) -> TensorShape { inputShape }

    public func forwardFLOPs(for inputShape: TensorShape) -> Int { 4 * Tensor.elementCount(of: inputShape) }

    public var summaryName: String { "Sigmoid" }
}
