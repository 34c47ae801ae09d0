import Testing
@testable import DLCore

/// Every path of the direct-convolution kernels against Double loops over the same flat layout, on
/// sizes that hit each part of the vector code: full blocks of outputs and vectors, single
/// vectors, the overlapping last vector, masked gradient tails and fewer positions than one vector.
@Suite struct DirectConvolutionTests {
    /// (channels, outputs, kh, kw, row pitch, positions, images)
    static let shapes: [(Int, Int, Int, Int, Int, Int, Int)] = [
        (1, 6, 5, 5, 32, 27 * 32 + 28, 3),  // LeNet-5's first layer
        (6, 16, 5, 5, 14, 9 * 14 + 10, 2),  // its second
        (3, 9, 3, 5, 25, 8 * 25 + 21, 2),  // 4 + 4 + 1 outputs, rectangular kernel
        (2, 7, 3, 3, 19, 10 * 19 + 13, 1),  // 4 + 2 + 1 outputs
        (2, 3, 2, 2, 5, 3 * 5 + 4, 2),  // fewer positions than a vector
        (1, 1, 1, 4, 21, 17, 2),  // one row, 17 positions: one vector and a tail
        (2, 17, 3, 3, 12, 5 * 12 + 10, 3),  // 3×3: blocks of 8 outputs in the weight gradient, 8 + 8 + 1
        (1, 8, 3, 3, 30, 9 * 30 + 28, 30),  // 30 images: more than one group of images in the weight gradient
    ]

    /// Planes holding exactly the reads: positions − 1 + (kh − 1)·pitch + kw − 1 is the last one.
    static func planeSize(kh: Int, kw: Int, pitch: Int, positions: Int) -> Int { positions + (kh - 1) * pitch + kw - 1 }

    @Test(arguments: DirectConvolution.supportedPaths)
    func correlationEqualsDoubleLoops(path: DirectConvolution.Path) {
        var generator = SeededGenerator(seed: 41)
        for (channels, outputs, kh, kw, pitch, positions, _) in Self.shapes {
            let plane = Self.planeSize(kh: kh, kw: kw, pitch: pitch, positions: positions)
            let input = Tensor.randomNormal([channels * plane], using: &generator).scalars
            let weight = Tensor.randomNormal([outputs * channels * kh * kw], using: &generator).scalars
            let bias = Tensor.randomNormal([outputs], using: &generator).scalars
            // One spare float per output plane must stay untouched.
            let outputPlane = positions + 1
            var output = [Float](repeating: 7, count: outputs * outputPlane)
            input.withUnsafeBufferPointer { x in
                weight.withUnsafeBufferPointer { w in
                    bias.withUnsafeBufferPointer { b in
                        output.withUnsafeMutableBufferPointer { y in
                            DirectConvolution.correlate(
                                path: path, input: x.baseAddress!, inputPlane: plane, channels: channels, rowPitch: pitch,
                                weight: w.baseAddress!, outputs: outputs, kernel: (kh, kw), positions: positions,
                                bias: b.baseAddress!, output: y.baseAddress!, outputPlane: outputPlane)
                        }
                    }
                }
            }
            var worst = 0.0
            for o in 0..<outputs {
                #expect(output[o * outputPlane + positions] == 7)
                for q in 0..<positions {
                    var total = Double(bias[o])
                    for c in 0..<channels {
                        for u in 0..<kh {
                            for v in 0..<kw {
                                total += Double(weight[((o * channels + c) * kh + u) * kw + v]) * Double(input[c * plane + q + u * pitch + v])
                            }
                        }
                    }
                    worst = max(worst, abs(Double(output[o * outputPlane + q]) - total) / max(1, abs(total)))
                }
            }
            #expect(worst < 1e-5, "\(path) \(channels)→\(outputs) \(kh)×\(kw), \(positions) positions: error \(worst)")
        }
    }

    @Test(arguments: DirectConvolution.supportedPaths)
    func weightGradientEqualsDoubleLoops(path: DirectConvolution.Path) {
        var generator = SeededGenerator(seed: 42)
        for (channels, outputs, kh, kw, pitch, positions, images) in Self.shapes {
            let plane = Self.planeSize(kh: kh, kw: kw, pitch: pitch, positions: positions)
            let (inputImage, gradientPlane) = (channels * plane + 3, positions + 2)
            let gradientImage = outputs * gradientPlane + 1
            let input = Tensor.randomNormal([images * inputImage], using: &generator).scalars
            let gradient = Tensor.randomNormal([images * gradientImage], using: &generator).scalars
            let start = Tensor.randomNormal([outputs * channels * kh * kw], using: &generator).scalars
            var weightGradient = start
            input.withUnsafeBufferPointer { x in
                gradient.withUnsafeBufferPointer { g in
                    weightGradient.withUnsafeMutableBufferPointer { dw in
                        DirectConvolution.accumulateWeightGradient(
                            path: path, images: images, input: x.baseAddress!, inputImage: inputImage, inputPlane: plane,
                            channels: channels, rowPitch: pitch, gradient: g.baseAddress!, gradientImage: gradientImage,
                            gradientPlane: gradientPlane, outputs: outputs, kernel: (kh, kw), positions: positions,
                            weightGradient: dw.baseAddress!)
                    }
                }
            }
            var worst = 0.0
            for o in 0..<outputs {
                for c in 0..<channels {
                    for u in 0..<kh {
                        for v in 0..<kw {
                            let index = ((o * channels + c) * kh + u) * kw + v
                            // Thousands of float terms: the error is measured against the sum of their sizes.
                            var (total, magnitude) = (Double(start[index]), abs(Double(start[index])))
                            for n in 0..<images {
                                for q in 0..<positions {
                                    let term = Double(gradient[n * gradientImage + o * gradientPlane + q])
                                        * Double(input[n * inputImage + c * plane + q + u * pitch + v])
                                    total += term
                                    magnitude += abs(term)
                                }
                            }
                            worst = max(worst, abs(Double(weightGradient[index]) - total) / max(1, magnitude))
                        }
                    }
                }
            }
            #expect(worst < 1e-5, "\(path) \(channels)→\(outputs) \(kh)×\(kw), \(positions) positions: error \(worst)")
        }
    }

    @Test func theBestPathIsTheWidestThisMachineRuns() {
        #expect(DirectConvolution.supportedPaths.first == .scalar)
        #expect(DirectConvolution.bestPath == DirectConvolution.supportedPaths.last)
        if CPUFeatures.current?.hasAVX512 == true { #expect(DirectConvolution.bestPath == .avx512) }
    }
}
