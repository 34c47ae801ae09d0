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

/// The matrix product op(a)·op(b) of two 2-D tensors, where op transposes when asked; of two
/// 3-D tensors [B, ·, ·], the B products of their matrices (a batched product, as `torch.bmm`).
public func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
    let product = ProductShape(a, b, transposeA: transposeA, transposeB: transposeB, operation: "matmul")
    var c = Tensor.zeros(product.outputShape)
    gemm(a, b, into: &c, transposeA: transposeA, transposeB: transposeB)
    return c
}

/// c ← α·op(a)·op(b) + β·c for 2-D tensors, or for each of the B matrices of 3-D tensors
/// [B, ·, ·], writing into the caller's `c` (GEMM; batched through `BLAS.gemmBatched`).
public func gemm(
    _ a: Tensor, _ b: Tensor, into c: inout Tensor,
    transposeA: Bool = false, transposeB: Bool = false, alpha: Float = 1, beta: Float = 0
) {
    let product = ProductShape(a, b, transposeA: transposeA, transposeB: transposeB, operation: "gemm")
    let (m, n, k) = (product.m, product.n, product.k)
    require(
        c.shape == product.outputShape,
        "gemm: result of \(describe(a.shape))\(transposeA ? "ᵀ" : "") × \(describe(b.shape))\(transposeB ? "ᵀ" : "") is \(product.outputShape), output has shape \(describe(c.shape))"
    )
    guard m > 0, n > 0, product.batch > 0 else { return }
    a.withUnsafeBufferPointer { aBuffer in
        b.withUnsafeBufferPointer { bBuffer in
            c.withUnsafeMutableBufferPointer { cBuffer in
                guard let cBase = cBuffer.baseAddress else { return }
                if k == 0 {
                    // An empty inner dimension contributes nothing: C ← β·C.
                    BLAS.scal(count: cBuffer.count, alpha: beta, x: cBase)
                    return
                }
                BLAS.gemmBatched(
                    transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                    a: aBuffer.baseAddress!, lda: a.shape[a.rank - 1], strideA: m * k,
                    b: bBuffer.baseAddress!, ldb: b.shape[b.rank - 1], strideB: k * n,
                    beta: beta, c: cBase, ldc: n, strideC: m * n, batchCount: product.batch
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

/// The sizes of op(a)·op(b) for 2-D operands, or of B such products for 3-D operands [B, ·, ·].
private struct ProductShape {
    let batch: Int, m: Int, n: Int, k: Int
    /// [m, n] for matrices, [B, m, n] for batches of them.
    let outputShape: TensorShape

    init(_ a: Tensor, _ b: Tensor, transposeA: Bool, transposeB: Bool, operation: String) {
        require(
            (a.rank == 2 || a.rank == 3) && b.rank == a.rank,
            "\(operation): expects two 2-D or two 3-D tensors, got \(describe(a.shape)) and \(describe(b.shape))")
        let batched = a.rank == 3
        require(
            !batched || a.shape[0] == b.shape[0],
            "\(operation): batches of \(a.shape[0]) and \(b.shape[0]) matrices in \(describe(a.shape)) × \(describe(b.shape))")
        let (rowsA, columnsA) = (a.shape[a.rank - 2], a.shape[a.rank - 1])
        let (rowsB, columnsB) = (b.shape[b.rank - 2], b.shape[b.rank - 1])
        let (m, k1) = transposeA ? (columnsA, rowsA) : (rowsA, columnsA)
        let (k2, n) = transposeB ? (columnsB, rowsB) : (rowsB, columnsB)
        require(
            k1 == k2,
            "\(operation): \(describe(a.shape))\(transposeA ? "ᵀ" : "") × \(describe(b.shape))\(transposeB ? "ᵀ" : ""): inner dimensions \(k1) and \(k2) differ"
        )
        (self.m, self.n, self.k) = (m, n, k1)
        batch = batched ? a.shape[0] : 1
        outputShape = batched ? TensorShape(batch, m, n) : TensorShape(m, n)
    }
}
