/// Scales all gradients together so that their global norm √(Σ‖g‖²) is at most `maximumNorm`,
/// and returns the norm before clipping (worth logging: spikes announce divergence).
///
///     n = √(Σₚ ‖gₚ‖₂²);   gₚ ← gₚ · c / n   when n > c
///
/// Clipping by the global norm keeps the update's direction (Pascanu et al. 2013). The norm is
/// summed in `Double`, in order. Frozen parameters are left out. A non-finite norm leaves the
/// gradients unchanged, for `NonFiniteCheck` to report. Parameters packed in one ``ParameterBuffer``
/// (an optimizer's) are read and scaled in one pass over it.
@discardableResult
public func clipGradients(of parameters: [Parameter], byGlobalNorm maximumNorm: Float) -> Float {
    require(maximumNorm > 0, "clipGradients(byGlobalNorm:): maximumNorm \(maximumNorm) must be positive")
    var squareSum = 0.0
    ParameterBuffer.forEachTrainableGradientRun(of: parameters) { gradient in
        // In Double, which neither overflows on Float inputs nor loses a NaN.
        for g in gradient { squareSum += Double(g) * Double(g) }
    }
    let norm = Float(squareSum.squareRoot())
    if norm > maximumNorm && norm.isFinite {
        let scale = maximumNorm / norm
        ParameterBuffer.forEachTrainableGradientRun(of: parameters) { gradient in
            BLAS.scal(count: gradient.count, alpha: scale, x: gradient.baseAddress!)
        }
    }
    return norm
}

/// Clamps every gradient element to [−limit, limit].
///
/// Unlike clipping by the global norm this changes the update's direction; it is a blunt guard
/// against rare huge elements. Frozen parameters are left out; NaN stays NaN.
public func clipGradients(of parameters: [Parameter], byValue limit: Float) {
    require(limit > 0, "clipGradients(byValue:): limit \(limit) must be positive")
    ParameterBuffer.forEachTrainableGradientRun(of: parameters) { gradient in
        for i in gradient.indices where abs(gradient[i]) > limit {
            gradient[i] = gradient[i] > 0 ? limit : -limit
        }
    }
}
