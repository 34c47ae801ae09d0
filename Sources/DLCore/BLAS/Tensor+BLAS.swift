extension Tensor {
    /// self ← self + α·x (AXPY); shapes must have the same element count.
    public mutating func addScaled(_ x: Tensor, by alpha: Float) {
        require(x.count == count, "addScaled: \(describe(x.shape)) into \(describe(shape)): element counts differ")
        x.withUnsafeBufferPointer { xs in
            withUnsafeMutableBufferPointer { ys in
                BLAS.axpy(count: ys.count, alpha: alpha, x: xs.baseAddress!, y: ys.baseAddress!)
            }
        }
    }

    /// self ← α·self (SCAL).
    public mutating func scale(by alpha: Float) {
        withUnsafeMutableBufferPointer { xs in
            guard let base = xs.baseAddress else { return }
            BLAS.scal(count: xs.count, alpha: alpha, x: base)
        }
    }

    /// The inner product of the elements of two tensors with equal element counts (DOT).
    public func dot(_ other: Tensor) -> Float {
        require(other.count == count, "dot: \(describe(shape)) · \(describe(other.shape)): element counts differ")
        return withUnsafeBufferPointer { xs in
            other.withUnsafeBufferPointer { ys in
                guard let x = xs.baseAddress, let y = ys.baseAddress else { return 0 }
                return BLAS.dot(count: xs.count, x: x, y: y)
            }
        }
    }

    /// The Euclidean norm of all elements (NRM2).
    public func norm() -> Float {
        withUnsafeBufferPointer { xs in
            guard let x = xs.baseAddress else { return 0 }
            return BLAS.nrm2(count: xs.count, x: x)
        }
    }
}

/// The matrix product op(a)·op(b) of two 2-D tensors, where op transposes when asked.
public func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
    let (m, n) = gemmOutputSize(a, b, transposeA: transposeA, transposeB: transposeB, operation: "matmul")
    var c = Tensor.zeros([m, n])
    gemm(a, b, into: &c, transposeA: transposeA, transposeB: transposeB)
    return c
}

/// c ← α·op(a)·op(b) + β·c for 2-D tensors, writing into the caller's `c` (GEMM).
public func gemm(
    _ a: Tensor, _ b: Tensor, into c: inout Tensor,
    transposeA: Bool = false, transposeB: Bool = false, alpha: Float = 1, beta: Float = 0
) {
    let (m, n) = gemmOutputSize(a, b, transposeA: transposeA, transposeB: transposeB, operation: "gemm")
    require(
        c.shape == [m, n],
        "gemm: result of \(describe(a.shape))\(transposeA ? "ᵀ" : "") × \(describe(b.shape))\(transposeB ? "ᵀ" : "") is [\(m), \(n)], output has shape \(describe(c.shape))"
    )
    guard m > 0, n > 0 else { return }
    let k = transposeA ? a.shape[0] : a.shape[1]
    a.withUnsafeBufferPointer { aBuffer in
        b.withUnsafeBufferPointer { bBuffer in
            c.withUnsafeMutableBufferPointer { cBuffer in
                guard let cBase = cBuffer.baseAddress else { return }
                if k == 0 {
                    // An empty inner dimension contributes nothing: C ← β·C.
                    BLAS.scal(count: cBuffer.count, alpha: beta, x: cBase)
                    return
                }
                BLAS.gemm(
                    transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                    a: aBuffer.baseAddress!, lda: a.shape[1], b: bBuffer.baseAddress!, ldb: b.shape[1],
                    beta: beta, c: cBase, ldc: n
                )
            }
        }
    }
}

/// The product op(a)·x of a 2-D tensor and a 1-D tensor (GEMV).
public func matvec(_ a: Tensor, _ x: Tensor, transposeA: Bool = false) -> Tensor {
    require(a.rank == 2 && x.rank == 1, "matvec: expects a matrix and a vector, got \(describe(a.shape)) and \(describe(x.shape))")
    let (rows, columns) = transposeA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
    require(
        columns == x.count,
        "matvec: \(describe(a.shape))\(transposeA ? "ᵀ" : "") × \(describe(x.shape)): inner dimensions \(columns) and \(x.count) differ"
    )
    var y = Tensor.zeros([rows])
    guard rows > 0, columns > 0 else { return y }
    a.withUnsafeBufferPointer { aBuffer in
        x.withUnsafeBufferPointer { xBuffer in
            y.withUnsafeMutableBufferPointer { yBuffer in
                guard let yBase = yBuffer.baseAddress else { return }
                BLAS.gemv(
                    transposeA: transposeA, m: a.shape[0], n: a.shape[1],
                    a: aBuffer.baseAddress!, lda: a.shape[1], x: xBuffer.baseAddress!, y: yBase
                )
            }
        }
    }
    return y
}

private func gemmOutputSize(
    _ a: Tensor, _ b: Tensor, transposeA: Bool, transposeB: Bool, operation: String
) -> (m: Int, n: Int) {
    require(a.rank == 2 && b.rank == 2, "\(operation): expects 2-D tensors, got \(describe(a.shape)) and \(describe(b.shape))")
    let (m, k1) = transposeA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
    let (k2, n) = transposeB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
    require(
        k1 == k2,
        "\(operation): \(describe(a.shape))\(transposeA ? "ᵀ" : "") × \(describe(b.shape))\(transposeB ? "ᵀ" : ""): inner dimensions \(k1) and \(k2) differ"
    )
    return (m, n)
}
