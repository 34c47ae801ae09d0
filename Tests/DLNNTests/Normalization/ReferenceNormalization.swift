import Testing
@testable import DLNN

/// A naive double-precision normalization, the reference for every normalization layer's tests.
///
/// The input is viewed as [N, C, S] (S = product of the spatial axes). Elements of planes (n, c)
/// with the same `group(n, c)` share a mean and a biased variance (or `fixedStatistics`, indexed by
/// group); y = γ[affineIndex(c, s)]·x̂ + β[affineIndex(c, s)] with γ, β the layer's parameters
/// (or none).
struct ReferenceNormalization {
    var batchSize: Int
    var channels: Int
    var spatialSize: Int
    var group: (_ n: Int, _ c: Int) -> Int
    var affineIndex: (_ c: Int, _ s: Int) -> Int = { c, _ in c }
    var epsilon = 1e-5
    var fixedStatistics: (mean: [Double], variance: [Double])? = nil

    /// Statistics per channel across the batch (BatchNorm) of `shape` = [N, C, spatial…].
    static func perChannel(_ shape: TensorShape) -> ReferenceNormalization {
        ReferenceNormalization(batchSize: shape[0], channels: shape[1], spatialSize: shape.dropFirst(2).reduce(1, *)) { _, c in c }
    }

    /// Statistics per sample over G groups of consecutive channels (GroupNorm; G = C InstanceNorm).
    static func perSample(_ shape: TensorShape, groups: Int) -> ReferenceNormalization {
        let channelsPerGroup = shape[1] / groups
        return ReferenceNormalization(batchSize: shape[0], channels: shape[1], spatialSize: shape.dropFirst(2).reduce(1, *)) { n, c in
            n * groups + c / channelsPerGroup
        }
    }

    /// Statistics per sample over everything after the first axis, γ and β per element (LayerNorm).
    static func perSampleElementwise(_ shape: TensorShape) -> ReferenceNormalization {
        var reference = perSample(shape, groups: 1)
        let spatialSize = reference.spatialSize
        reference.affineIndex = { c, s in c * spatialSize + s }
        return reference
    }

    func offset(_ n: Int, _ c: Int, _ s: Int) -> Int { (n * channels + c) * spatialSize + s }

    /// The mean and biased variance of every group of `x`.
    func statistics(of x: [Double]) -> (mean: [Int: Double], variance: [Int: Double]) {
        var sum: [Int: Double] = [:], count: [Int: Double] = [:], squares: [Int: Double] = [:]
        for n in 0..<batchSize { for c in 0..<channels { for s in 0..<spatialSize {
            sum[group(n, c), default: 0] += x[offset(n, c, s)]
            count[group(n, c), default: 0] += 1
        } } }
        let mean = sum.merging(count) { $0 / $1 }
        for n in 0..<batchSize { for c in 0..<channels { for s in 0..<spatialSize {
            let deviation = x[offset(n, c, s)] - mean[group(n, c)]!
            squares[group(n, c), default: 0] += deviation * deviation
        } } }
        return (mean, squares.merging(count) { $0 / $1 })
    }

    func callAsFunction(_ x: [Double], _ parameters: [[Double]]) -> [Double] {
        let (mean, variance): ([Int: Double], [Int: Double])
        if let fixedStatistics {
            mean = Dictionary(uniqueKeysWithValues: fixedStatistics.mean.enumerated().map { ($0.offset, $0.element) })
            variance = Dictionary(uniqueKeysWithValues: fixedStatistics.variance.enumerated().map { ($0.offset, $0.element) })
        } else {
            (mean, variance) = statistics(of: x)
        }
        var y = x
        for n in 0..<batchSize { for c in 0..<channels { for s in 0..<spatialSize {
            let i = offset(n, c, s), q = group(n, c), a = affineIndex(c, s)
            let xHat = (x[i] - mean[q]!) / (variance[q]! + epsilon).squareRoot()
            y[i] = parameters.isEmpty ? xHat : parameters[0][a] * xHat + parameters[1][a]
        } } }
        return y
    }
}

/// γ ~ N(1, 0.5²) and β ~ N(0, 0.5²) for a layer's affine parameters, so gradient checks see them.
func randomizeAffine(_ parameters: [Parameter], seed: UInt64 = 11) {
    var generator = SeededGenerator(seed: seed)
    for (index, parameter) in parameters.enumerated() {
        parameter.value = .randomNormal(parameter.value.shape, mean: index == 0 ? 1 : 0, standardDeviation: 0.5, using: &generator)
    }
}

/// Checks that every group of `output` (normalized with γ = 1, β = 0) has mean ≈ 0 and biased
/// variance ≈ 1 (exactly σ²/(σ² + ε), within 1e-3 for inputs with σ ≳ 0.1).
func expectStandardized(_ output: Tensor, by reference: ReferenceNormalization, sourceLocation: SourceLocation = #_sourceLocation) {
    let (mean, variance) = reference.statistics(of: output.scalars.map(Double.init))
    #expect(mean.values.allSatisfy { abs($0) < 1e-5 }, "group means \(mean.values.sorted())", sourceLocation: sourceLocation)
    #expect(variance.values.allSatisfy { abs($0 - 1) < 1e-3 }, "group variances \(variance.values.sorted())", sourceLocation: sourceLocation)
}

/// Whether the process's captured standard error contains `message`.
func standardError(_ result: ExitTest.Result?, contains message: String) -> Bool {
    guard let result else { return false }
    return String(decoding: result.standardErrorContent, as: UTF8.self).contains(message)
}
