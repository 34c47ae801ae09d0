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
/// `BLAS.threadCount` threads when a pass has at least `parallelMultiplyAdds` of work (waking a
/// thread costs tens of microseconds here, more than LeNet-5's layers take on one image); each
/// element is summed in the same order for any split.
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
    /// (Ho − 1)·P + Wo: the forward positions up to the last output.
    private var forwardPositions: Int { (geometry.outputHeight - 1) * rowPitch + geometry.outputWidth }

    // MARK: Forward and backward

    /// The storage of the call in progress, read by the block functions below while `forEachBlock`
    /// runs them (set just before, cleared just after). The block functions are stored closures
    /// made once, because a closure made per call would be allocated per call.
    private struct Operands {
        /// x (forward) or ∂L/∂y (backward).
        var source: UnsafePointer<Float>?
        /// W (forward) or W' (input gradient).
        var weight: UnsafePointer<Float>?
        var bias: UnsafePointer<Float>?
        /// y (forward) or ∂L/∂x (input gradient).
        var destination: UnsafeMutablePointer<Float>?
        var weightGradient: UnsafeMutablePointer<Float>?
        /// The image whose output channels are split (forward with fewer images than threads).
        var image = 0
        /// The batch size (weight gradient).
        var images = 0
        var paddedInput, pitchedGradient, paddedGradient, staging: UnsafeMutablePointer<Float>?
    }
    private var operands = Operands()
    private lazy var forwardImages: (Int, Range<Int>) -> Void = { [unowned self] block, images in
        for n in images {
            padInput(n)
            correlate(n, channels: 0..<outputChannels, block: block)
        }
    }
    private lazy var forwardChannels: (Int, Range<Int>) -> Void = { [unowned self] block, channels in
        correlate(operands.image, channels: channels, block: block)
    }
    private lazy var pitchGradients: (Int, Range<Int>) -> Void = { [unowned self] _, images in
        let g = geometry
        for n in images {
            Self.pad(
                operands.source! + n * outputChannels * g.outputPlaneSize, planes: outputChannels, height: g.outputHeight,
                width: g.outputWidth, top: 0, left: 0, into: operands.pitchedGradient! + n * outputChannels * outputPlane,
                rows: g.outputHeight, pitch: rowPitch)
        }
    }
    private lazy var weightGradientChannels: (Int, Range<Int>) -> Void = { [unowned self] _, channels in
        let g = geometry
        DirectConvolution.accumulateWeightGradient(
            images: operands.images, input: operands.paddedInput!, inputImage: inputImage, inputPlane: paddedInputPlane,
            channels: g.channels, rowPitch: rowPitch, gradient: operands.pitchedGradient! + channels.lowerBound * outputPlane,
            gradientImage: outputChannels * outputPlane, gradientPlane: outputPlane, outputs: channels.count, kernel: kernel,
            positions: forwardPositions, weightGradient: operands.weightGradient! + channels.lowerBound * g.patchSize)
    }
    private lazy var inputGradientImages: (Int, Range<Int>) -> Void = { [unowned self] block, images in
        let g = geometry
        let padded = operands.paddedGradient! + block * outputChannels * paddedGradientPlane
        let rows = operands.staging! + block * stagingPerThread
        // ∂L/∂x[c, r, s] = Σ W'[c, o, u, v]·pad(G)[o, r + ph + u, s + pw + v]: start at row ph, column pw.
        let start = g.paddingHeight * gradientPitch + g.paddingWidth
        for n in images {
            Self.pad(
                operands.source! + n * outputChannels * g.outputPlaneSize, planes: outputChannels, height: g.outputHeight,
                width: g.outputWidth, top: g.kernelHeight - 1, left: g.kernelWidth - 1, into: padded,
                rows: g.outputHeight + 2 * (g.kernelHeight - 1), pitch: gradientPitch)
            DirectConvolution.correlate(
                input: padded + start, inputPlane: paddedGradientPlane, channels: outputChannels, rowPitch: gradientPitch,
                weight: operands.weight!, outputs: g.channels, kernel: kernel,
                positions: (g.inputHeight - 1) * gradientPitch + g.inputWidth, bias: nil, output: rows,
                outputPlane: inputGradientPlane)
            Self.unpitch(
                rows, planes: g.channels, planeStride: inputGradientPlane, pitch: gradientPitch, height: g.inputHeight,
                width: g.inputWidth, into: operands.destination! + n * g.inputImageSize)
        }
    }

    /// The fewest multiply-adds (N·Cout·positions·Cin·kh·kw) of a pass run on more than one thread:
    /// about 40 µs on one core. Measured (2 cores, `dlbench kernels`): LeNet-5 inference on one
    /// image took 0.017 ms on one thread and 0.09–0.2 ms with its layers split over two.
    static let parallelMultiplyAdds = 4_000_000

    /// `threads`, or 1 for a batch too small to pay for waking the others.
    private func threadsWorthWaking(_ threads: Int, batch: Int) -> Int {
        batch * outputChannels * forwardPositions * geometry.patchSize >= Self.parallelMultiplyAdds ? threads : 1
    }

    /// Pads image n of the forward input into `paddedInput`.
    private func padInput(_ n: Int) {
        let g = geometry
        Self.pad(
            operands.source! + n * g.inputImageSize, planes: g.channels, height: g.inputHeight, width: g.inputWidth,
            top: g.paddingHeight, left: g.paddingWidth, into: operands.paddedInput! + n * inputImage,
            rows: g.inputHeight + 2 * g.paddingHeight, pitch: rowPitch)
    }

    /// Output `channels` of image n from its padded input, through thread `block`'s staging rows.
    private func correlate(_ n: Int, channels: Range<Int>, block: Int) {
        let g = geometry
        let rows = operands.staging! + block * stagingPerThread
        DirectConvolution.correlate(
            input: operands.paddedInput! + n * inputImage, inputPlane: paddedInputPlane, channels: g.channels,
            rowPitch: rowPitch, weight: operands.weight! + channels.lowerBound * g.patchSize, outputs: channels.count,
            kernel: kernel, positions: forwardPositions, bias: operands.bias.map { $0 + channels.lowerBound }, output: rows,
            outputPlane: outputPlane)
        Self.unpitch(
            rows, planes: channels.count, planeStride: outputPlane, pitch: rowPitch, height: g.outputHeight,
            width: g.outputWidth, into: operands.destination! + (n * outputChannels + channels.lowerBound) * g.outputPlaneSize)
    }

    /// y = W ⋆ x + b into `output` [N, Cout, Ho, Wo]; keeps the padded images for the weight gradient.
    func forward(_ input: Tensor, weight: Tensor, bias: Tensor?, into output: inout Tensor, threads: Int) {
        let batch = input.shape[0]
        let threads = threadsWorthWaking(threads, batch: batch)
        paddedInput.resize(to: TensorShape(batch * inputImage))
        staging.resize(to: TensorShape(threads * stagingPerThread))
        input.withUnsafeBufferPointer { x in
            weight.withUnsafeBufferPointer { w in
                withOptionalPointer(bias) { b in
                    paddedInput.withUnsafeMutableBufferPointer { xp in
                        staging.withUnsafeMutableBufferPointer { s in
                            output.withUnsafeMutableBufferPointer { y in
                                operands = Operands(
                                    source: x.baseAddress!, weight: w.baseAddress!, bias: b, destination: y.baseAddress!,
                                    paddedInput: xp.baseAddress!, staging: s.baseAddress!)
                                if batch >= threads {
                                    forEachBlock(of: batch, width: threads, forwardImages)
                                } else {
                                    // Fewer images than threads (inference on one image): split the output channels.
                                    for n in 0..<batch {
                                        padInput(n)
                                        operands.image = n
                                        forEachBlock(of: outputChannels, width: threads, forwardChannels)
                                    }
                                }
                                operands = Operands()
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
        let batch = outputGradient.shape[0]
        let threads = threadsWorthWaking(threads, batch: batch)
        if let weightGradient {
            // G with pitch P: the forward positions' layout, zero past Wo.
            pitchedGradient.resize(to: TensorShape(batch * outputChannels * outputPlane))
            outputGradient.withUnsafeBufferPointer { dy in
                pitchedGradient.withUnsafeMutableBufferPointer { pg in
                    paddedInput.withUnsafeMutableBufferPointer { xp in
                        operands = Operands(
                            source: dy.baseAddress!, weightGradient: weightGradient, images: batch,
                            paddedInput: xp.baseAddress!, pitchedGradient: pg.baseAddress!)
                        forEachBlock(of: batch, width: threads, pitchGradients)
                        forEachBlock(of: outputChannels, width: threads, weightGradientChannels)
                        operands = Operands()
                    }
                }
            }
        }
        guard let inputGradient else { return }
        flipAndTranspose(weight)
        let width = min(threads, batch)
        staging.resize(to: TensorShape(width * stagingPerThread))
        paddedGradient.resize(to: TensorShape(width * outputChannels * paddedGradientPlane))
        outputGradient.withUnsafeBufferPointer { dy in
            flippedWeight.withUnsafeBufferPointer { wf in
                paddedGradient.withUnsafeMutableBufferPointer { pg in
                    staging.withUnsafeMutableBufferPointer { s in
                        operands = Operands(
                            source: dy.baseAddress!, weight: wf.baseAddress!, destination: inputGradient,
                            paddedGradient: pg.baseAddress!, staging: s.baseAddress!)
                        forEachBlock(of: batch, width: width, inputGradientImages)
                        operands = Operands()
                    }
                }
            }
        }
    }

    /// W'[c, o, u, v] = W[o, c, kh − 1 − u, kw − 1 − v].
    private func flipAndTranspose(_ weight: Tensor) {
        let (channels, kh, kw) = (geometry.channels, geometry.kernelHeight, geometry.kernelWidth)
        flippedWeight.resize(to: TensorShape(channels, outputChannels, kh, kw))
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
