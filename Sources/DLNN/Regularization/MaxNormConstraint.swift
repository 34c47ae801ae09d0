/// The max-norm constraint (Srebro and Shraibman 2005; used with dropout by Srivastava et al.
/// 2014): after each step, every output unit's incoming weight vector w is rescaled to ‖w‖₂ ≤ c.
///
/// A weight of shape [out, …] has one unit per index of its first axis; its row (all other axes,
/// e.g. [in] for a dense layer or [C, kh, kw] for a convolution) is projected onto the ball:
///
///     w ← w · c / ‖w‖₂   when ‖w‖₂ > c
///
/// Apply it to weights, not biases, after `step()`. Frozen parameters are skipped.
public struct MaxNormConstraint: Sendable {
    /// c > 0, the largest allowed norm of a unit's weights (3 to 4 in Srivastava et al.).
    public var maximumNorm: Float

    /// Creates the constraint ‖w‖₂ ≤ `maximumNorm` per output unit.
    public init(maximumNorm: Float) {
        require(maximumNorm > 0, "MaxNormConstraint: maximumNorm \(maximumNorm) must be positive")
        self.maximumNorm = maximumNorm
    }

    /// Rescales every row of every trainable parameter whose norm exceeds `maximumNorm`.
    public func apply(to parameters: [Parameter]) {
        let limit = maximumNorm
        for parameter in parameters where parameter.isTrainable && parameter.count > 0 {
            require(parameter.value.rank >= 2, "MaxNormConstraint: parameter \(parameter.name) has shape \(describe(parameter.value.shape)); expected a weight [out, …]")
            let rows = parameter.value.shape[0], rowSize = parameter.count / rows
            parameter.withUnsafeMutableValue { weights in
                for row in 0..<rows {
                    let start = weights.baseAddress! + row * rowSize
                    let norm = BLAS.nrm2(count: rowSize, x: start)
                    if norm > limit { BLAS.scal(count: rowSize, alpha: limit / norm, x: start) }
                }
            }
        }
    }
}
