import Foundation

/// The Gaussian error linear unit (Hendrycks and Gimpel, 2016), applied to each element.
///
/// Exact form (the default, as PyTorch's `approximate='none'`), with Φ and φ the standard normal
/// distribution and density:
///
///     y = x·Φ(x) = ½·x·(1 + erf(x/√2))        ∂y/∂x = Φ(x) + x·φ(x)
///
/// Tanh approximation (PyTorch's `approximate='tanh'`, used by GPT-2 and BERT), with
/// u = √(2/π)·(x + 0.044715·x³):
///
///     y = ½·x·(1 + tanh u) = x·σ(2u)        ∂y/∂x = σ(2u) + 2·x·σ(2u)·(1 − σ(2u))·u′,
///     u′ = √(2/π)·(1 + 3·0.044715·x²)
///
/// It is evaluated through the identity ½·(1 + tanh u) = σ(2u) with the overflow-free sigmoid,
/// one exponential per element instead of a slower `tanh`. The two forms differ by at most
/// 4.8·10⁻⁴ (near |x| ≈ 2.7). Both derivatives are computed from the cached input. Any input
/// shape; 5 FLOPs per element for the exact form and 11 for the approximation, counting a
/// transcendental function as one.
public final class GELU: Layer {
    /// How Φ(x) is evaluated.
    public enum Approximation: Sendable {
        /// Φ(x) = ½·(1 + erf(x/√2)), exactly.
        case exact
        /// Φ(x) ≈ ½·(1 + tanh(√(2/π)·(x + 0.044715·x³))) = σ(2·√(2/π)·(x + 0.044715·x³)).
        case tanh
    }

    /// The form in use.
    public let approximation: Approximation
    public var isTraining = true
    private var workspace = ActivationWorkspace(saving: .input)

    /// Creates a GELU in the exact erf form or, with `.tanh`, the tanh approximation.
    public init(approximation: Approximation = .exact) {
        self.approximation = approximation
    }

    /// y = x·Φ(x) elementwise; any shape.
    public func forward(_ input: Tensor) -> Tensor {
        switch approximation {
        case .exact:
            return workspace.forward(input) { x, y in
                for i in x.indices { y[i] = 0.5 * x[i] * (1 + erf(x[i] * inverseSquareRootOf2)) }
            }
        case .tanh:
            return workspace.forward(input) { x, y in
                for i in x.indices { y[i] = x[i] * sigmoid(twiceTanhArgument(x[i])) }
            }
        }
    }

    /// dx = g·∂y/∂x, from the cached input.
    public func backward(_ outputGradient: Tensor) -> Tensor {
        switch approximation {
        case .exact:
            return workspace.backward(outputGradient, layer: summaryName) { x, g, dx in
                for i in x.indices {
                    let cdf = 0.5 * (1 + erf(x[i] * inverseSquareRootOf2))
                    let density = inverseSquareRootOf2Pi * exp(-0.5 * x[i] * x[i])
                    dx[i] = g[i] * (cdf + x[i] * density)
                }
            }
        case .tanh:
            return workspace.backward(outputGradient, layer: summaryName) { x, g, dx in
                for i in x.indices {
                    let s = sigmoid(twiceTanhArgument(x[i]))
                    let du = squareRootOf2OverPi * (1 + 3 * cubicCoefficient * x[i] * x[i])
                    dx[i] = g[i] * (s + 2 * x[i] * s * (1 - s) * du)
                }
            }
        }
    }

    public func outputShape(for inputShape: TensorShape) throws(ShapeError) -> TensorShape { inputShape }

    public func forwardFLOPs(for inputShape: TensorShape) -> Int {
        (approximation == .exact ? 5 : 11) * Tensor.elementCount(of: inputShape)
    }

    public var summaryName: String { approximation == .exact ? "GELU" : "GELU(tanh)" }
}

private let inverseSquareRootOf2: Float = 0.70710678118654752
private let inverseSquareRootOf2Pi: Float = 0.39894228040143268
private let squareRootOf2OverPi: Float = 0.79788456080286536
private let cubicCoefficient: Float = 0.044715

/// 2u = 2·√(2/π)·(x + 0.044715·x³), twice the argument of tanh in the approximation.
@inline(__always)
private func twiceTanhArgument(_ x: Float) -> Float {
    2 * squareRootOf2OverPi * (x + cubicCoefficient * x * x * x)
}
