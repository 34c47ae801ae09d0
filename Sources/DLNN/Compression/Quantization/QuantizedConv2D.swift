/// A `Conv2D` run in int8: per image, im2col (DLCore's) gives the columns X [Cin·kh·kw, Ho·Wo],
/// which are quantized per tensor at the calibrated input scale s_x and transposed on the way
/// (Xᵀ [Ho·Wo, Cin·kh·kw], rows along the patch like the filters), then per group one `Int8GEMM`
/// product with the filters quantized per output channel:
///
///     C [Ho·Wo, Cout/G] = q(Xᵀ_g) · q(W_g)ᵀ  (int32),   y[n, o, p] = s_x · s_w[o] · C[p, o] + b[o]
///
/// Padding zeros quantize to 0 exactly. The bias stays in float. Weight shape
/// [Cout, Cin/G, kh, kw] as in `Conv2D`. For inference: the backward pass is that of the float
/// convolution with the dequantized filters, through `Conv2D` itself, and there are no
/// trainable parameters.
public final class QuantizedConv2D: Layer {
    /// The float layer's geometry; its weight holds the dequantized filters, used by backward only.
    private let reference: Conv2D
    /// q_w [Cout, Cin/G, kh, kw], one scale per output channel.
    public private(set) var weight: Int8Tensor
    /// b [Cout], in float.
    public let bias: Parameter?
    /// s_x, the calibrated per-tensor input scale.
    public private(set) var inputScale: Float
    public var isTraining = false

    private var geometry: ConvolutionGeometry?
    private var inputShape: TensorShape = []
    private var columns: [Float] = []
    private var quantizedColumns: [Int8] = []
    private var accumulators: [Int32] = []
    private var output = Tensor.zeros([0, 0, 0, 0])
    private var forwardInput = ForwardInput()

    /// The int8 form of `convolution` with input scale `inputScale`.
    public init(_ convolution: Conv2D, inputScale: Float) {
        require(inputScale > 0 && inputScale.isFinite, "QuantizedConv2D: input scale \(inputScale) must be positive and finite")
        var generator = SeededGenerator(seed: 0)
        reference = Conv2D(
            inputChannels: convolution.inputChannels, outputChannels: convolution.outputChannels,
            kernelSize: convolution.kernelSize, stride: convolution.stride, padding: convolution.padding,
            dilation: convolution.dilation, groups: convolution.groups, bias: false, generator: &generator)
        weight = Int8Tensor.perChannel(convolution.weight.value)
        bias = convolution.bias.map { Parameter(name: "bias", value: $0.value, isTrainable: false) }
        self.inputScale = inputScale
        reference.weight.isTrainable = false
        reference.weight.value = weight.dequantized()
    }

    public var outputChannels: Int { reference.outputChannels }
    public var buffers: [Parameter] { bias.map { [$0] } ?? [] }

    public var summaryName: String {
        "QuantizedConv2D(\(reference.inputChannels) → \(outputChannels), \(reference.kernelSize.height)×\(reference.kernelSize.width), int8)"
    }

    public func outputShape(for inputShape: TensorShape) throws(ShapeError) -> TensorShape {
        try reference.outputShape(for: inputShape)
    }

    public func forwardFLOPs(for inputShape: TensorShape) -> Int {
        reference.forwardFLOPs(for: inputShape) + (bias == nil ? 0 : Tensor.elementCount(of: requireOutputShape(for: inputShape)))
    }

    /// Replaces the int8 filters and input scale (a loaded checkpoint); throws unless the shape matches.
    public func load(weight: Int8Tensor, inputScale: Float) throws(QuantizationError) {
        guard weight.shape == reference.weight.shape, weight.scales.count == outputChannels else {
            throw .checkpoint("\(summaryName): weight \(describe(weight.shape)) with \(weight.scales.count) scales, expected \(describe(reference.weight.shape)) with \(outputChannels)")
        }
        guard inputScale > 0 && inputScale.isFinite else { throw .checkpoint("\(summaryName): input scale \(inputScale) must be positive and finite") }
        self.weight = weight
        self.inputScale = inputScale
        reference.weight.value = weight.dequantized()
    }

    public func forward(_ input: Tensor) -> Tensor {
        if input.shape != inputShape || geometry == nil {
            requireValidShape { () throws(ShapeError) in _ = try reference.outputShape(for: input.shape) }
            geometry = ConvolutionGeometry(
                channels: reference.inputChannels, height: input.shape[2], width: input.shape[3], kernel: reference.kernelSize,
                stride: reference.stride, padding: reference.padding, dilation: reference.dilation, operation: summaryName)
            inputShape = input.shape
        }
        let g = geometry!
        let (batch, plane, patch) = (input.shape[0], g.outputPlaneSize, g.patchSize)
        let (cout, groups) = (outputChannels, reference.groups)
        let (groupOutputs, groupPatch) = (cout / groups, patch / groups)
        output.resize(to: TensorShape(batch, cout, g.outputHeight, g.outputWidth))
        if columns.count < patch * plane {
            columns = [Float](repeating: 0, count: patch * plane)
            quantizedColumns = [Int8](repeating: 0, count: patch * plane)
            accumulators = [Int32](repeating: 0, count: plane * cout)
        }
        let scales = weight.scales.map { $0 * inputScale }
        let bias = self.bias.map(\.value.scalars) ?? [Float](repeating: 0, count: cout)
        let inverse = 1 / inputScale
        input.withUnsafeBufferPointer { x in
            output.withUnsafeMutableBufferPointer { y in
                for n in 0..<batch {
                    columns.withUnsafeMutableBufferPointer { X in
                        Im2Col.im2col(image: x.baseAddress! + n * g.inputImageSize, geometry: g, columns: X.baseAddress!, rowStride: plane)
                        // Xᵀ [plane, patch] in int8.
                        quantizedColumns.withUnsafeMutableBufferPointer { q in
                            for r in 0..<patch {
                                for p in 0..<plane { q[p * patch + r] = Int8Tensor.quantize(X[r * plane + p], inverseScale: inverse) }
                            }
                        }
                    }
                    quantizedColumns.withUnsafeBufferPointer { q in
                        weight.values.withUnsafeBufferPointer { w in
                            accumulators.withUnsafeMutableBufferPointer { c in
                                for group in 0..<groups {
                                    Int8GEMM.multiply(
                                        m: plane, n: groupOutputs, k: groupPatch,
                                        a: q.baseAddress! + group * groupPatch, lda: patch,
                                        b: w.baseAddress! + group * groupOutputs * groupPatch, ldb: groupPatch,
                                        c: c.baseAddress! + group * groupOutputs, ldc: cout)
                                }
                            }
                        }
                    }
                    let image = y.baseAddress! + n * cout * plane
                    for o in 0..<cout {
                        let (scale, b) = (scales[o], bias[o])
                        for p in 0..<plane { image[o * plane + p] = scale * Float(accumulators[p * cout + o]) + b }
                    }
                }
            }
        }
        forwardInput.keep(input)
        return output
    }

    /// ∂L/∂x through the float convolution with the dequantized filters, whose forward pass runs
    /// here first (so inference never pays for it).
    public func backward(_ outputGradient: Tensor) -> Tensor {
        _ = reference.forward(forwardInput.take(layer: summaryName))
        return reference.backward(outputGradient)
    }
}
