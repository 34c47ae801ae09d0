/// An int8 tensor with symmetric scales: real value ≈ scale · q, q in −127…127.
///
/// `scales` holds one scale for the whole tensor (per-tensor, activations) or one per index of
/// the first axis (per-channel: a Dense weight's rows [out, in], a Conv2D weight's filters
/// [Cout, Cin/G, kh, kw], PyTorch's layouts). The range is symmetric, −127…127 (−128 unused), so
/// the zero point is 0 and x·w products need no offset terms (Krishnamoorthi 2018, §2.1).
///
/// Quantizing with scale s = max|x| / 127 and rounding to nearest makes every element's error at
/// most s/2; elements beyond 127·s (a clipped calibration range) saturate at ±127.
public struct Int8Tensor: Equatable, Sendable {
    /// The shape of the real tensor.
    public let shape: TensorShape
    /// The quantized elements, row-major.
    public var values: [Int8]
    /// One scale (per-tensor) or `shape[0]` scales (per-channel).
    public var scales: [Float]

    /// The largest magnitude of a quantized element.
    public static let levels: Float = 127

    /// Validated storage; throws `QuantizationError.shape` unless `values` fills `shape` and there
    /// is one scale or one per channel, every scale positive and finite.
    public init(shape: TensorShape, values: [Int8], scales: [Float]) throws(QuantizationError) {
        guard values.count == shape.elementCount, scales.count == 1 || (shape.count > 0 && scales.count == shape[0]) else {
            throw .shape("\(values.count) values and \(scales.count) scales for shape \(describe(shape))")
        }
        guard scales.allSatisfy({ $0 > 0 && $0.isFinite }) else { throw .shape("scales must be positive and finite") }
        self.shape = shape
        self.values = values
        self.scales = scales
    }

    private init(validShape shape: TensorShape, values: [Int8], scales: [Float]) {
        self.shape = shape
        self.values = values
        self.scales = scales
    }

    /// Whether there is one scale per channel (first axis) rather than one for the tensor.
    public var isPerChannel: Bool { scales.count > 1 || (shape.count > 0 && shape[0] == 1 && scales.count == 1) }

    /// The symmetric scale for a range of magnitudes up to `maximum`: maximum / 127, or 1 for an
    /// all-zero range (any scale represents zeros exactly).
    public static func scale(forMaximum maximum: Float) -> Float {
        maximum > 0 && maximum.isFinite ? maximum / levels : 1
    }

    /// q = clamp(round(x / s), −127, 127) (rounding half away from zero).
    @inlinable
    public static func quantize(_ x: Float, inverseScale: Float) -> Int8 {
        let q = (x * inverseScale).rounded()
        return Int8(Swift.min(Swift.max(q, -levels), levels))
    }

    /// Per-channel quantization along the first axis, each channel's scale max|x_c| / 127.
    public static func perChannel(_ tensor: Tensor) -> Int8Tensor {
        require(tensor.rank >= 1 && tensor.shape[0] > 0, "Int8Tensor.perChannel: shape \(describe(tensor.shape)) has no channel axis")
        let channels = tensor.shape[0], size = tensor.count / channels
        var values = [Int8](repeating: 0, count: tensor.count)
        var scales = [Float](repeating: 1, count: channels)
        tensor.withUnsafeBufferPointer { x in
            for c in 0..<channels {
                let row = UnsafeBufferPointer(rebasing: x[c * size..<(c + 1) * size])
                let scale = Self.scale(forMaximum: row.reduce(0) { Swift.max($0, abs($1)) })
                scales[c] = scale
                for i in 0..<size { values[c * size + i] = quantize(row[i], inverseScale: 1 / scale) }
            }
        }
        return Int8Tensor(validShape: tensor.shape, values: values, scales: scales)
    }

    /// Per-tensor quantization with the given scale (a calibrated activation scale), or with
    /// max|x| / 127 when `scale` is nil.
    public static func perTensor(_ tensor: Tensor, scale: Float? = nil) -> Int8Tensor {
        let s = scale ?? Self.scale(forMaximum: tensor.withUnsafeBufferPointer { $0.reduce(0) { Swift.max($0, abs($1)) } })
        require(s > 0 && s.isFinite, "Int8Tensor.perTensor: scale \(s) must be positive and finite")
        let values = tensor.withUnsafeBufferPointer { x in x.map { quantize($0, inverseScale: 1 / s) } }
        return Int8Tensor(validShape: tensor.shape, values: values, scales: [s])
    }

    /// The real tensor scale · q.
    public func dequantized() -> Tensor {
        let channels = scales.count, size = channels == 1 ? values.count : values.count / channels
        return Tensor(shape: shape) { x in
            for i in 0..<values.count { x[i] = scales[channels == 1 ? 0 : i / size] * Float(values[i]) }
        }
    }

    /// Bytes of the stored form: one per element and four per scale.
    public var byteCount: Int { values.count + 4 * scales.count }
}
