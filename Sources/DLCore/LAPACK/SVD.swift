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
        var info = decompose(matrix, u: &u, s: &s, vt: &vt) { a, s, u, vt in
            LAPACKE_sgesdd(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "S")), Int32(m), Int32(n),
                           a, Int32(n), s, u, Int32(r), vt, Int32(n))
        }
        if info > 0 {
            var superdiagonal = [Float](repeating: 0, count: Swift.max(r - 1, 1))
            info = decompose(matrix, u: &u, s: &s, vt: &vt) { a, s, u, vt in
                LAPACKE_sgesvd(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "S")), CChar(UInt8(ascii: "S")),
                               Int32(m), Int32(n), a, Int32(n), s, u, Int32(r),
                               vt, Int32(n), &superdiagonal)
            }
            try check(info, routine: "sgesvd")
        } else {
            try check(info, routine: "sgesdd")
        }
        return SingularValueDecomposition(u: u, singularValues: s, vt: vt)
    }

    /// The singular values of a 2-D tensor, largest first, without computing singular vectors.
    public static func singularValues(_ matrix: Tensor) throws -> Tensor {
        let (m, n) = try checkedMatrix(matrix, routine: "sgesdd")
        let r = Swift.min(m, n)
        var s = Tensor.zeros([r])
        guard r > 0 else { return s }
        var a = matrix.scalars
        let no = CChar(UInt8(ascii: "N"))
        var info = s.withUnsafeMutableBufferPointer { sBuffer in
            // LAPACKE checks the leading dimensions even when no vectors are computed.
            LAPACKE_sgesdd(LAPACK_ROW_MAJOR, no, Int32(m), Int32(n), &a, Int32(n),
                           sBuffer.baseAddress, nil, Int32(r), nil, Int32(n))
        }
        if info > 0 {
            a = matrix.scalars
            var superdiagonal = [Float](repeating: 0, count: Swift.max(r - 1, 1))
            info = s.withUnsafeMutableBufferPointer { sBuffer in
                LAPACKE_sgesvd(LAPACK_ROW_MAJOR, no, no, Int32(m), Int32(n), &a, Int32(n),
                               sBuffer.baseAddress, nil, Int32(r), nil, Int32(n), &superdiagonal)
            }
            try check(info, routine: "sgesvd")
        } else {
            try check(info, routine: "sgesdd")
        }
        return s
    }

    private static func checkedMatrix(_ matrix: Tensor, routine: String) throws -> (Int, Int) {
        require(matrix.rank == 2, "svd: expects a 2-D tensor, got shape \(describe(matrix.shape))")
        guard matrix.scalars.allSatisfy({ $0.isFinite }) else { throw LAPACKError.nonFiniteInput(routine: routine) }
        return (matrix.shape[0], matrix.shape[1])
    }

    /// Runs a driver on a copy of `matrix` (LAPACK overwrites its input) and the output buffers.
    private static func decompose(
        _ matrix: Tensor, u: inout Tensor, s: inout Tensor, vt: inout Tensor,
        _ driver: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> Int32
    ) -> Int32 {
        var a = matrix.scalars
        return a.withUnsafeMutableBufferPointer { aBuffer in
            s.withUnsafeMutableBufferPointer { sBuffer in
                u.withUnsafeMutableBufferPointer { uBuffer in
                    vt.withUnsafeMutableBufferPointer { vtBuffer in
                        driver(aBuffer.baseAddress!, sBuffer.baseAddress!, uBuffer.baseAddress!, vtBuffer.baseAddress!)
                    }
                }
            }
        }
    }

    private static func check(_ info: Int32, routine: String) throws {
        if info < 0 { throw LAPACKError.illegalArgument(routine: routine, argument: Int(-info)) }
        if info > 0 { throw LAPACKError.noConvergence(routine: routine, info: Int(info)) }
    }
}
