/// Binary weights stored at one bit each, for export: bit i of the packed bytes is 1 where
/// Ŵ_i = +α_c and 0 where Ŵ_i = −α_c (least significant bit first, PyTorch's flattened order),
/// with the per-output-channel scales α_c in float.
public struct PackedBinaryWeights: Equatable, Sendable {
    /// The weight's shape, output channels first.
    public let shape: TensorShape
    /// ⌈count / 8⌉ bytes of signs.
    public let bits: [UInt8]
    /// α_c, one per output channel.
    public let scales: [Float]

    /// The packed signs and scales of a binary weight layer's Ŵ = α·sign(W).
    public init(_ layer: WeightTransformed) throws(QuantizationError) {
        guard layer.transform == .binary else { throw .unsupported("\(layer.summaryName): not a binary layer") }
        self.init(binaryWeight: layer.transformedWeight)
    }

    /// Packs a tensor whose channels (first axis) each hold ±α_c only.
    init(binaryWeight: Tensor) {
        shape = binaryWeight.shape
        let channels = shape[0], size = binaryWeight.count / channels
        let values = binaryWeight.scalars
        var bits = [UInt8](repeating: 0, count: (values.count + 7) / 8)
        for (i, value) in values.enumerated() where value >= 0 { bits[i / 8] |= 1 << UInt8(i % 8) }
        self.bits = bits
        scales = (0..<channels).map { abs(values[$0 * size]) }
    }

    /// Validated storage; throws `QuantizationError.shape` unless the sizes fit.
    public init(shape: TensorShape, bits: [UInt8], scales: [Float]) throws(QuantizationError) {
        guard shape.count >= 1, shape[0] == scales.count, bits.count == (shape.elementCount + 7) / 8 else {
            throw .shape("\(bits.count) bytes and \(scales.count) scales for a binary weight of shape \(describe(shape))")
        }
        self.shape = shape
        self.bits = bits
        self.scales = scales
    }

    /// Ŵ [shape]: +α_c where the bit is set, −α_c where it is not.
    public func unpacked() -> Tensor {
        let size = shape.elementCount / shape[0]
        return Tensor(shape: shape) { w in
            for i in 0..<w.count {
                let alpha = scales[i / size]
                w[i] = bits[i / 8] & (1 << UInt8(i % 8)) != 0 ? alpha : -alpha
            }
        }
    }

    /// Bytes stored: the sign bits and four per scale.
    public var byteCount: Int { bits.count + 4 * scales.count }
}
