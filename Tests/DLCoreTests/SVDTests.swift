import Testing
@testable import DLCore

@Suite struct SVDTests {
    @Test(arguments: [(1, 1), (1, 6), (6, 1), (5, 5), (13, 7), (7, 13), (64, 40)])
    func reconstructsAndIsOrthonormal(rows: Int, columns: Int) throws {
        var generator = SeededGenerator(seed: UInt64(rows * 100 + columns))
        let a = Tensor.randomNormal([rows, columns], using: &generator)
        let svd = try LAPACK.svd(a)
        let r = min(rows, columns)
        #expect(svd.u.shape == [rows, r] && svd.singularValues.shape == [r] && svd.vt.shape == [r, columns])

        let reconstructed = svd.reconstruction()
        #expect(relativeError(reconstructed.scalars, a.scalars.map(Double.init)) < 1e-5)

        let identity = (0..<r * r).map { $0 / r == $0 % r ? 1.0 : 0.0 }
        #expect(relativeError(matmul(svd.u, svd.u, transposeA: true).scalars, identity) < 1e-5, "UᵀU = I")
        #expect(relativeError(matmul(svd.vt, svd.vt, transposeB: true).scalars, identity) < 1e-5, "VᵀV = I")

        let s = svd.singularValues.scalars
        #expect(zip(s, s.dropFirst()).allSatisfy { $0 >= $1 }, "descending")
        #expect(s.allSatisfy { $0 >= 0 })
        #expect(relativeError(try LAPACK.singularValues(a).scalars, s.map(Double.init)) < 1e-5)
    }

    @Test func knownMatrix() throws {
        // AᵀA = [[25, 20], [20, 25]] has eigenvalues 45 and 5, so σ = (3√5, √5).
        let a = Tensor(rows: [[3, 0], [4, 5]])
        let s = try LAPACK.singularValues(a)
        #expect(relativeError(s.scalars, [3 * 5.0.squareRoot(), 5.0.squareRoot()]) < 1e-6)
        let diagonal = Tensor(rows: [[0, 0, 2], [0, -7, 0]])
        #expect(try LAPACK.singularValues(diagonal).scalars == [7, 2])
    }

    @Test func lowRankReconstructionIsEckartYoung() throws {
        var generator = SeededGenerator(seed: 9)
        let a = Tensor.randomNormal([20, 12], using: &generator)
        let svd = try LAPACK.svd(a)
        let s = svd.singularValues.scalars.map(Double.init)
        for rank in [0, 1, 5, 12] {
            let error = (a - svd.reconstruction(rank: rank)).norm()
            let expected = s[rank...].reduce(0) { $0 + $1 * $1 }.squareRoot()
            #expect(abs(Double(error) - expected) <= 1e-4 * max(1, expected))
        }
    }

    @Test func nonFiniteInputThrows() {
        let a = Tensor(rows: [[1, .nan], [0, 1]])
        #expect(throws: LAPACKError.nonFiniteInput(routine: "sgesdd")) { try LAPACK.svd(a) }
        #expect(throws: LAPACKError.self) { try LAPACK.singularValues(a) }
    }

    @Test func errorsDescribeTheFailure() {
        #expect(LAPACKError.noConvergence(routine: "sgesvd", info: 3).description.contains("did not converge"))
        #expect(LAPACKError.illegalArgument(routine: "sgesdd", argument: 4).description == "sgesdd: argument 4 had an illegal value")
    }
}
