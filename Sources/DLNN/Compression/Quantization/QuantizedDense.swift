/// A `Dense` layer run in int8 (Jacob et al. 2018, with symmetric scales): y = x·Wᵀ + b with
/// x quantized per tensor at the calibrated scale s_x, W per output row (scales s_w[o]), the
/// product accumulated in int32 by `Int8GEMM`, and
///
///     y[n, o] = s_x · s_w[o] · Σₖ q_x[n, k]·q_w[o, k] + b[o]
///
/// The bias stays in float (it is `out` numbers; the int32 bias of integer-only inference
/// would be b / (s_x·s_w) rounded). Weight shape [out, in] as in `Dense`.
///
/// The layer is for inference; its backward pass is that of the float layer with the
/// dequantized weight and the straight-through estimator for the input quantization,
/// ∂L/∂x = g·(s_w ⊙ q_w), and it has no trainable parameters.
public final class QuantizedDense: Layer {
    public let inputSize: Int
    public let outputSize: Int
    /// q_w with one scale per output row.
    public private(set) var weight: Int8Tensor
    /// b [out], in float.
    public let bias: Parameter?
    /// s_x, the calibrated per-tensor input scale.
    public private(set) var inputScale: Float
    public var isTraining = false

    private var quantizedInput: [Int8] = []
    private var accumulators: [Int32] = []
    private var output = Tensor.zeros([0, 0])
    private var inputGradient = Tensor.zeros([0, 0])
    private var sawForward = false

    /// The int8 form of `dense` with input scale `inputScale`.
    public init(_ dense: Dense, inputScale: Float) {
        require(inputScale > 0 && inputScale.isFinite, "QuantizedDense: input scale \(inputScale) must be positive and finite")
        inputSize = dense.inputSize
        outputSize = dense.outputSize
        weight = Int8Tensor.perChannel(dense.weight.value)
        bias = dense.bias.map { Parameter(name: "bias", value: $0.value, isTrainable: false) }
        self.inputScale = inputScale
    }

    public var buffers: [Parameter] { bias.map { [$0] } ?? [] }

    public var summaryName: String { "QuantizedDense(\(inputSize) → \(outputSize), int8)" }

    public func outputShape(for inputShape: TensorShape) throws(ShapeError) -> TensorShape {
        try checkInput(inputShape.count == 2 && inputShape[1] == inputSize, "input \(describe(inputShape)): expected [N, \(inputSize)]")
        return [inputShape[0], outputSize]
    }

    /// 2·N·in·out integer operations for the product, N·out for the bias.
    public func forwardFLOPs(for inputShape: TensorShape) -> Int {
        let rows = requireOutputShape(for: inputShape)[0]
        return 2 * rows * inputSize * outputSize + (bias == nil ? 0 : rows * outputSize)
    }

    /// Replaces the int8 weight and input scale (a loaded checkpoint); throws unless the shape matches.
    public func load(weight: Int8Tensor, inputScale: Float) throws(QuantizationError) {
        guard weight.shape == [outputSize, inputSize], weight.scales.count == outputSize else {
            throw .checkpoint("\(summaryName): weight \(describe(weight.shape)) with \(weight.scales.count) scales, expected [\(outputSize), \(inputSize)] with \(outputSize)")
        }
        guard inputScale > 0 && inputScale.isFinite else { throw .checkpoint("\(summaryName): input scale \(inputScale) must be positive and finite") }
        self.weight = weight
        self.inputScale = inputScale
    }

    public func forward(_ input: Tensor) -> Tensor {
        requireValidShape { () throws(ShapeError) in _ = try outputShape(for: input.shape) }
        let rows = input.shape[0]
        output.resize(to: TensorShape(rows, outputSize))
        quantizeRows(input, scale: inputScale, into: &quantizedInput)
        if accumulators.count < rows * outputSize { accumulators = [Int32](repeating: 0, count: rows * outputSize) }
        quantizedInput.withUnsafeBufferPointer { qx in
            weight.values.withUnsafeBufferPointer { qw in
                accumulators.withUnsafeMutableBufferPointer { c in
                    Int8GEMM.multiply(
                        m: rows, n: outputSize, k: inputSize, a: qx.baseAddress!, lda: inputSize,
                        b: qw.baseAddress!, ldb: inputSize, c: c.baseAddress!, ldc: outputSize)
                }
            }
        }
        let rowScales = weight.scales.map { $0 * inputScale }
        let bias = self.bias.map(\.value.scalars) ?? [Float](repeating: 0, count: outputSize)
        output.withUnsafeMutableBufferPointer { y in
            for n in 0..<rows {
                for o in 0..<outputSize {
                    y[n * outputSize + o] = rowScales[o] * Float(accumulators[n * outputSize + o]) + bias[o]
                }
            }
        }
        sawForward = true
        return output
    }

    /// ∂L/∂x [N, in] = g [N, out] · Ŵ [out, in], Ŵ = s_w ⊙ q_w (the input quantization passed straight through).
    public func backward(_ outputGradient: Tensor) -> Tensor {
        require(sawForward, "\(summaryName).backward: called without a forward pass before it")
        require(outputGradient.rank == 2 && outputGradient.shape[1] == outputSize,
                "\(summaryName).backward: output gradient \(describe(outputGradient.shape)): expected [N, \(outputSize)]")
        inputGradient.resize(to: TensorShape(outputGradient.shape[0], inputSize))
        gemm(outputGradient, weight.dequantized(), into: &inputGradient)
        return inputGradient
    }
}

/// q = clamp(round(x / scale), −127, 127) for every element of `tensor`, into the front of `buffer`.
func quantizeRows(_ tensor: Tensor, scale: Float, into buffer: inout [Int8]) {
    if buffer.count < tensor.count { buffer = [Int8](repeating: 0, count: tensor.count) }
    let inverse = 1 / scale
    tensor.withUnsafeBufferPointer { x in
        buffer.withUnsafeMutableBufferPointer { q in
            for i in 0..<x.count { q[i] = Int8Tensor.quantize(x[i], inverseScale: inverse) }
        }
    }
}
