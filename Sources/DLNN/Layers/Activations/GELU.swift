import Foundation

/// The Gaussian error linear unit (Hendrycks and Gimpel, 2016), applied to each element.
///
/// Exact form (the default, as PyTorch's `approximate='none'`), with Φ and φ the standard normal
/// distribution and density:
///
///     y = x·Φ(x) = ½·x·(1 + erf(x/√2))        ∂y/∂x = Φ(x) + x·φ(x)
///
/// Tanh approximation (PyTorch's `approximate='tanh'`, used by GPT-2 and BERT), with
/// u = √(2/π)·(x + 0.044715·x³) and t = tanh u:
///
///     y = ½·x·(1 + t)        ∂y/∂x = ½·(1 + t) + ½·x·(1 − t²)·√(2/π)·(1 + 3·0.044715·x²)
///
/// The two differ by at most 4.8·10⁻⁴ (near |x| ≈ 2.7). Both derivatives are computed from the
/// cached input. Any input shape; 5 FLOPs per element for the exact form and 9 for the
/// approximation, counting a transcendental function as one.
public final class GELU: Layer {
    /// How Φ(x) is evaluated.
    public enum Approximation: Sendable {
        /// Φ(x) = ½·(1 + erf(x/√2)), exactly.
        case exact
        /// Φ(x) ≈ ½·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
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
            return workspace.forward(input) { x in 0.5 * x * (1 + erf(x * inverseSquareRootOf2)) }
        case .tanh:
            return workspace.forward(input) { x in 0.5 * x * (1 + tanh(tanhArgument(x))) }
        }
    }

    /// dx = g·∂y/∂x, from the cached input.
    public func backward(_ outputGradient: Tensor) -> Tensor {
        switch approximation {
        case .exact:
            return workspace.backward(outputGradient, layer: summaryName) { x, g in
                let cdf = 0.5 * (1 + erf(x * inverseSquareRootOf2))
                let density = inverseSquareRootOf2Pi * exp(-0.5 * x * x)
                return g * (cdf + x * density)
            }
        case .tanh:
            return workspace.backward(outputGradient, layer: summaryName) { x, g in
                let t = tanh(tanhArgument(x))
                let du = squareRootOf2OverPi * (1 + 3 * cubicCoefficient * x * x)
                return g * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du)
            }
        }
    }

    public func outputShape(for inputShape: [Int]) -> [Int] { inputShape }

    public func forwardFLOPs(for inputShape: [Int]) -> Int {
        (approximation == .exact ? 5 : 9) * Tensor.elementCount(of: inputShape)
    }

    public var summaryName: String { approximation == .exact ? "GELU" : "GELU(tanh)" }
}

private let inverseSquareRootOf2: Float = 0.70710678118654752
private let inverseSquareRootOf2Pi: Float = 0.39894228040143268
private let squareRootOf2OverPi: Float = 0.79788456080286536
private let cubicCoefficient: Float = 0.044715

/// u = √(2/π)·(x + 0.044715·x³), the argument of tanh in the approximation.
@inline(__always)
private func tanhArgument(_ x: Float) -> Float {
    squareRootOf2OverPi * (x + cubicCoefficient * x * x * x)
}
