/// A 2-D convolution (cross-correlation, as in every framework) over NCHW images, computed with
/// im2col and GEMM, or for small stride-1 layers directly (`Algorithm`).
///
/// y[n, o, i, j] = b[o] + Σ_{c, u, v} W[o, c, u, v] · x[n, g·Cin/G + c, i·sh − ph + u·dh, j·sw − pw + v·dw],
/// where g = o / (Cout/G) is the group of output channel o and the input is zero outside the image.
///
/// Shapes: input [N, Cin, H, W], weight [Cout, Cin/G, kh, kw] (PyTorch's `nn.Conv2d` layout),
/// bias [Cout], output [N, Cout, Ho, Wo] with Ho, Wo from `ConvolutionGeometry`. `groups` = G
/// splits the channels into G independent convolutions; G = Cin = Cout is a depthwise convolution.
///
/// Forward: the batch is cut into chunks of images whose column matrix X [Cin·kh·kw, n·Ho·Wo]
/// (im2col) holds about a million floats, so it is still in cache when the GEMM reads it; per group,
/// one GEMM Y_g = W_g [Cout/G, Cin/G·kh·kw] · X_g gives the chunk's outputs, scattered to NCHW while
/// adding the bias (a chunk of one image is written in place). Deep layers get one image per
/// chunk, whose products are already large; small early layers get many, so their GEMMs are not
/// thin. Backward recomputes each chunk's columns instead of keeping the whole batch's (which for
/// a VGG layer at batch 32 is 75 MB of memory traffic to write and read back). A 1×1 convolution
/// with stride 1 and no padding skips im2col: each image [Cin, H·W] already is its column matrix,
/// so it runs one GEMM per image and group straight into the output.
///
/// The direct algorithm (`DirectConvolutionPass`) skips the column matrix, kh·kw times larger than
/// the images it comes from: for LeNet-5's layers (25 and 150 inputs per output) writing it costs
/// more than the thin GEMM that reads it, and up to 128 channels at 3×3 the direct kernels keep
/// pace with OpenBLAS while reading only the images.
///
/// Weights start from `weightInitializer` (default `.heNormal`, σ = √(2 / (Cin/G·kh·kw))); the bias
/// starts at zero. A frozen parameter (`isTrainable == false`) gets no gradient.
public final class Conv2D: Layer {
    /// Cin.
    public let inputChannels: Int
    /// Cout.
    public let outputChannels: Int
    /// (kh, kw).
    public let kernelSize: (height: Int, width: Int)
    /// (sh, sw).
    public let stride: (height: Int, width: Int)
    /// Zero padding added on both sides, (ph, pw).
    public let padding: (height: Int, width: Int)
    /// Spacing between kernel taps, (dh, dw).
    public let dilation: (height: Int, width: Int)
    /// G: the channels form G groups convolved independently.
    public let groups: Int
    /// W, shape [Cout, Cin/G, kh, kw].
    public let weight: Parameter
    /// b, shape [Cout]; `nil` for a layer created with `bias: false`.
    public let bias: Parameter?
    public var isTraining = true

    /// How a convolution computes its products.
    public enum Algorithm: String, Sendable, CaseIterable {
        /// `direct` where it applies and is faster, `im2col` otherwise.
        case automatic
        /// im2col and GEMM (a 1×1 convolution with stride 1 and no padding: GEMM alone).
        case im2col
        /// `DirectConvolutionPass`: stride 1, dilation 1 and one group only.
        case direct
    }

    /// How the products are computed; `.automatic` picks `.direct` for stride-1, undilated,
    /// ungrouped layers with at most `directPatchLimit` inputs per output (Cin·kh·kw), where it
    /// was measured faster.
    public var algorithm = Algorithm.automatic {
        didSet {
            require(
                algorithm != .direct || DirectConvolutionPass.applies(stride: stride, dilation: dilation, groups: groups),
                "\(summaryName): the direct algorithm needs stride 1, dilation 1 and one group")
        }
    }

    /// The largest Cin·kh·kw for which `.automatic` runs the direct algorithm: 128 channels at 3×3.
    /// Measured on 2 cores (AMD Zen 5, AVX-512; `dlbench kernels`, medians), direct against im2col:
    /// LeNet-5's layers forward 0.12–0.16 against 0.5–1.8 ms; VGG 64 channels 32×32 at batch 32,
    /// forward + backward 29–36 against 35–67 ms; 128 channels 16×16: 30–38 against 30–61 ms (a
    /// tie); 256 channels 14×14 at batch 8: 22–28 against 18–29 ms, where OpenBLAS's GEMM wins.
    public static let directPatchLimit = 1152

    /// The input shape, geometry and chunk size of the last forward pass, recomputed only when
    /// the input shape changes.
    private var inputShape: TensorShape = []
    private var geometry: ConvolutionGeometry?
    private var imagesPerChunk = 1
    /// The direct algorithm's pass when the layer runs it for the current input shape.
    private var direct: DirectConvolutionPass?
    /// The im2col path's per-image passes, for the current geometry.
    private var chunkPasses: Im2ColChunkPasses?
    /// The last input, kept until `backward` has used it (then released, so that the layer before
    /// can overwrite its output buffer in the next step without a copy).
    private var forwardInput = ForwardInput()
    /// The chunk workspaces, sized for `imagesPerChunk` images; a chunk of n images uses the first
    /// rows·n·Ho·Wo elements as a matrix with n·Ho·Wo columns.
    ///
    /// X [Cin·kh·kw, n·Ho·Wo]: the columns of one chunk.
    private var columns = Tensor.zeros([0, 0])
    /// [Cout, n·Ho·Wo]: a chunk's product W·X in forward, its gathered output gradient in backward.
    private var outputMatrix = Tensor.zeros([0, 0])
    /// ∂L/∂X [Cin·kh·kw, n·Ho·Wo] of one chunk.
    private var columnGradient = Tensor.zeros([0, 0])
    /// The images of the last input whose columns `columns` holds.
    private var columnsImages: Range<Int>?
    private var output = Tensor.zeros([0, 0, 0, 0])
    private var inputGradient = Tensor.zeros([0, 0, 0, 0])

    /// Creates a convolution with per-axis (height, width) kernel size, stride, padding and dilation.
    public init(
        inputChannels: Int, outputChannels: Int,
        kernelSize: (height: Int, width: Int),
        stride: (height: Int, width: Int) = (1, 1),
        padding: (height: Int, width: Int) = (0, 0),
        dilation: (height: Int, width: Int) = (1, 1),
        groups: Int = 1, bias: Bool = true,
        weightInitializer: Initializer = .heNormal, generator: inout SeededGenerator
    ) {
        let name = "Conv2D(\(inputChannels) → \(outputChannels), \(kernelSize.height)×\(kernelSize.width))"
        require(
            inputChannels > 0 && outputChannels > 0 && groups > 0 && kernelSize.height > 0 && kernelSize.width > 0,
            "\(name): channels, groups and kernel size must be positive")
        require(
            inputChannels % groups == 0 && outputChannels % groups == 0,
            "\(name): input channels \(inputChannels) and output channels \(outputChannels) must both be divisible by groups \(groups)")
        require(
            stride.height > 0 && stride.width > 0 && dilation.height > 0 && dilation.width > 0
                && padding.height >= 0 && padding.width >= 0,
            "\(name): stride \(stride) and dilation \(dilation) must be positive, padding \(padding) non-negative")
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.groups = groups
        weight = Parameter(
            name: "weight",
            value: weightInitializer.makeTensor(
                [outputChannels, inputChannels / groups, kernelSize.height, kernelSize.width], using: &generator))
        self.bias = bias ? Parameter(name: "bias", value: Tensor.zeros([outputChannels])) : nil
    }

    /// Creates a convolution with a square kernel and the same stride, padding and dilation on both axes.
    public convenience init(
        inputChannels: Int, outputChannels: Int, kernelSize: Int,
        stride: Int = 1, padding: Int = 0, dilation: Int = 1,
        groups: Int = 1, bias: Bool = true,
        weightInitializer: Initializer = .heNormal, generator: inout SeededGenerator
    ) {
        self.init(
            inputChannels: inputChannels, outputChannels: outputChannels,
            kernelSize: (kernelSize, kernelSize), stride: (stride, stride), padding: (padding, padding),
            dilation: (dilation, dilation), groups: groups, bias: bias,
            weightInitializer: weightInitializer, generator: &generator)
    }

    public var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }

    /// `Conv2D(3 → 16, 3×3)`, followed by the options that differ from their defaults.
    public var summaryName: String {
        func pair(_ p: (height: Int, width: Int)) -> String { p.height == p.width ? "\(p.height)" : "\(p.height)×\(p.width)" }
        var options = ["\(kernelSize.height)×\(kernelSize.width)"]
        if stride != (1, 1) { options.append("stride \(pair(stride))") }
        if padding != (0, 0) { options.append("padding \(pair(padding))") }
        if dilation != (1, 1) { options.append("dilation \(pair(dilation))") }
        if groups != 1 { options.append("groups \(groups)") }
        if bias == nil { options.append("no bias") }
        return "Conv2D(\(inputChannels) → \(outputChannels), \(options.joined(separator: ", ")))"
    }

    /// 1×1, stride 1, no padding: the image is its own column matrix.
    private var isPointwise: Bool { kernelSize == (1, 1) && stride == (1, 1) && padding == (0, 0) }

    /// Whether `algorithm` resolves to the direct one.
    private var runsDirect: Bool {
        switch algorithm {
        case .direct: true
        case .im2col: false
        case .automatic:
            !isPointwise && DirectConvolutionPass.applies(stride: stride, dilation: dilation, groups: groups)
                && inputChannels * kernelSize.height * kernelSize.width <= Self.directPatchLimit
        }
    }

    private func geometry(for inputShape: TensorShape) throws(ShapeError) -> ConvolutionGeometry {
        try checkInput(
            inputShape.count == 4 && inputShape[1] == inputChannels,
            "input \(describe(inputShape)): expected [N, \(inputChannels), H, W]")
        try ConvolutionGeometry.checkOutputNotEmpty(
            height: inputShape[2], width: inputShape[3], kernel: kernelSize, stride: stride, padding: padding,
            dilation: dilation, inputShape: inputShape, layer: summaryName)
        return ConvolutionGeometry(
            channels: inputChannels, height: inputShape[2], width: inputShape[3], kernel: kernelSize,
            stride: stride, padding: padding, dilation: dilation, operation: summaryName)
    }

    public func outputShape(for inputShape: TensorShape) throws(ShapeError) -> TensorShape {
        let g = try geometry(for: inputShape)
        return [inputShape[0], outputChannels, g.outputHeight, g.outputWidth]
    }

    /// 2·N·Cout·Ho·Wo·(Cin/G·kh·kw) for the products, N·Cout·Ho·Wo for the bias.
    public func forwardFLOPs(for inputShape: TensorShape) -> Int {
        let outputs = Tensor.elementCount(of: requireOutputShape(for: inputShape))
        return 2 * outputs * (inputChannels / groups) * kernelSize.height * kernelSize.width + (bias == nil ? 0 : outputs)
    }

    // MARK: Forward and backward

    /// The floats a chunk's column matrix should hold: 4 MB, which stays in cache between im2col
    /// and the GEMM. Measured (best of 3 rounds, fwd+bwd at batch 32): VGG 64×32×32 68 ms against
    /// 96 ms unchunked and 67 ms at 1 MB; 128×16×16 66 against 73 and 78 ms.
    private static let chunkColumnBudget = 1 << 20

    /// y [N, Cout, Ho, Wo] from x [N, Cin, H, W]; see the type's documentation for the GEMMs.
    public func forward(_ input: Tensor) -> Tensor {
        if input.shape != inputShape || geometry == nil {
            let g = requireValidShape { () throws(ShapeError) in try geometry(for: input.shape) }
            geometry = g
            inputShape = input.shape
            // As many images as fit the budget, spread evenly over the chunks (64 → 32 + 32, not 53 + 11).
            let batch = input.shape[0], fitting = max(1, Self.chunkColumnBudget / (g.patchSize * g.outputPlaneSize))
            let chunkCount = max(1, (batch + fitting - 1) / fitting)
            imagesPerChunk = max(1, (batch + chunkCount - 1) / chunkCount)
        }
        let g = geometry!
        // The next backward pass uses the algorithm of this forward pass, whatever `algorithm` says by then.
        if !runsDirect {
            direct = nil
        } else if direct?.geometry != g {
            direct = DirectConvolutionPass(geometry: g, outputChannels: outputChannels)
        }
        if direct == nil, chunkPasses?.geometry != g {
            chunkPasses = Im2ColChunkPasses(geometry: g, outputChannels: outputChannels)
        }
        forwardInput.keep(input)
        columnsImages = nil
        let batch = input.shape[0]
        let plane = g.outputPlaneSize
        output.resize(to: TensorShape(batch, outputChannels, g.outputHeight, g.outputWidth))
        let (groupOutputs, groupPatch) = (outputChannels / groups, g.patchSize / groups)
        guard batch > 0 else { return output }
        if let direct {
            direct.forward(input, weight: weight.value, bias: bias?.value, into: &output, threads: BLAS.threadCount)
            return output
        }

        if isPointwise {
            // y_{n,g} [Cout/G, H·W] = W_g [Cout/G, Cin/G] · x_{n,g} [Cin/G, H·W] + b, the bias prefilled (β = 1).
            output.withUnsafeMutableBufferPointer { y in
                fillPlanes(y.baseAddress!, batch: batch, plane: plane)
                input.withUnsafeBufferPointer { x in
                    weight.value.withUnsafeBufferPointer { w in
                        for n in 0..<batch {
                            BLAS.gemmBatched(
                                transposeA: false, transposeB: false, m: groupOutputs, n: plane, k: groupPatch,
                                a: w.baseAddress!, lda: groupPatch, strideA: groupOutputs * groupPatch,
                                b: x.baseAddress! + n * g.inputImageSize, ldb: plane, strideB: groupPatch * plane,
                                beta: 1, c: y.baseAddress! + n * outputChannels * plane, ldc: plane, strideC: groupOutputs * plane,
                                batchCount: groups)
                        }
                    }
                }
            }
            return output
        }

        // Sized for a full chunk (the same every step, so no allocation); a smaller last chunk
        // uses the front of each.
        columns.resize(to: TensorShape(g.patchSize, imagesPerChunk * plane))
        outputMatrix.resize(to: TensorShape(outputChannels, imagesPerChunk * plane))
        for first in Swift.stride(from: 0, to: batch, by: imagesPerChunk) {
            let images = first..<min(first + imagesPerChunk, batch)
            let columnCount = images.count * plane
            writeColumns(of: images, from: input)
            // A single image's Y [Cout, Ho·Wo] is its NCHW output: write it there, onto the bias.
            let inPlace = images.count == 1
            output.withUnsafeMutableBufferPointer { y in
                let imageOutput = y.baseAddress! + first * outputChannels * plane
                if inPlace { fillPlanes(imageOutput, batch: 1, plane: plane) }
                outputMatrix.withUnsafeMutableBufferPointer { chunkOutput in
                    let Y = inPlace ? imageOutput : chunkOutput.baseAddress!
                    // Y_g [Cout/G, n·Ho·Wo] = W_g [Cout/G, Cin/G·kh·kw] · X_g [Cin/G·kh·kw, n·Ho·Wo].
                    weight.value.withUnsafeBufferPointer { w in
                        columns.withUnsafeBufferPointer { X in
                            BLAS.gemmBatched(
                                transposeA: false, transposeB: false, m: groupOutputs, n: columnCount, k: groupPatch,
                                a: w.baseAddress!, lda: groupPatch, strideA: groupOutputs * groupPatch,
                                b: X.baseAddress!, ldb: columnCount, strideB: groupPatch * columnCount,
                                beta: inPlace ? 1 : 0, c: Y, ldc: columnCount, strideC: groupOutputs * columnCount,
                                batchCount: groups)
                        }
                    }
                    guard !inPlace else { return }
                    // y[n, o, :] = Y[o, (n − first)·Ho·Wo ..< (n − first + 1)·Ho·Wo] + b[o].
                    withBias { b in
                        chunkPasses!.scatter(
                            chunkOutput.baseAddress!, images: images, bias: b?.baseAddress, into: y.baseAddress!,
                            threads: BLAS.threadCount)
                    }
                }
            }
        }
        return output
    }

    /// With G = ∂L/∂y as a matrix [Cout, N·Ho·Wo] and X the columns, per group and chunk:
    /// ∂L/∂W_g += G_g·X_gᵀ (GEMM, β = 1), ∂L/∂X_g = W_gᵀ·G_g, then col2im adds ∂L/∂X into ∂L/∂x;
    /// ∂L/∂b[o] += Σ_{n,i,j} G[n, o, i, j]. The 1×1 path does the same per image without im2col.
    public func backward(_ outputGradient: Tensor) -> Tensor {
        propagate(outputGradient, computingInputGradient: true)
        return inputGradient
    }

    /// ∂L/∂W and ∂L/∂b as in `backward(_:)`, without the GEMM and col2im for ∂L/∂x.
    public func accumulateParameterGradients(_ outputGradient: Tensor) {
        propagate(outputGradient, computingInputGradient: false)
    }

    private func propagate(_ outputGradient: Tensor, computingInputGradient: Bool) {
        let input = forwardInput.take(layer: summaryName)
        let g = geometry!
        defer { columnsImages = nil }
        let batch = inputShape[0]
        let plane = g.outputPlaneSize
        require(
            outputGradient.shape == output.shape,
            "\(summaryName).backward: output gradient \(describe(outputGradient.shape)): expected \(describe(output.shape))")
        let (groupOutputs, groupPatch) = (outputChannels / groups, g.patchSize / groups)
        if let bias, bias.isTrainable { accumulateBiasGradient(bias, from: outputGradient, batch: batch, plane: plane) }
        if computingInputGradient {
            inputGradient.resize(to: inputShape)
            // col2im adds into it; the direct pass writes every element.
            if direct == nil { inputGradient.fill(with: 0) }
        }
        guard batch > 0, weight.isTrainable || computingInputGradient else { return }
        if let direct {
            // ∂L/∂W += G ⋆ x and ∂L/∂x = W' ⋆ pad(G), as `DirectConvolutionPass` describes.
            let threads = BLAS.threadCount
            func run(weightGradient: UnsafeMutablePointer<Float>?) {
                guard computingInputGradient else {
                    return direct.backward(
                        outputGradient, weight: weight.value, weightGradient: weightGradient, inputGradient: nil, threads: threads)
                }
                inputGradient.withUnsafeMutableBufferPointer { dx in
                    direct.backward(
                        outputGradient, weight: weight.value, weightGradient: weightGradient, inputGradient: dx.baseAddress!,
                        threads: threads)
                }
            }
            if weight.isTrainable {
                weight.withUnsafeMutableGradient { run(weightGradient: $0.baseAddress!) }
            } else {
                run(weightGradient: nil)
            }
            return
        }

        if isPointwise {
            outputGradient.withUnsafeBufferPointer { dy in
                input.withUnsafeBufferPointer { x in
                    let dy = dy.baseAddress!, x = x.baseAddress!
                    if weight.isTrainable {
                        // ∂L/∂W_g [Cout/G, Cin/G] += Σₙ dy_{n,g} [Cout/G, H·W] · x_{n,g}ᵀ [H·W, Cin/G].
                        weight.withUnsafeMutableGradient { dw in
                            for n in 0..<batch {
                                BLAS.gemmBatched(
                                    transposeA: false, transposeB: true, m: groupOutputs, n: groupPatch, k: plane,
                                    a: dy + n * outputChannels * plane, lda: plane, strideA: groupOutputs * plane,
                                    b: x + n * g.inputImageSize, ldb: plane, strideB: groupPatch * plane,
                                    beta: 1, c: dw.baseAddress!, ldc: groupPatch, strideC: groupOutputs * groupPatch,
                                    batchCount: groups)
                            }
                        }
                    }
                    guard computingInputGradient else { return }
                    // dx_{n,g} [Cin/G, H·W] = W_gᵀ [Cin/G, Cout/G] · dy_{n,g} [Cout/G, H·W].
                    weight.value.withUnsafeBufferPointer { w in
                        inputGradient.withUnsafeMutableBufferPointer { dx in
                            for n in 0..<batch {
                                BLAS.gemmBatched(
                                    transposeA: true, transposeB: false, m: groupPatch, n: plane, k: groupOutputs,
                                    a: w.baseAddress!, lda: groupPatch, strideA: groupOutputs * groupPatch,
                                    b: dy + n * outputChannels * plane, ldb: plane, strideB: groupOutputs * plane,
                                    c: dx.baseAddress! + n * g.inputImageSize, ldc: plane, strideC: groupPatch * plane,
                                    batchCount: groups)
                            }
                        }
                    }
                }
            }
            return
        }

        if computingInputGradient { columnGradient.resize(to: TensorShape(g.patchSize, imagesPerChunk * plane)) }
        // Last chunk first: forward left its columns in the workspace, so they need no recomputing
        // (for a layer whose batch is one chunk, such as LeNet-5's second convolution, none do).
        let lastChunkStart = (batch - 1) / imagesPerChunk * imagesPerChunk
        for first in Swift.stride(from: lastChunkStart, through: 0, by: -imagesPerChunk) {
            let images = first..<min(first + imagesPerChunk, batch)
            let columnCount = images.count * plane
            // G [Cout, n·Ho·Wo]: G[o, (n − first)·Ho·Wo + p] = dy[n, o, p]; one image's is its dy block.
            let inPlace = images.count == 1
            if !inPlace {
                outputGradient.withUnsafeBufferPointer { dy in
                    outputMatrix.withUnsafeMutableBufferPointer { G in
                        chunkPasses!.gather(dy.baseAddress!, images: images, into: G.baseAddress!, threads: BLAS.threadCount)
                    }
                }
            }
            if weight.isTrainable && columnsImages != images { writeColumns(of: images, from: input) }
            outputGradient.withUnsafeBufferPointer { dy in
                outputMatrix.withUnsafeBufferPointer { chunkGradient in
                    let G = inPlace ? dy.baseAddress! + first * outputChannels * plane : chunkGradient.baseAddress!
                    if weight.isTrainable {
                        // ∂L/∂W_g [Cout/G, Cin/G·kh·kw] += G_g [Cout/G, n·Ho·Wo] · X_gᵀ.
                        columns.withUnsafeBufferPointer { X in
                            weight.withUnsafeMutableGradient { dw in
                                BLAS.gemmBatched(
                                    transposeA: false, transposeB: true, m: groupOutputs, n: groupPatch, k: columnCount,
                                    a: G, lda: columnCount, strideA: groupOutputs * columnCount,
                                    b: X.baseAddress!, ldb: columnCount, strideB: groupPatch * columnCount,
                                    beta: 1, c: dw.baseAddress!, ldc: groupPatch, strideC: groupOutputs * groupPatch,
                                    batchCount: groups)
                            }
                        }
                    }
                    guard computingInputGradient else { return }
                    // ∂L/∂X_g [Cin/G·kh·kw, n·Ho·Wo] = W_gᵀ · G_g, folded back onto ∂L/∂x by col2im.
                    weight.value.withUnsafeBufferPointer { w in
                        columnGradient.withUnsafeMutableBufferPointer { dX in
                            BLAS.gemmBatched(
                                transposeA: true, transposeB: false, m: groupPatch, n: columnCount, k: groupOutputs,
                                a: w.baseAddress!, lda: groupPatch, strideA: groupOutputs * groupPatch,
                                b: G, ldb: columnCount, strideB: groupOutputs * columnCount,
                                c: dX.baseAddress!, ldc: columnCount, strideC: groupPatch * columnCount,
                                batchCount: groups)
                            inputGradient.withUnsafeMutableBufferPointer { dx in
                                chunkPasses!.foldColumns(
                                    dX.baseAddress!, images: images, into: dx.baseAddress!, threads: BLAS.threadCount)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Writes the column matrix of `images` of `input` into `columns` [Cin·kh·kw, n·Ho·Wo], image
    /// `first + k` in columns k·Ho·Wo ..< (k+1)·Ho·Wo.
    private func writeColumns(of images: Range<Int>, from input: Tensor) {
        columnsImages = images
        input.withUnsafeBufferPointer { x in
            columns.withUnsafeMutableBufferPointer { X in
                chunkPasses!.writeColumns(of: images, from: x.baseAddress!, into: X.baseAddress!, threads: BLAS.threadCount)
            }
        }
    }

    // MARK: Bias

    /// Calls `body` with the bias values, or with nil for a layer without bias.
    private func withBias<R>(_ body: (UnsafeBufferPointer<Float>?) -> R) -> R {
        guard let bias else { return body(nil) }
        return bias.value.withUnsafeBufferPointer { body($0) }
    }

    /// Sets every output plane y[n, o, :] (`plane` elements) to b[o], or to zero without a bias.
    private func fillPlanes(_ y: UnsafeMutablePointer<Float>, batch: Int, plane: Int) {
        withBias { b in
            for n in 0..<batch {
                for o in 0..<outputChannels {
                    (y + (n * outputChannels + o) * plane).update(repeating: b?[o] ?? 0, count: plane)
                }
            }
        }
    }

    /// ∂L/∂b[o] += Σ_{n,p} dy[n, o, p].
    private func accumulateBiasGradient(_ bias: Parameter, from outputGradient: Tensor, batch: Int, plane: Int) {
        outputGradient.withUnsafeBufferPointer { dy in
            bias.withUnsafeMutableGradient { db in
                for n in 0..<batch {
                    for o in 0..<outputChannels {
                        db[o] += vectorSum(dy.baseAddress! + (n * outputChannels + o) * plane, count: plane)
                    }
                }
            }
        }
    }
}
