import Testing
@testable import DLNN

/// A double-precision reference of a layer's forward pass: the flattened input and the flattened
/// parameter values (in `layer.parameters` order) in, the flattened output out.
typealias ReferenceForward = (_ input: [Double], _ parameters: [[Double]]) -> [Double]

/// The relative error ‖a − b‖ / max(‖a‖, ‖b‖, tiny) between two vectors.
func relativeError(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count, "relativeError: lengths \(a.count) and \(b.count) differ")
    var difference = 0.0, normA = 0.0, normB = 0.0
    for (x, y) in zip(a, b) {
        difference += (x - y) * (x - y)
        normA += x * x
        normB += y * y
    }
    return difference.squareRoot() / Swift.max(normA.squareRoot(), normB.squareRoot(), 1e-30)
}

/// Checks a layer's forward pass and hand-written backward pass against a double-precision reference.
///
/// With a random projection R of the output, the scalar L = Σᵢ Rᵢ·f(x, θ)ᵢ has ∂L/∂x = backward(R)
/// and ∂L/∂θ = the accumulated parameter gradients. Both are compared, as whole vectors, to central
/// finite differences of L computed on `reference` in Double; the forward output is compared to
/// the reference too. Fails the current test when any relative error exceeds `tolerance`.
func checkGradients(
    of layer: any Layer,
    input: Tensor,
    reference: ReferenceForward,
    tolerance: Double = 1e-4,
    step: Double = 1e-5,
    seed: UInt64 = 7,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    var generator = SeededGenerator(seed: seed)
    let output = layer.forward(input)
    let projection = Tensor.randomNormal(output.shape, using: &generator)
    layer.zeroGradients()
    let inputGradient = layer.backward(projection)
    #expect(inputGradient.shape == input.shape, "input gradient shape", sourceLocation: sourceLocation)

    let x = input.scalars.map(Double.init)
    var theta = layer.parameters.map { $0.value.scalars.map(Double.init) }
    let r = projection.scalars.map(Double.init)
    func loss(_ x: [Double], _ theta: [[Double]]) -> Double {
        zip(reference(x, theta), r).reduce(0) { $0 + $1.0 * $1.1 }
    }

    let referenceOutput = reference(x, theta)
    let forwardError = relativeError(output.scalars.map(Double.init), referenceOutput)
    #expect(forwardError < tolerance, "\(layer.summaryName): forward differs from the reference by \(forwardError)", sourceLocation: sourceLocation)

    let numericInputGradient = numericGradient(of: { loss($0, theta) }, at: x, step: step)
    let inputError = relativeError(inputGradient.scalars.map(Double.init), numericInputGradient)
    #expect(inputError < tolerance, "\(layer.summaryName): input gradient relative error \(inputError)", sourceLocation: sourceLocation)

    for (p, parameter) in layer.parameters.enumerated() {
        let original = theta[p]
        let numeric = numericGradient(of: { values in
            theta[p] = values
            return loss(x, theta)
        }, at: original, step: step)
        theta[p] = original
        let error = relativeError(parameter.gradient.scalars.map(Double.init), numeric)
        #expect(error < tolerance, "\(layer.summaryName): gradient of \(parameter.name) relative error \(error)", sourceLocation: sourceLocation)
    }
}

/// The central difference (f(v + εeᵢ) − f(v − εeᵢ)) / 2ε for every i.
func numericGradient(of f: ([Double]) -> Double, at v: [Double], step: Double = 1e-5) -> [Double] {
    var perturbed = v
    return v.indices.map { i in
        perturbed[i] = v[i] + step
        let plus = f(perturbed)
        perturbed[i] = v[i] - step
        let minus = f(perturbed)
        perturbed[i] = v[i]
        return (plus - minus) / (2 * step)
    }
}
