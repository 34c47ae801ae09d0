@testable import DLCore

/// Straightforward double-precision references the BLAS and im2col kernels are checked against.
enum Naive {
    /// op(A)·op(B) in Double, for row-major A (stored rows × columns as given) and B.
    static func matmul(
        _ a: [Float], rowsA: Int, columnsA: Int, transposeA: Bool,
        _ b: [Float], rowsB: Int, columnsB: Int, transposeB: Bool
    ) -> [Double] {
        let m = transposeA ? columnsA : rowsA, k = transposeA ? rowsA : columnsA
        let n = transposeB ? rowsB : columnsB
        func aAt(_ i: Int, _ p: Int) -> Double { Double(transposeA ? a[p * columnsA + i] : a[i * columnsA + p]) }
        func bAt(_ p: Int, _ j: Int) -> Double { Double(transposeB ? b[j * columnsB + p] : b[p * columnsB + j]) }
        var c = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var total = 0.0
                for p in 0..<k { total += aAt(i, p) * bAt(p, j) }
                c[i * n + j] = total
            }
        }
        return c
    }

    /// Direct convolution (cross-correlation) of NCHW `input` with weights [Cout, Cin, kh, kw], in Double.
    static func convolution(
        input: Tensor, weight: Tensor, geometry g: ConvolutionGeometry
    ) -> [Double] {
        let (batch, outputChannels) = (input.shape[0], weight.shape[0])
        var output = [Double](repeating: 0, count: batch * outputChannels * g.outputPlaneSize)
        for n in 0..<batch {
            for co in 0..<outputChannels {
                for y in 0..<g.outputHeight {
                    for x in 0..<g.outputWidth {
                        var total = 0.0
                        for ci in 0..<g.channels {
                            for i in 0..<g.kernelHeight {
                                for j in 0..<g.kernelWidth {
                                    let inputY = y * g.strideHeight - g.paddingHeight + i * g.dilationHeight
                                    let inputX = x * g.strideWidth - g.paddingWidth + j * g.dilationWidth
                                    guard inputY >= 0, inputY < g.inputHeight, inputX >= 0, inputX < g.inputWidth else { continue }
                                    total += Double(input[n, ci, inputY, inputX]) * Double(weight[co, ci, i, j])
                                }
                            }
                        }
                        output[((n * outputChannels + co) * g.outputHeight + y) * g.outputWidth + x] = total
                    }
                }
            }
        }
        return output
    }
}

/// ‖a − b‖ / max(‖b‖, tiny), in Double.
func relativeError(_ a: [Float], _ b: [Double]) -> Double {
    precondition(a.count == b.count, "relativeError: lengths \(a.count) and \(b.count) differ")
    var difference = 0.0, norm = 0.0
    for (x, y) in zip(a, b) {
        difference += (Double(x) - y) * (Double(x) - y)
        norm += y * y
    }
    return difference.squareRoot() / Swift.max(norm.squareRoot(), 1e-30)
}
