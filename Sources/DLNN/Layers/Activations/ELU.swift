import Foundation

/// The exponential linear unit (Clevert et al., 2015), applied to each element.
///
///     y = x if x > 0 else α·(eˣ − 1)        ∂y/∂x = 1 if x > 0 else α·eˣ
///
/// with α = `alpha` (default 1, as PyTorch). The derivative is recomputed from the input rather
/// than taken as y + α: that would lose all relative precision for very negative x (y + α cancels)
/// and would need α ≥ 0 to recover the sign of x. `expm1` keeps α·(eˣ − 1) accurate near 0.
/// Any input shape; 3 FLOPs per element (comparison, expm1, multiplication), counting a
/// transcendental function as one.
public final class ELU: Layer {
    /// The saturation value −α that the output approaches for x → −∞.
    public let alpha: Float
    public var isTraining = true
    private var workspace = ActivationWorkspace(saving: .input)

    /// Creates an ELU with saturation parameter `alpha`.
    public init(alpha: Float = 1) {
        self.alpha = alpha
    }

    /// y = x for x > 0, α·(eˣ − 1) otherwise; any shape.
    public func forward(_ input: Tensor) -> Tensor {
        let alpha = alpha
        return workspace.forward(input) { x, y in
            // expm1 of min(x, 0) for every element, then a select: branch-free on mixed signs.
            for i in x.indices { y[i] = x[i] > 0 ? x[i] : alpha * expm1(min(x[i], 0)) }
        }
    }

    /// dx = g for x > 0, g·α·eˣ otherwise.
    public func backward(_ outputGradient: Tensor) -> Tensor {
        let alpha = alpha
        return workspace.backward(outputGradient, layer: summaryName) { x, g, dx in
            for i in x.indices { dx[i] = x[i] > 0 ? g[i] : g[i] * alpha * exp(min(x[i], 0)) }
        }
    }

    public func outputShape(for inputShape: TensorShape) throws(ShapeError) -> TensorShape { inputShape }

    public func forwardFLOPs(for inputShape: TensorShape) -> Int { 3 * Tensor.elementCount(of: inputShape) }

    public var summaryName: String { "ELU(\(alpha))" }
}
