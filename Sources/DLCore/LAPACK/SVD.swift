import CBLAS

/// The thin singular value decomposition A = U·diag(S)·Vᵀ of an m×n matrix, with r = min(m, n):
/// U is m×r with orthonormal columns, S holds r singular values in descending order, and
/// Vᵀ is r×n with orthonormal rows.
public struct SingularValueDecomposition: Sendable {
    /// The left singular vectors, shape [m, r].
    public var u: Tensor
    /// The singular values, shape [r], largest first.
    public var singularValues: Tensor
    /// The transposed right singular vectors, shape [r, n].
    public var vt: Tensor

    /// U·diag(S)·Vᵀ restricted to the first `rank` singular triplets: the best rank-`rank`
    /// approximation of the decomposed matrix in the Frobenius and spectral norms (Eckart–Young).
    public func reconstruction(rank: Int? = nil) -> Tensor {
        let r = rank ?? singularValues.count
        require(r >= 0 && r <= singularValues.count, "SVD.reconstruction: rank \(r) outside 0...\(singularValues.count)")
        let m = u.shape[0], full = singularValues.count
        // U_r·diag(S_r): scale the first r columns of U.
        let scaledU = Tensor(shape: [m, r]) { out in
            for i in 0..<m {
                for j in 0..<r { out[i * r + j] = u.scalars[i * full + j] * singularValues.scalars[j] }
            }
        }
        let vtRows = vt.slice(batch: 0..<r)
        return matmul(scaledU, vtRows)
    }
}

/// LAPACK routines the library needs, with `info != 0` turned into thrown `LAPACKError`s.
///
/// The drivers are the ones bundled in libopenblas, so SVDs run on the same OpenBLAS instance,
/// threads and kernels as every GEMM.
public enum LAPACK {
    /// The thin SVD of a 2-D tensor.
    ///
    /// Uses the divide-and-conquer driver `sgesdd`; if it reports non-convergence, retries with
    /// the QR-iteration driver `sgesvd`, which is slower but converges in cases `sgesdd` does not.
    public static func svd(_ matrix: Tensor) throws -> SingularValueDecomposition {
        let (m, n) = try checkedMatrix(matrix, routine: "sgesdd")
        let r = Swift.min(m, n)
        var u = Tensor.zeros([m, r]), s = Tensor.zeros([r]), vt = Tensor.zeros([r, n])
        guard r > 0 else { return SingularValueDecomposition(u: u, singularValues: s, vt: vt) }
        try u.withUnsafeMutableBufferPointer { uBuffer in
            try vt.withUnsafeMutableBufferPointer { vtBuffer in
                try s.withUnsafeMutableBufferPointer { sBuffer in
                    try decompose(matrix, vectors: (uBuffer.baseAddress!, vtBuffer.baseAddress!), s: sBuffer.baseAddress!)
                }
            }
        }
        return SingularValueDecomposition(u: u, singularValues: s, vt: vt)
    }

    /// The singular values of a 2-D tensor, largest first, without computing singular vectors.
    public static func singularValues(_ matrix: Tensor) throws -> Tensor {
        let (m, n) = try checkedMatrix(matrix, routine: "sgesdd")
        var s = Tensor.zeros([Swift.min(m, n)])
        guard s.count > 0 else { return s }
        try s.withUnsafeMutableBufferPointer { sBuffer in
            try decompose(matrix, vectors: nil, s: sBuffer.baseAddress!)
        }
        return s
    }

    private static func checkedMatrix(_ matrix: Tensor, routine: String) throws -> (Int, Int) {
        require(matrix.rank == 2, "svd: expects a 2-D tensor, got shape \(describe(matrix.shape))")
        guard matrix.scalars.allSatisfy({ $0.isFinite }) else { throw LAPACKError.nonFiniteInput(routine: routine) }
        return (matrix.shape[0], matrix.shape[1])
    }

    /// Decomposes the row-major m×n `matrix` into `s` and, when `vectors` is given, U (m×r) and Vᵀ (r×n),
    /// both row-major; `sgesdd` first, `sgesvd` if it does not converge.
    ///
    /// Row-major A is column-major Aᵀ (n×m). Fortran decomposes Aᵀ = U′·S·V′ᵀ, so A = V′·S·U′ᵀ:
    /// Fortran's column-major U′ (n×r) is our row-major Vᵀ and its column-major V′ᵀ (r×m) our row-major U.
    private static func decompose(
        _ matrix: Tensor, vectors: (u: UnsafeMutablePointer<Float>, vt: UnsafeMutablePointer<Float>)?,
        s: UnsafeMutablePointer<Float>
    ) throws {
        var rows = blasint(matrix.shape[1]), columns = blasint(matrix.shape[0])
        let r = Swift.min(rows, columns)
        var leadingU = vectors == nil ? 1 : rows, leadingVT = vectors == nil ? 1 : r
        var job = CChar(UInt8(ascii: vectors == nil ? "N" : "S"))
        BLAS.warnOnceAboutFallbackKernels()
        var a = matrix.scalars   // LAPACK overwrites its input.
        var info: blasint = 0

        var integerWork = [blasint](repeating: 0, count: 8 * Int(r))
        func gesdd(_ work: UnsafeMutablePointer<Float>, _ count: blasint) {
            var count = count
            sgesdd_(&job, &rows, &columns, &a, &rows, s, vectors?.vt, &leadingU, vectors?.u, &leadingVT,
                    work, &count, &integerWork, &info, 1)
        }
        runWithWorkspace(gesdd)
        if info > 0 {
            a = matrix.scalars
            func gesvd(_ work: UnsafeMutablePointer<Float>, _ count: blasint) {
                var count = count
                sgesvd_(&job, &job, &rows, &columns, &a, &rows, s, vectors?.vt, &leadingU, vectors?.u, &leadingVT,
                        work, &count, &info, 1, 1)
            }
            runWithWorkspace(gesvd)
            try check(info, routine: "sgesvd")
        } else {
            try check(info, routine: "sgesdd")
        }
    }

    /// Calls `driver` once with `lwork = -1` to learn the optimal workspace size, then with a workspace of that size.
    private static func runWithWorkspace(_ driver: (UnsafeMutablePointer<Float>, blasint) -> Void) {
        var optimalSize: Float = 0
        driver(&optimalSize, -1)
        let count = Swift.max(Int(optimalSize.rounded(.up)), 1)
        var work = [Float](repeating: 0, count: count)
        work.withUnsafeMutableBufferPointer { driver($0.baseAddress!, blasint(count)) }
    }

    private static func check(_ info: blasint, routine: String) throws {
        if info < 0 { throw LAPACKError.illegalArgument(routine: routine, argument: Int(-info)) }
        if info > 0 { throw LAPACKError.noConvergence(routine: routine, info: Int(info)) }
    }
}
