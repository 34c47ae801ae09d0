import Foundation
import Testing
@testable import DLNN

/// Checks a loss value against a double-precision reference (relative error < `valueTolerance`)
/// and its gradient against central finite differences of that reference (relative error of the
/// whole vector < `tolerance`).
func checkLoss(
    _ result: (value: Float, gradient: Tensor),
    input: Tensor,
    reference: ([Double]) -> Double,
    valueTolerance: Double = 1e-5,
    tolerance: Double = 1e-4,
    step: Double = 1e-5,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let x = input.scalars.map(Double.init)
    let expected = reference(x)
    let valueError = abs(Double(result.value) - expected) / max(abs(expected), 1e-30)
    #expect(
        valueError < valueTolerance, "loss \(result.value), reference \(expected): relative error \(valueError)",
        sourceLocation: sourceLocation
    )
    #expect(result.gradient.shape == input.shape, "gradient shape", sourceLocation: sourceLocation)

    let numeric = numericGradient(of: reference, at: x, step: step)
    let gradientError = relativeError(result.gradient.scalars.map(Double.init), numeric)
    #expect(gradientError < tolerance, "gradient relative error \(gradientError)", sourceLocation: sourceLocation)
}

/// Double-precision log-softmax of one row, with the maximum subtracted.
func referenceLogSoftmax(_ row: ArraySlice<Double>) -> [Double] {
    let m = row.max()!
    let logSum = log(row.reduce(0) { $0 + exp($1 - m) })
    return row.map { ($0 - m) - logSum }
}
