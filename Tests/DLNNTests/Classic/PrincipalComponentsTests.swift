import Foundation
import Testing
@testable import DLNN

/// N samples of D correlated features: standard normals times a fixed mixing matrix, plus an offset.
private func correlatedData(samples: Int, dimension: Int, seed: UInt64) -> Tensor {
    var generator = SeededGenerator(seed: seed)
    let mixing = Tensor.randomNormal([dimension, dimension], using: &generator)
    var data = matmul(Tensor.randomNormal([samples, dimension], using: &generator), mixing)
    data.addScaled(Tensor(repeating: 1, shape: data.shape), by: 3)
    return data
}

/// The covariance (1/(N − 1))·ZᵀZ − of centered Z − in Double, and its largest distance from the identity.
private func distanceFromIdentityCovariance(_ z: Tensor) -> Double {
    let (n, d) = (z.shape[0], z.shape[1])
    let means = (0..<d).map { j in (0..<n).reduce(0.0) { $0 + Double(z[$1, j]) } / Double(n) }
    var worst = 0.0
    for a in 0..<d {
        for b in 0..<d {
            let covariance = (0..<n).reduce(0.0) { $0 + (Double(z[$1, a]) - means[a]) * (Double(z[$1, b]) - means[b]) } / Double(n - 1)
            worst = max(worst, abs(covariance - (a == b ? 1 : 0)))
        }
    }
    return worst
}

@Suite struct PrincipalComponentsTests {
    @Test(arguments: [(50, 6), (5, 8), (20, 1)])
    func componentsAreOrthonormalSortedAndReconstructAtFullRank(samples: Int, dimension: Int) throws {
        let data = correlatedData(samples: samples, dimension: dimension, seed: UInt64(samples))
        let pca = try PrincipalComponents(fitting: data)
        let rank = min(samples, dimension)
        #expect(pca.components.shape == [rank, dimension])
        let gram = matmul(pca.components, pca.components, transposeB: true)
        for i in 0..<rank {
            for j in 0..<rank { #expect(abs(gram[i, j] - (i == j ? 1 : 0)) < 1e-4) }
        }
        let variances = pca.variances.scalars
        #expect(zip(variances, variances.dropFirst()).allSatisfy { $0 >= $1 })
        // The variances add up to the total variance Σⱼ var(xⱼ), computed in Double.
        let total = (0..<dimension).reduce(0.0) { total, j in
            let column = (0..<samples).map { Double(data[$0, j]) }
            let mean = column.reduce(0, +) / Double(samples)
            return total + column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(samples - 1)
        }
        #expect(abs(variances.reduce(0.0) { $0 + Double($1) } - total) < 1e-4 * total)
        #expect(abs(pca.explainedVarianceRatios.reduce(0, +) - 1) < 1e-9)

        let reconstruction = pca.reconstruction(from: pca.transform(data))
        let error = zip(reconstruction.scalars, data.scalars).map { abs($0 - $1) }.max()!
        #expect(error < 1e-3, "full-rank reconstruction error \(error)")
    }

    @Test func whiteningGivesIdentityCovarianceOnTheTrainingData() throws {
        let data = correlatedData(samples: 200, dimension: 5, seed: 7)
        let pca = try PrincipalComponents(fitting: data)
        #expect(distanceFromIdentityCovariance(pca.whitened(data, epsilon: 1e-7)) < 1e-3)
        #expect(distanceFromIdentityCovariance(pca.zcaWhitened(data, epsilon: 1e-7)) < 1e-3)
        #expect(pca.whitened(data, components: 2).shape == [200, 2])
        #expect(pca.zcaWhitened(data).shape == [200, 5])
        // Fewer components: the projection keeps the first columns.
        let first = pca.transform(data, components: 2), all = pca.transform(data)
        #expect(first == all.transposed().slice(batch: 0..<2).transposed())
    }

    @Test func roundTripsThroughCodable() throws {
        let pca = try PrincipalComponents(fitting: correlatedData(samples: 12, dimension: 3, seed: 2))
        let decoded = try JSONDecoder().decode(PrincipalComponents.self, from: JSONEncoder().encode(pca))
        #expect(decoded == pca)
        #expect(try PrincipalComponents(fitting: correlatedData(samples: 12, dimension: 3, seed: 2)) == pca, "deterministic signs")
        let corrupt = Data(#"{"mean":[0,0],"components":[[1,0,0]],"variances":[1]}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(PrincipalComponents.self, from: corrupt) }
    }
}
