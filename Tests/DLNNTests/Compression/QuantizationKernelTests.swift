import Testing
@testable import DLNN

/// The int8 GEMM on every code path this machine runs (the scalar one always) against a naive
/// int32 reference, on shapes with remainders of every vector width (16 and 32 along K, 4 along N).
@Suite struct QuantizationKernelTests {
    static let sizes = [1, 3, 17, 31, 33, 65]

    /// C = A·Bᵀ in Int, no overflow possible.
    func reference(_ a: [Int8], _ b: [Int8], m: Int, n: Int, k: Int, lda: Int, ldb: Int) -> [Int32] {
        var c = [Int32](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0
                for p in 0..<k { sum += Int(a[i * lda + p]) * Int(b[j * ldb + p]) }
                c[i * n + j] = Int32(sum)
            }
        }
        return c
    }

    func run(_ path: Int8GEMM.Path, _ a: [Int8], _ b: [Int8], m: Int, n: Int, k: Int, lda: Int, ldb: Int) -> [Int32] {
        var c = [Int32](repeating: -1, count: m * n)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    Int8GEMM.multiply(path: path, m: m, n: n, k: k, a: a.baseAddress!, lda: lda, b: b.baseAddress!, ldb: ldb, c: c.baseAddress!, ldc: n)
                }
            }
        }
        return c
    }

    @Test func scalarIsAlwaysSupported() {
        #expect(Int8GEMM.supportedPaths.first == .scalar)
        #expect(Int8GEMM.supportedPaths.contains(Int8GEMM.bestPath))
    }

    @Test(arguments: Int8GEMM.supportedPaths)
    func randomShapesMatchTheReference(path: Int8GEMM.Path) {
        var generator = SeededGenerator(seed: 81)
        for m in [1, 3, 17] {
            for n in Self.sizes {
                for k in Self.sizes + [128, 200] {
                    // Row strides wider than K, as for a group of a convolution.
                    let (lda, ldb) = (k + 3, k + 1)
                    let a = (0..<m * lda).map { _ in Int8.random(in: .min ... .max, using: &generator) }
                    let b = (0..<n * ldb).map { _ in Int8.random(in: .min ... .max, using: &generator) }
                    let expected = reference(a, b, m: m, n: n, k: k, lda: lda, ldb: ldb)
                    #expect(run(path, a, b, m: m, n: n, k: k, lda: lda, ldb: ldb) == expected, "\(path) M \(m) N \(n) K \(k)")
                }
            }
        }
    }

    /// −128·−128 summed over a long K: the int16 products and int32 sums must not saturate.
    @Test(arguments: Int8GEMM.supportedPaths)
    func extremeValuesAccumulateExactly(path: Int8GEMM.Path) {
        for k in [31, 33, 4097] {
            for (x, y) in [(Int8.min, Int8.min), (Int8.max, Int8.max), (Int8.min, Int8.max)] {
                let (m, n) = (3, 5)
                let a = [Int8](repeating: x, count: m * k), b = [Int8](repeating: y, count: n * k)
                let c = run(path, a, b, m: m, n: n, k: k, lda: k, ldb: k)
                #expect(c == [Int32](repeating: Int32(k) * Int32(x) * Int32(y), count: m * n), "\(path) K \(k) \(x)·\(y)")
            }
        }
    }
}
