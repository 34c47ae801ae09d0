import DLCore

/// `Conv2D`'s direct algorithm for a stride-1, undilated, ungrouped convolution: the products come
/// from `DirectConvolution`'s kernels on zero-padded copies of the images instead of a column
/// matrix, which for small-channel layers (LeNet-5's, a CNN's first) is written and read back at
/// a higher cost than the products themselves.
///
/// Layouts (H×W input, kh×kw kernel, padding (ph, pw), Ho×Wo output):
/// - forward reads x padded to (H + 2ph) rows of pitch P = W + 2pw and computes y with that
///   pitch, positions q = r·P + x for r < Ho (the columns x ≥ Wo are dropped when copied out);
/// - the weight gradient correlates those padded images with ∂L/∂y laid out with pitch P
///   (zero in the dropped columns);
/// - the input gradient is the forward correlation of ∂L/∂y padded by (kh − 1, kw − 1), pitch
///   Q = Wo + 2(kw − 1), with the flipped, transposed weights, read from row ph and column pw.
///
/// The images (forward, input gradient) or the output channels (weight gradient) are split over
/// `BLAS.threadCount` threads; each element is summed in the same order for any split.
final class DirectConvolutionPass {
    let geometry: ConvolutionGeometry
    let outputChannels: Int
    /// P = W + 2pw, the row pitch of the padded input and of the forward positions.
    private let rowPitch: Int
    /// (H + 2ph)·P.
    private let paddedInputPlane: Int
    /// Ho·P: one output channel's positions.
    private let outputPlane: Int
    /// Q = Wo + 2(kw − 1), the row pitch of the padded output gradient.
    private let gradientPitch: Int
    /// (Ho + 2(kh − 1))·Q.
    private let paddedGradientPlane: Int
    /// H·Q: one input channel's positions in the input-gradient correlation.
    private let inputGradientPlane: Int

    /// The padded images of the last forward pass, [N, Cin, paddedInputPlane]; the weight gradient reads them.
    private var paddedInput = Tensor.zeros([0])
    /// ∂L/∂y with pitch P and zero past Wo, [N, Cout, outputPlane].
    private var pitchedGradient = Tensor.zeros([0])
    /// W' [Cin, Cout, kh, kw]: W flipped in both kernel axes, input and output channels swapped.
    private var flippedWeight = Tensor.zeros([0])
    /// Per thread: a correlation's output (forward: Cout·outputPlane; input gradient: Cin·inputGradientPlane).
    private var staging = Tensor.zeros([0])
    /// Per thread: one image's padded output gradient, Cout·paddedGradientPlane.
    private var paddedGradient = Tensor.zeros([0])

    /// Whether `Conv2D` can run this algorithm on a layer with these settings.
    static func applies(
        stride: (height: Int, width: Int), dilation: (height: Int, width: Int), groups: Int
    ) -> Bool {
        stride == (1, 1) && dilation == (1, 1) && groups == 1
    }

    init(geometry g: ConvolutionGeometry, outputChannels: Int) {
        geometry = g
        self.outputChannels = outputChannels
        rowPitch = g.inputWidth + 2 * g.paddingWidth
        paddedInputPlane = (g.inputHeight + 2 * g.paddingHeight) * rowPitch
        outputPlane = g.outputHeight * rowPitch
        gradientPitch = g.outputWidth + 2 * (g.kernelWidth - 1)
        paddedGradientPlane = (g.outputHeight + 2 * (g.kernelHeight - 1)) * gradientPitch
        inputGradientPlane = g.inputHeight * gradientPitch
    }

    private var kernel: (height: Int, width: Int) { (geometry.kernelHeight, geometry.kernelWidth) }
    private var inputImage: Int { geometry.channels * paddedInputPlane }
    private var stagingPerThread: Int { max(outputChannels * outputPlane, geometry.channels * inputGradientPlane) }

    /// y = W ⋆ x + b into `output` [N, Cout, Ho, Wo]; keeps the padded images for the weight gradient.
    func forward(
        _ input: Tensor, weight: Tensor, bias: Tensor?, into output: inout Tensor, threads: Int
    ) {
        let g = geometry
        let batch = input.shape[0]
        paddedInput.resize(to: [batch * inputImage])
        staging.resize(to: [threads * stagingPerThread])
        let positions = (g.outputHeight - 1) * rowPitch + g.outputWidth
        let (outputs, plane, pitch, padded) = (outputChannels, outputPlane, rowPitch, paddedInputPlane)
        let stagingStride = stagingPerThread
        input.withUnsafeBufferPointer { x in
            weight.withUnsafeBufferPointer { w in
                withOptionalPointer(bias) { b in
                    paddedInput.withUnsafeMutableBufferPointer { xp in
                        staging.withUnsafeMutableBufferPointer { s in
                            output.withUnsafeMutableBufferPointer { y in
                                let (x, w, xp, s, y) = (x.baseAddress!, w.baseAddress!, xp.baseAddress!, s.baseAddress!, y.baseAddress!)
                                func pad(_ n: Int) {
                                    Self.pad(
                                        x + n * g.inputImageSize, planes: g.channels, height: g.inputHeight, width: g.inputWidth,
                                        top: g.paddingHeight, left: g.paddingWidth, into: xp + n * g.channels * padded,
                                        rows: g.inputHeight + 2 * g.paddingHeight, pitch: pitch)
                                }
                                /// Outputs `channels` of image n, through the staging rows at `rows`.
                                func correlate(_ n: Int, channels: Range<Int>, rows: UnsafeMutablePointer<Float>) {
                                    DirectConvolution.correlate(
                                        input: xp + n * g.channels * padded, inputPlane: padded, channels: g.channels,
                                        rowPitch: pitch, weight: w + channels.lowerBound * g.patchSize, outputs: channels.count,
                                        kernel: (g.kernelHeight, g.kernelWidth), positions: positions,
                                        bias: b.map { $0 + channels.lowerBound }, output: rows, outputPlane: plane)
                                    Self.unpitch(
                                        rows, planes: channels.count, planeStride: plane, pitch: pitch, height: g.outputHeight,
                                        width: g.outputWidth,
                                        into: y + (n * outputs + channels.lowerBound) * g.outputPlaneSize)
                                }
                                if batch >= threads {
                                    forEachBlock(of: batch, width: threads) { block, images in
                                        for n in images {
                                            pad(n)
                                            correlate(n, channels: 0..<outputs, rows: s + block * stagingStride)
                                        }
                                    }
                                } else {
                                    // Fewer images than threads (inference on one image): split the output channels.
                                    for n in 0..<batch { pad(n) }
                                    for n in 0..<batch {
                                        forEachBlock(of: outputs, width: threads) { block, channels in
                                            correlate(n, channels: channels, rows: s + block * stagingStride)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// ∂L/∂W += G ⋆ x (if `weightGradient` is given) and ∂L/∂x = W' ⋆ pad(G) into `inputGradient`
    /// (if given), for G = ∂L/∂y of the last forward pass.
    func backward(
        _ outputGradient: Tensor, weight: Tensor, weightGradient: UnsafeMutablePointer<Float>?,
        inputGradient: UnsafeMutablePointer<Float>?, threads: Int
    ) {
        let g = geometry
        let batch = outputGradient.shape[0]
        let outputs = outputChannels
        let (pitch, plane) = (rowPitch, outputPlane)
        if let weightGradient {
            // G with pitch P: the forward positions' layout, zero past Wo.
            pitchedGradient.resize(to: [batch * outputs * plane])
            let positions = (g.outputHeight - 1) * pitch + g.outputWidth
            let (padded, image) = (paddedInputPlane, inputImage)
            outputGradient.withUnsafeBufferPointer { dy in
                pitchedGradient.withUnsafeMutableBufferPointer { pg in
                    paddedInput.withUnsafeBufferPointer { xp in
                        let (dy, pg, xp) = (dy.baseAddress!, pg.baseAddress!, xp.baseAddress!)
                        forEachBlock(of: batch, width: threads) { _, images in
                            for n in images {
                                Self.pad(
                                    dy + n * outputs * g.outputPlaneSize, planes: outputs, height: g.outputHeight,
                                    width: g.outputWidth, top: 0, left: 0, into: pg + n * outputs * plane,
                                    rows: g.outputHeight, pitch: pitch)
                            }
                        }
                        let weightsPerOutput = g.patchSize
                        forEachBlock(of: outputs, width: threads) { _, block in
                            DirectConvolution.accumulateWeightGradient(
                                images: batch, input: xp, inputImage: image, inputPlane: padded, channels: g.channels,
                                rowPitch: pitch, gradient: pg + block.lowerBound * plane, gradientImage: outputs * plane,
                                gradientPlane: plane, outputs: block.count, kernel: (g.kernelHeight, g.kernelWidth),
                                positions: positions, weightGradient: weightGradient + block.lowerBound * weightsPerOutput)
                        }
                    }
                }
            }
        }
        guard let inputGradient else { return }
        flipAndTranspose(weight)
        let width = min(threads, batch)
        staging.resize(to: [width * stagingPerThread])
        paddedGradient.resize(to: [width * outputs * paddedGradientPlane])
        let (gradientPitch, gradientPlane, inputPlane) = (gradientPitch, paddedGradientPlane, inputGradientPlane)
        let stagingStride = stagingPerThread
        // ∂L/∂x[c, r, s] = Σ W'[c, o, u, v]·pad(G)[o, r + ph + u, s + pw + v]: start at row ph, column pw.
        let start = g.paddingHeight * gradientPitch + g.paddingWidth
        let positions = (g.inputHeight - 1) * gradientPitch + g.inputWidth
        outputGradient.withUnsafeBufferPointer { dy in
            flippedWeight.withUnsafeBufferPointer { wf in
                paddedGradient.withUnsafeMutableBufferPointer { pg in
                    staging.withUnsafeMutableBufferPointer { s in
                        let (dy, wf, pg, s) = (dy.baseAddress!, wf.baseAddress!, pg.baseAddress!, s.baseAddress!)
                        forEachBlock(of: batch, width: width) { block, images in
                            let padded = pg + block * outputs * gradientPlane
                            let rows = s + block * stagingStride
                            for n in images {
                                Self.pad(
                                    dy + n * outputs * g.outputPlaneSize, planes: outputs, height: g.outputHeight,
                                    width: g.outputWidth, top: g.kernelHeight - 1, left: g.kernelWidth - 1, into: padded,
                                    rows: g.outputHeight + 2 * (g.kernelHeight - 1), pitch: gradientPitch)
                                DirectConvolution.correlate(
                                    input: padded + start, inputPlane: gradientPlane, channels: outputs,
                                    rowPitch: gradientPitch, weight: wf, outputs: g.channels,
                                    kernel: (g.kernelHeight, g.kernelWidth), positions: positions, bias: nil, output: rows,
                                    outputPlane: inputPlane)
                                Self.unpitch(
                                    rows, planes: g.channels, planeStride: inputPlane, pitch: gradientPitch,
                                    height: g.inputHeight, width: g.inputWidth, into: inputGradient + n * g.inputImageSize)
                            }
                        }
                    }
                }
            }
        }
    }

    /// W'[c, o, u, v] = W[o, c, kh − 1 − u, kw − 1 − v].
    private func flipAndTranspose(_ weight: Tensor) {
        let (channels, kh, kw) = (geometry.channels, geometry.kernelHeight, geometry.kernelWidth)
        flippedWeight.resize(to: [channels, outputChannels, kh, kw])
        weight.withUnsafeBufferPointer { w in
            flippedWeight.withUnsafeMutableBufferPointer { wf in
                for o in 0..<outputChannels {
                    for c in 0..<channels {
                        for u in 0..<kh {
                            for v in 0..<kw {
                                wf[((c * outputChannels + o) * kh + u) * kw + v] = w[((o * channels + c) * kh + kh - 1 - u) * kw + kw - 1 - v]
                            }
                        }
                    }
                }
            }
        }
    }

    /// Copies `planes` planes of height×width floats into planes of `rows` rows of `pitch` floats
    /// each, at row `top` and column `left`, zero around them.
    private static func pad(
        _ source: UnsafePointer<Float>, planes: Int, height: Int, width: Int, top: Int, left: Int,
        into destination: UnsafeMutablePointer<Float>, rows: Int, pitch: Int
    ) {
        let right = pitch - left - width
        for p in 0..<planes {
            let from = source + p * height * width
            let to = destination + p * rows * pitch
            to.update(repeating: 0, count: top * pitch)
            for r in 0..<height {
                let row = to + (top + r) * pitch
                row.update(repeating: 0, count: left)
                (row + left).update(from: from + r * width, count: width)
                (row + left + width).update(repeating: 0, count: right)
            }
            (to + (top + height) * pitch).update(repeating: 0, count: (rows - top - height) * pitch)
        }
    }

    /// Copies the first `width` floats of each of `height` rows (`pitch` apart) of `planes` planes
    /// (`planeStride` apart) into dense planes of height×width.
    private static func unpitch(
        _ source: UnsafePointer<Float>, planes: Int, planeStride: Int, pitch: Int, height: Int, width: Int,
        into destination: UnsafeMutablePointer<Float>
    ) {
        for p in 0..<planes {
            for r in 0..<height {
                (destination + (p * height + r) * width).update(from: source + p * planeStride + r * pitch, count: width)
            }
        }
    }
}

/// Calls `body` with the tensor's storage, or with nil.
private func withOptionalPointer<R>(_ tensor: Tensor?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let tensor else { return body(nil) }
    return tensor.withUnsafeBufferPointer { body($0.baseAddress!) }
}
