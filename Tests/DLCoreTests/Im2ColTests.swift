import Testing
@testable import DLCore

@Suite struct Im2ColTests {
    /// (N, C, H, W, Cout, kernel, stride, padding, dilation)
    static let cases: [(Int, Int, Int, Int, Int, (Int, Int), (Int, Int), (Int, Int), (Int, Int))] = [
        (1, 1, 5, 5, 1, (3, 3), (1, 1), (0, 0), (1, 1)),
        (2, 3, 7, 6, 4, (3, 3), (1, 1), (1, 1), (1, 1)),
        (3, 2, 9, 8, 5, (3, 2), (2, 3), (1, 0), (1, 1)),
        (2, 2, 11, 10, 3, (3, 3), (1, 2), (2, 2), (2, 3)),
        (1, 4, 6, 6, 2, (1, 1), (2, 2), (0, 0), (1, 1)),
        (2, 1, 4, 4, 2, (5, 5), (3, 3), (2, 2), (1, 1)),
        (1, 3, 1, 1, 2, (1, 1), (1, 1), (0, 0), (1, 1)),
    ]

    @Test func convolutionByIm2ColAndGEMMEqualsDirectConvolution() {
        var generator = SeededGenerator(seed: 11)
        for (n, c, h, w, cout, kernel, stride, padding, dilation) in Self.cases {
            let g = ConvolutionGeometry(channels: c, height: h, width: w, kernel: kernel, stride: stride, padding: padding, dilation: dilation)
            let input = Tensor.randomNormal([n, c, h, w], using: &generator)
            let weight = Tensor.randomNormal([cout, c, kernel.0, kernel.1], using: &generator)
            // [Cout, C·kh·kw] × [C·kh·kw, N·Ho·Wo] → [Cout, N·Ho·Wo], then to NCHW.
            let product = matmul(weight.reshaped([cout, -1]), input.im2col(geometry: g))
            let output = Tensor(shape: [n, cout, g.outputHeight, g.outputWidth]) { out in
                let plane = g.outputPlaneSize
                for image in 0..<n {
                    for channel in 0..<cout {
                        for p in 0..<plane {
                            out[(image * cout + channel) * plane + p] = product.scalars[channel * n * plane + image * plane + p]
                        }
                    }
                }
            }
            let expected = Naive.convolution(input: input, weight: weight, geometry: g)
            #expect(relativeError(output.scalars, expected) < 1e-5, "case \(n)×\(c)×\(h)×\(w) k\(kernel) s\(stride) p\(padding) d\(dilation)")
        }
    }

    @Test func col2imIsTheAdjointOfIm2Col() {
        var generator = SeededGenerator(seed: 12)
        for (n, c, h, w, _, kernel, stride, padding, dilation) in Self.cases {
            let g = ConvolutionGeometry(channels: c, height: h, width: w, kernel: kernel, stride: stride, padding: padding, dilation: dilation)
            let x = Tensor.randomNormal([n, c, h, w], using: &generator)
            let y = Tensor.randomNormal([g.patchSize, n * g.outputPlaneSize], using: &generator)
            let lhs = Double(x.im2col(geometry: g).dot(y))
            let rhs = Double(x.dot(y.col2im(geometry: g, batchSize: n)))
            #expect(abs(lhs - rhs) <= 1e-4 * max(1, abs(lhs)), "⟨im2col(x), y⟩ = ⟨x, col2im(y)⟩")
        }
    }

    @Test func outputExtentArithmetic() {
        #expect(ConvolutionGeometry.outputExtent(input: 28, kernel: 5, stride: 1, padding: 2) == 28)
        #expect(ConvolutionGeometry.outputExtent(input: 28, kernel: 2, stride: 2, padding: 0) == 14)
        #expect(ConvolutionGeometry.outputExtent(input: 7, kernel: 3, stride: 2, padding: 1, dilation: 2) == 3)
        #expect(ConvolutionGeometry.outputExtent(input: 2, kernel: 5, stride: 1, padding: 0) == 0)
    }

    @Test func emptyOutputStopsWithAMessage() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = ConvolutionGeometry(channels: 1, height: 2, width: 2, kernel: (5, 5))
        }.map { result in
            let message = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(message.contains("input 2×2 with kernel 5×5"))
            #expect(message.contains("empty"))
        }
    }
}
