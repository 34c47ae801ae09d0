import Foundation

/// The softmax along the last axis: each row becomes a probability distribution.
///
///     yⱼ = e^(xⱼ − m) / Σₖ e^(xₖ − m),  m = maxₖ xₖ
///     ∂L/∂xⱼ = yⱼ·(gⱼ − Σₖ gₖ·yₖ)
///
/// Subtracting the row maximum changes nothing mathematically and keeps every exponential in
/// (0, 1], so huge logits cannot overflow. The backward pass uses only the cached output. For
/// classification, prefer feeding logits to `SoftmaxCrossEntropy`, which fuses this with the
/// logarithm more stably. Any input shape of rank ≥ 1; 5 FLOPs per element (max, subtraction,
/// exponential, sum, scaling), counting a transcendental function as one.
public final class Softmax: Layer {
    public var isTraining = true
    private var workspace = ActivationWorkspace(saving: .output)

    /// Creates a softmax layer over the last axis.
    public init() {}

    /// y = softmax(x) over the last axis; any shape of rank ≥ 1.
    public func forward(_ input: Tensor) -> Tensor {
        _ = requireOutputShape(for: input.shape)
        let rowLength = input.shape.last!
        return workspace.forward(input) { x, y in softmaxRows(x, into: y, rowLength: rowLength) }
    }

    /// dx = y ⊙ (g − Σ g⊙y), the sum taken over each row.
    public func backward(_ outputGradient: Tensor) -> Tensor {
        let rowLength = outputGradient.shape.last ?? 0
        return workspace.backward(outputGradient, layer: summaryName) { y, g, dx in
            guard rowLength > 0 else { return }
            for start in stride(from: 0, to: y.count, by: rowLength) {
                var dot: Float = 0
                for j in start..<(start + rowLength) { dot += g[j] * y[j] }
                for j in start..<(start + rowLength) { dx[j] = y[j] * (g[j] - dot) }
            }
        }
    }

    public func outputShape(for inputShape: TensorShape) throws(ShapeError) -> TensorShape {
        try checkInput(!inputShape.isEmpty, "input \(describe(inputShape)): a scalar has no axis to normalize")
        return inputShape
    }

    public func forwardFLOPs(for inputShape: TensorShape) -> Int { 5 * Tensor.elementCount(of: inputShape) }

    public var summaryName: String { "Softmax" }
}

extension Tensor {
    /// The softmax along the last axis: every row of logits turned into class probabilities.
    ///
    /// For a network's logits of shape [N, classes], `logits.softmax()` gives the predicted
    /// distribution of each sample and `logits.argmax(alongAxis: 1)` the predicted classes.
    public func softmax() -> Tensor {
        require(rank >= 1, "softmax: a scalar tensor has no axis to normalize")
        let rowLength = shape[rank - 1]
        return withUnsafeBufferPointer { x in
            Tensor(shape: shape) { y in softmaxRows(x, into: y, rowLength: rowLength) }
        }
    }
}

/// Writes the softmax of each consecutive row of `rowLength` elements of `x` into `y`.
func softmaxRows(_ x: UnsafeBufferPointer<Float>, into y: UnsafeMutableBufferPointer<Float>, rowLength: Int) {
    guard rowLength > 0 else { return }
    for start in stride(from: 0, to: x.count, by: rowLength) {
        softmaxRow(x.baseAddress! + start, into: y.baseAddress! + start, count: rowLength)
    }
}

/// Writes the softmax of the `count` logits at `x` into `y` and returns the row maximum m and
/// s = Σₖ e^(xₖ − m), from which log-softmax is (xⱼ − m) − log s. `count` must be positive.
/// The exponentials (of arguments ≤ 0) and the sum are separate loops, so both vectorize.
@inline(__always) @discardableResult
func softmaxRow(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) -> (max: Float, sum: Float) {
    var m = x[0]
    for j in 1..<count where x[j] > m { m = x[j] }
    for j in 0..<count { y[j] = exponentialOfNonPositive(x[j] - m) }
    let s = vectorSum(y, count: count)
    let inverse = 1 / s
    for j in 0..<count { y[j] *= inverse }
    return (m, s)
}
