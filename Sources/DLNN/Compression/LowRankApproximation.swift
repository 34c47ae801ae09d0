/// A matrix W [m, n] with its SVD W = U·diag(S)·Vᵀ, from which the best rank-k approximation
/// (Eckart–Young) is read off as two balanced factors.
///
/// The split: Wₖ = A·B with A = Uₖ·diag(√Sₖ) [m, k] and B = diag(√Sₖ)·Vₖᵀ [k, n]. Giving each
/// factor √σᵢ (rather than A = UₖSₖ, B = Vₖᵀ) keeps the two factors at the same scale, so neither
/// holds values far larger or smaller than W's, and one learning rate suits both when fine-tuning.
///
/// With σ₁ ≥ σ₂ ≥ … the singular values, the approximation keeps the energy fraction
/// Σ_{i≤k} σᵢ² / Σᵢ σᵢ² and has relative error ‖W − Wₖ‖_F / ‖W‖_F = √(Σ_{i>k} σᵢ²) / ‖W‖_F.
public struct LowRankApproximation: Sendable {
    /// W, shape [m, n].
    public let matrix: Tensor
    /// The thin SVD of W.
    public let decomposition: SingularValueDecomposition
    /// r = min(m, n): the largest rank.
    public var maximumRank: Int { decomposition.singularValues.count }

    /// Decomposes `matrix` (2-D); throws `LAPACKError` for non-finite entries or non-convergence.
    public init(_ matrix: Tensor) throws {
        self.matrix = matrix
        decomposition = try LAPACK.svd(matrix)
    }

    /// σᵢ², largest first, in double precision.
    var squaredSingularValues: [Double] { decomposition.singularValues.scalars.map { Double($0) * Double($0) } }

    /// (A [m, k], B [k, n]) with A·B = Wₖ, each carrying √σᵢ.
    public func factors(rank k: Int) -> (left: Tensor, right: Tensor) {
        require(k >= 1 && k <= maximumRank, "LowRankApproximation: rank \(k) outside 1...\(maximumRank)")
        let (m, n, r) = (matrix.shape[0], matrix.shape[1], maximumRank)
        let roots = decomposition.singularValues.scalars.prefix(k).map { $0.squareRoot() }
        let u = decomposition.u.scalars, vt = decomposition.vt.scalars
        let left = Tensor(shape: [m, k]) { a in
            for i in 0..<m {
                for j in 0..<k { a[i * k + j] = u[i * r + j] * roots[j] }
            }
        }
        let right = Tensor(shape: [k, n]) { b in
            for i in 0..<k {
                for j in 0..<n { b[i * n + j] = roots[i] * vt[i * n + j] }
            }
        }
        return (left, right)
    }

    /// Σ_{i≤k} σᵢ² / Σᵢ σᵢ² (1 for the zero matrix).
    public func retainedEnergy(rank k: Int) -> Double {
        let energies = squaredSingularValues
        let total = energies.reduce(0, +)
        return total > 0 ? energies.prefix(k).reduce(0, +) / total : 1
    }

    /// ‖W − A·B‖_F / ‖W‖_F, measured from the rank-`k` factors (not from the singular values),
    /// so it also checks the factorization; 0 for the zero matrix.
    public func relativeError(rank k: Int) -> Double {
        let (left, right) = factors(rank: k)
        let residual = matrix - matmul(left, right)
        let norm = Double(matrix.norm())
        return norm > 0 ? Double(residual.norm()) / norm : 0
    }
}
