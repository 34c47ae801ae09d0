import CInt8GEMM

/// The int8 matrix product with int32 accumulation that the quantized layers run on: OpenBLAS
/// has none, so it is a small C kernel (`CInt8GEMM`) with an AVX-512 VNNI path, an AVX2 path and
/// portable loops, chosen at run time from what the CPU supports.
///
///     C[m, n] = Σₖ A[m, k]·B[n, k]      A [M, K], B [N, K] (rows along K, like a Dense weight), C [M, N] in int32
///
/// The sums are exact: |A·B| ≤ 128² per term, so any K below 131,072 stays inside int32.
public enum Int8GEMM {
    /// A code path of the kernel.
    public enum Path: String, CaseIterable, Sendable {
        /// Portable C loops.
        case scalar
        /// AVX2: sign-extend to int16, multiply pairs and add into int32 (`vpmaddwd`).
        case avx2
        /// AVX-512 VNNI: sign-extend to int16, multiply-accumulate pairs into int32 (`vpdpwssd`).
        case avx512VNNI = "avx512-vnni"

        var cValue: DLInt8GEMMPath {
            switch self {
            case .scalar: DL_INT8_GEMM_SCALAR
            case .avx2: DL_INT8_GEMM_AVX2
            case .avx512VNNI: DL_INT8_GEMM_AVX512_VNNI
            }
        }

        /// Whether this machine's CPU and operating system run the path.
        public var isSupported: Bool { dl_int8_gemm_supports(cValue) != 0 }
    }

    /// The paths this machine runs, scalar first.
    public static var supportedPaths: [Path] { Path.allCases.filter(\.isSupported) }

    /// The fastest path this machine runs, used by the quantized layers.
    public static let bestPath: Path = supportedPaths.last ?? .scalar

    /// The largest K whose sums are exact in int32.
    public static let maximumDepth = 131_071

    /// C [M, N] (row stride `ldc`) = A [M, K] (row stride `lda`) · B [N, K]ᵀ (row stride `ldb`),
    /// overwriting C; `path` must be supported.
    public static func multiply(
        path: Path = bestPath, m: Int, n: Int, k: Int,
        a: UnsafePointer<Int8>, lda: Int, b: UnsafePointer<Int8>, ldb: Int,
        c: UnsafeMutablePointer<Int32>, ldc: Int
    ) {
        require(path.isSupported, "Int8GEMM: path \(path.rawValue) is not supported by this machine")
        require(m >= 0 && n >= 0 && k >= 0 && k <= maximumDepth, "Int8GEMM: M \(m), N \(n), K \(k): expected non-negative sizes and K ≤ \(maximumDepth)")
        require(lda >= k && ldb >= k && ldc >= n, "Int8GEMM: strides lda \(lda), ldb \(ldb), ldc \(ldc) are below K \(k) or N \(n)")
        dl_int8_gemm(path.cValue, Int32(m), Int32(n), Int32(k), a, Int32(lda), b, Int32(ldb), c, Int32(ldc))
    }
}
