import CBLAS
import Foundation

/// Single-precision BLAS through OpenBLAS: the one place the library calls `cblas_*`.
///
/// The raw-pointer functions take row-major matrices with explicit leading dimensions, as CBLAS
/// does; the `Tensor` functions in `Tensor+BLAS.swift` check shapes and call these.
public enum BLAS {
    /// C ← α·op(A)·op(B) + β·C, with op(A) of size m×k, op(B) of size k×n and C of size m×n,
    /// all row-major. `lda`, `ldb`, `ldc` are the row strides of A, B and C as stored.
    @inlinable
    public static func gemm(
        transposeA: Bool, transposeB: Bool,
        m: Int, n: Int, k: Int,
        alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0, n > 0 else { return }
        warnOnceAboutFallbackKernels()
        cblas_sgemm(
            CblasRowMajor,
            transposeA ? CblasTrans : CblasNoTrans,
            transposeB ? CblasTrans : CblasNoTrans,
            blasint(m), blasint(n), blasint(k),
            alpha, a, blasint(Swift.max(lda, 1)), b, blasint(Swift.max(ldb, 1)),
            beta, c, blasint(Swift.max(ldc, 1))
        )
    }

    /// C_i ← α·op(A_i)·op(B_i) + β·C_i for i in 0..<`batchCount`, with A_i = a + i·`strideA`,
    /// B_i = b + i·`strideB` and C_i = c + i·`strideC` (strides in elements; 0 repeats an operand):
    /// a grouped convolution's groups, the heads of attention. A loop over `gemm`, which OpenBLAS
    /// 0.3.21 (no `cblas_sgemm_batch`) offers nothing faster for.
    public static func gemmBatched(
        transposeA: Bool, transposeB: Bool,
        m: Int, n: Int, k: Int,
        alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, strideA: Int,
        b: UnsafePointer<Float>, ldb: Int, strideB: Int,
        beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int, strideC: Int,
        batchCount: Int
    ) {
        for i in 0..<batchCount {
            gemm(
                transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                a: a + i * strideA, lda: lda, b: b + i * strideB, ldb: ldb,
                beta: beta, c: c + i * strideC, ldc: ldc)
        }
    }

    /// y ← α·op(A)·x + β·y, with A an m×n row-major matrix with row stride `lda`.
    @inlinable
    public static func gemv(
        transposeA: Bool, m: Int, n: Int,
        alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int,
        x: UnsafePointer<Float>, incrementX: Int = 1,
        beta: Float = 0,
        y: UnsafeMutablePointer<Float>, incrementY: Int = 1
    ) {
        guard m > 0, n > 0 else { return }
        warnOnceAboutFallbackKernels()
        cblas_sgemv(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans,
            blasint(m), blasint(n), alpha, a, blasint(Swift.max(lda, 1)),
            x, blasint(incrementX), beta, y, blasint(incrementY)
        )
    }

    /// y ← α·x + y over `count` elements.
    @inlinable
    public static func axpy(
        count: Int, alpha: Float, x: UnsafePointer<Float>, incrementX: Int = 1,
        y: UnsafeMutablePointer<Float>, incrementY: Int = 1
    ) {
        guard count > 0 else { return }
        cblas_saxpy(blasint(count), alpha, x, blasint(incrementX), y, blasint(incrementY))
    }

    /// x ← α·x over `count` elements.
    @inlinable
    public static func scal(count: Int, alpha: Float, x: UnsafeMutablePointer<Float>, incrementX: Int = 1) {
        guard count > 0 else { return }
        cblas_sscal(blasint(count), alpha, x, blasint(incrementX))
    }

    /// xᵀy over `count` elements.
    @inlinable
    public static func dot(
        count: Int, x: UnsafePointer<Float>, incrementX: Int = 1, y: UnsafePointer<Float>, incrementY: Int = 1
    ) -> Float {
        guard count > 0 else { return 0 }
        return cblas_sdot(blasint(count), x, blasint(incrementX), y, blasint(incrementY))
    }

    /// ‖x‖₂ over `count` elements, computed without overflow.
    @inlinable
    public static func nrm2(count: Int, x: UnsafePointer<Float>, incrementX: Int = 1) -> Float {
        guard count > 0 else { return 0 }
        return cblas_snrm2(blasint(count), x, blasint(incrementX))
    }

    /// The number of threads OpenBLAS uses. It starts from the `OPENBLAS_NUM_THREADS`
    /// environment variable (or the core count); setting it changes it for the whole process.
    public static var threadCount: Int {
        get { Int(openblas_get_num_threads()) }
        set {
            require(newValue >= 1, "BLAS.threadCount: \(newValue) must be at least 1")
            openblas_set_num_threads(Int32(newValue))
        }
    }

    /// OpenBLAS's build configuration, e.g. `OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY SkylakeX MAX_THREADS=64`.
    public static var configuration: String {
        String(cString: openblas_get_config())
    }

    /// The CPU kernel family OpenBLAS selected at run time, e.g. `SkylakeX` or `Haswell`.
    /// `OpenBLASKernels.current` tells whether it is the best this CPU supports.
    public static var coreName: String {
        String(cString: openblas_get_corename())
    }

    /// Writes `OpenBLASKernels.current.warning` to standard error, once per process, when
    /// OpenBLAS's kernels are a fallback: the first GEMM, GEMV or SVD triggers it.
    @inlinable
    static func warnOnceAboutFallbackKernels() {
        _ = fallbackKernelWarning
    }

    @usableFromInline
    static let fallbackKernelWarning: Void = {
        if let warning = OpenBLASKernels.current.warning {
            FileHandle.standardError.write(Data((warning + "\n").utf8))
        }
    }()
}
