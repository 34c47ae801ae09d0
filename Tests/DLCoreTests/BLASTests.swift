import Testing
@testable import DLCore

@Suite struct BLASTests {
    /// Shapes (m, n, k): square and not, size 1, primes.
    static let shapes: [(Int, Int, Int)] = [(1, 1, 1), (1, 7, 3), (5, 1, 2), (4, 4, 4), (13, 7, 11), (2, 31, 17), (64, 10, 33)]

    @Test(arguments: [(false, false), (false, true), (true, false), (true, true)])
    func gemmMatchesNaive(transposeA: Bool, transposeB: Bool) {
        var generator = SeededGenerator(seed: 1)
        for (m, n, k) in Self.shapes {
            let a = Tensor.randomNormal(transposeA ? [k, m] : [m, k], using: &generator)
            let b = Tensor.randomNormal(transposeB ? [n, k] : [k, n], using: &generator)
            var c = Tensor.randomNormal([m, n], using: &generator)
            let (alpha, beta): (Float, Float) = (0.75, -1.5)
            let expectedProduct = Naive.matmul(
                a.scalars, rowsA: a.shape[0], columnsA: a.shape[1], transposeA: transposeA,
                b.scalars, rowsB: b.shape[0], columnsB: b.shape[1], transposeB: transposeB)
            let expected = zip(expectedProduct, c.scalars).map { Double(alpha) * $0 + Double(beta) * Double($1) }
            gemm(a, b, into: &c, transposeA: transposeA, transposeB: transposeB, alpha: alpha, beta: beta)
            #expect(relativeError(c.scalars, expected) < 1e-5, "gemm \(m)×\(n)×\(k) tA=\(transposeA) tB=\(transposeB)")
            let product = matmul(a, b, transposeA: transposeA, transposeB: transposeB)
            #expect(product.shape == [m, n])
            #expect(relativeError(product.scalars, expectedProduct) < 1e-5)
        }
    }

    @Test func gemmHonoursLeadingDimensions() {
        // Multiply the top-left 3×2 block of a 3×5 matrix by the 2×4 block of a 2×6 matrix into a 3×4 block of a 3×7 output.
        var generator = SeededGenerator(seed: 2)
        let a = Tensor.randomNormal([3, 5], using: &generator)
        let b = Tensor.randomNormal([2, 6], using: &generator)
        var c = Tensor.zeros([3, 7])
        a.withUnsafeBufferPointer { aBuffer in
            b.withUnsafeBufferPointer { bBuffer in
                c.withUnsafeMutableBufferPointer { cBuffer in
                    BLAS.gemm(transposeA: false, transposeB: false, m: 3, n: 4, k: 2,
                              a: aBuffer.baseAddress!, lda: 5, b: bBuffer.baseAddress!, ldb: 6,
                              c: cBuffer.baseAddress!, ldc: 7)
                }
            }
        }
        for i in 0..<3 {
            for j in 0..<7 {
                let expected: Float = j < 4 ? (0..<2).reduce(0) { $0 + a[i, $1] * b[$1, j] } : 0
                #expect(abs(c[i, j] - expected) < 1e-5)
            }
        }
    }

    @Test func gemvMatchesNaive() {
        var generator = SeededGenerator(seed: 3)
        for (m, n) in [(1, 1), (1, 9), (7, 1), (13, 29), (64, 33)] {
            let a = Tensor.randomNormal([m, n], using: &generator)
            let x = Tensor.randomNormal([n], using: &generator)
            let z = Tensor.randomNormal([m], using: &generator)
            #expect(relativeError(matvec(a, x).scalars, Naive.matmul(a.scalars, rowsA: m, columnsA: n, transposeA: false, x.scalars, rowsB: n, columnsB: 1, transposeB: false)) < 1e-5)
            #expect(relativeError(matvec(a, z, transposeA: true).scalars, Naive.matmul(a.scalars, rowsA: m, columnsA: n, transposeA: true, z.scalars, rowsB: m, columnsB: 1, transposeB: false)) < 1e-5)
        }
    }

    @Test func level1Routines() {
        var x = Tensor([3, -4, 0, 1])
        let y = Tensor([1, 2, 3, 4])
        #expect(x.dot(y) == 3 - 8 + 0 + 4)
        #expect(abs(Tensor([3, 4]).norm() - 5) < 1e-6)
        x.addScaled(y, by: 2)
        #expect(x == Tensor([5, 0, 6, 9]))
        x.scale(by: -0.5)
        #expect(x == Tensor([-2.5, 0, -3, -4.5]))
        #expect(Tensor.zeros([0]).norm() == 0)
    }

    @Test func emptyInnerDimensionScalesTheOutput() {
        var c = Tensor.ones([2, 3])
        gemm(Tensor.zeros([2, 0]), Tensor.zeros([0, 3]), into: &c, beta: 2)
        #expect(c == Tensor(repeating: 2, shape: [2, 3]))
    }

    @Test func threadCountCanBeSet() {
        let original = BLAS.threadCount
        BLAS.threadCount = 1
        #expect(BLAS.threadCount == 1)
        BLAS.threadCount = original
        #expect(BLAS.configuration.contains("OpenBLAS"))
    }

    @Test func matmulNamesShapesOnMismatch() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = matmul(Tensor.zeros([64, 784]), Tensor.zeros([512, 10]))
        }.map { result in
            let message = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(message.contains("matmul: [64, 784] × [512, 10]: inner dimensions 784 and 512 differ"))
        }
    }
}

@Suite struct BatchedGEMMTests {
    @Test(arguments: [(false, false), (false, true), (true, false), (true, true)])
    func batchedProductIsEachMatrixProduct(transposeA: Bool, transposeB: Bool) {
        var generator = SeededGenerator(seed: 7)
        for (batch, m, n, k) in [(1, 3, 4, 5), (3, 7, 1, 2), (5, 2, 9, 13)] {
            let a = Tensor.randomNormal(transposeA ? [batch, k, m] : [batch, m, k], using: &generator)
            let b = Tensor.randomNormal(transposeB ? [batch, n, k] : [batch, k, n], using: &generator)
            let product = matmul(a, b, transposeA: transposeA, transposeB: transposeB)
            #expect(product.shape == [batch, m, n])
            for i in 0..<batch {
                let (ai, bi) = (a.entry(i), b.entry(i))
                let expected = Naive.matmul(
                    ai.scalars, rowsA: ai.shape[0], columnsA: ai.shape[1], transposeA: transposeA,
                    bi.scalars, rowsB: bi.shape[0], columnsB: bi.shape[1], transposeB: transposeB)
                #expect(relativeError(product.entry(i).scalars, expected) < 1e-5, "batch \(i) of \(batch)×\(m)×\(n)×\(k)")
            }
        }
    }

    @Test func stridesOfZeroRepeatAnOperand() {
        // One weight matrix against every image, accumulated onto C (β = 1): a grouped layer's shape of call.
        var generator = SeededGenerator(seed: 8)
        let w = Tensor.randomNormal([2, 3], using: &generator)
        let x = Tensor.randomNormal([4, 3, 5], using: &generator)
        let start = Tensor.randomNormal([4, 2, 5], using: &generator)
        var y = start
        w.withUnsafeBufferPointer { wb in
            x.withUnsafeBufferPointer { xb in
                y.withUnsafeMutableBufferPointer { yb in
                    BLAS.gemmBatched(
                        transposeA: false, transposeB: false, m: 2, n: 5, k: 3,
                        a: wb.baseAddress!, lda: 3, strideA: 0, b: xb.baseAddress!, ldb: 5, strideB: 15,
                        beta: 1, c: yb.baseAddress!, ldc: 5, strideC: 10, batchCount: 4)
                }
            }
        }
        for i in 0..<4 {
            let expected = zip(Naive.matmul(w.scalars, rowsA: 2, columnsA: 3, transposeA: false,
                                            x.entry(i).scalars, rowsB: 3, columnsB: 5, transposeB: false),
                               start.entry(i).scalars).map { $0 + Double($1) }
            #expect(relativeError(y.entry(i).scalars, expected) < 1e-5)
        }
    }
}
