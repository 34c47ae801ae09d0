import Foundation
import Testing
@testable import DLNN

@Suite struct LowRankApproximationTests {
    /// ‖W − Wₖ‖_F / ‖W‖_F = √(Σ_{i>k} σᵢ²) / ‖W‖_F, and the retained energy is 1 − error².
    @Test(arguments: [(20, 12), (7, 30), (16, 16)])
    func eckartYoungError(rows: Int, columns: Int) throws {
        var generator = SeededGenerator(seed: UInt64(rows * 100 + columns))
        let matrix = Tensor.randomNormal([rows, columns], using: &generator)
        let approximation = try LowRankApproximation(matrix)
        let sigmas = approximation.decomposition.singularValues.scalars.map(Double.init)
        let norm = Double(matrix.norm())
        for k in 1...min(rows, columns) {
            let expected = sigmas.dropFirst(k).reduce(0) { $0 + $1 * $1 }.squareRoot() / norm
            #expect(abs(approximation.relativeError(rank: k) - expected) < 1e-4, "rank \(k)")
            #expect(abs(approximation.retainedEnergy(rank: k) - (1 - expected * expected)) < 1e-4, "rank \(k)")
        }
    }

    /// A·B reproduces W at full rank, and both factors carry √σ (balanced): ‖A‖_F = ‖B‖_F.
    @Test func balancedFactors() throws {
        var generator = SeededGenerator(seed: 3)
        let matrix = Tensor.randomNormal([9, 5], using: &generator)
        let approximation = try LowRankApproximation(matrix)
        let (left, right) = approximation.factors(rank: 5)
        #expect(left.shape == [9, 5] && right.shape == [5, 5])
        #expect(relativeError(doubles(matmul(left, right)), doubles(matrix)) < 1e-5)
        #expect(abs(left.norm() - right.norm()) < 1e-4 * left.norm())
    }
}

/// W = U·diag(σ)·Vᵀ [rows, columns] with orthonormal U, V taken from the SVD of a random matrix.
func matrix(withSingularValues sigmas: [Float], rows: Int, columns: Int, seed: UInt64) throws -> Tensor {
    var generator = SeededGenerator(seed: seed)
    let basis = try LAPACK.svd(Tensor.randomNormal([rows, columns], using: &generator))
    let r = min(rows, columns)
    let scaled = Tensor(shape: [rows, r]) { out in
        for i in 0..<rows {
            for j in 0..<r { out[i * r + j] = basis.u.scalars[i * r + j] * (j < sigmas.count ? sigmas[j] : 0) }
        }
    }
    return matmul(scaled, basis.vt)
}

@Suite struct RankSelectionTests {
    /// σ = 4, 3, 2, 1: cumulative energy 16, 25, 29, 30 of 30.
    @Test(arguments: [(0.5, 1), (0.8, 2), (0.84, 3), (0.9, 3), (0.97, 4), (1.0, 4)])
    func energy(fraction: Double, expectedRank: Int) throws {
        let weight = try matrix(withSingularValues: [4, 3, 2, 1], rows: 4, columns: 30, seed: 11)
        let approximation = try LowRankApproximation(weight)
        let rank = RankSelection.energy(fraction).rank(
            path: "0", squaredSingularValues: approximation.squaredSingularValues,
            parameterCount: { $0 * 34 + 4 }, originalParameterCount: 124)
        #expect(rank == expectedRank)
    }

    /// Dense(100 → 50): 5050 parameters; rank k has 150·k + 50, so 5× allows k ≤ 6 and 2× k ≤ 16.
    @Test(arguments: [(5.0, 6), (2.0, 16), (1.5, 22)])
    func compressionRatio(ratio: Double, expectedRank: Int) throws {
        var generator = SeededGenerator(seed: 12)
        let model = Sequential(Dense(inputSize: 100, outputSize: 50, generator: &generator))
        let result = try compress(model, inputShape: [1, 100], policy: CompressionPolicy(rank: .compressionRatio(ratio)))
        let report = try #require(result.layers.first)
        #expect(report.rank == expectedRank && report.isFactorized)
        #expect(report.parametersAfter == 150 * expectedRank + 50)
        #expect(report.compressionRatio >= ratio)
        #expect(report.flopsBefore == 2 * 100 * 50 + 50 && report.flopsAfter == 2 * expectedRank * 150 + 50)
    }

    @Test func aRankThatWouldGrowTheLayerLeavesItAsIs() throws {
        var generator = SeededGenerator(seed: 13)
        let dense = Dense(inputSize: 100, outputSize: 50, generator: &generator)
        let model = Sequential(dense)
        let result = try compress(model, inputShape: [1, 100], policy: CompressionPolicy(rank: .energy(1)))
        let report = try #require(result.layers.first)
        #expect(!report.isFactorized && report.rank == 50 && report.parametersAfter == report.parametersBefore)
        #expect(report.skipReason?.contains("not fewer than the original's 5050") == true)
        #expect(result.model === model)

        let unreachable = try compress(model, inputShape: [1, 100], policy: CompressionPolicy(rank: .compressionRatio(50)))
        #expect(unreachable.layers.first?.skipReason?.contains("no rank reaches 50.0×") == true)
    }
}
