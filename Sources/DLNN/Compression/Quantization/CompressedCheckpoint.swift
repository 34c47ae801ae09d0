import Foundation

/// Checkpoints of compressed models in safetensors, with each weight in its compressed form:
///
///     QuantizedDense / QuantizedConv2D   <path>.weight I8 (shape of the float weight), <path>.weight_scale F32 [out],
///                                        <path>.input_scale F32 [1], <path>.bias F32
///     binary WeightTransformed           <path>.weight U8 [⌈count/8⌉] (sign bits, `PackedBinaryWeights`),
///                                        <path>.weight_scale F32 [out], <path>.bias F32
///     every other parameter and buffer   F32, as `saveWeights(to:)` writes it
///
/// The file's size is the model's size on disk: 1 byte per int8 weight, 1 bit per binary weight.
extension Layer {
    /// The named values of the compressed checkpoint (see the extension's documentation).
    public func compressedWeightValues() throws -> [(name: String, value: SafeTensorsValue)] {
        var values: [(name: String, value: SafeTensorsValue)] = []
        for node in namedModules() {
            let prefix = node.path.isEmpty ? "" : node.path + "."
            var special: Parameter?
            if let int8 = Self.int8Form(of: node.module) {
                values += [
                    (prefix + "weight", .int8(int8.weight.values, shape: int8.weight.shape)),
                    (prefix + "weight_scale", .float32(Tensor(shape: [int8.weight.scales.count], scalars: int8.weight.scales))),
                    (prefix + "input_scale", .float32(Tensor(shape: [1], scalars: [int8.inputScale]))),
                ]
            } else if let binary = node.module as? WeightTransformed, binary.transform == .binary {
                let packed = try PackedBinaryWeights(binary)
                special = binary.parameters.first { $0.name == "weight" }
                values += [
                    (prefix + "weight", .uint8(packed.bits, shape: [packed.bits.count])),
                    (prefix + "weight_scale", .float32(Tensor(shape: [packed.scales.count], scalars: packed.scales))),
                ]
            }
            for parameter in node.module.parameters + node.module.buffers where parameter !== special {
                values.append((prefix + parameter.name, .float32(parameter.value)))
            }
        }
        return values
    }

    /// Writes the compressed checkpoint to `url` atomically.
    public func saveCompressedWeights(to url: URL, metadata: [String: String] = [:]) throws {
        try SafeTensors.write(values: compressedWeightValues(), metadata: metadata, to: url)
    }

    /// Reads a compressed checkpoint into this model, which must have the same structure (the
    /// same layers quantized or binarized); throws `CheckpointError` for an unreadable file and
    /// `QuantizationError.checkpoint` for a tensor that is missing, extra, of another dtype or shape.
    public func loadCompressedWeights(from url: URL) throws {
        var values = try SafeTensors.readValues(from: url).values
        func take(_ name: String) throws(QuantizationError) -> SafeTensorsValue {
            guard let value = values.removeValue(forKey: name) else { throw .checkpoint("\(url.lastPathComponent) has no tensor \(name)") }
            return value
        }
        func floats(_ name: String, shape: TensorShape) throws(QuantizationError) -> Tensor {
            guard case .float32(let tensor) = try take(name), tensor.shape == shape else {
                throw .checkpoint("\(name) must be F32 of shape \(describe(shape))")
            }
            return tensor
        }
        for node in namedModules() {
            let prefix = node.path.isEmpty ? "" : node.path + "."
            var special: Parameter?
            if let int8 = Self.int8Form(of: node.module) {
                guard case .int8(let q, let shape) = try take(prefix + "weight") else { throw QuantizationError.checkpoint("\(prefix)weight must be I8") }
                let scales = try floats(prefix + "weight_scale", shape: [shape.first ?? 0]).scalars
                let inputScale = try floats(prefix + "input_scale", shape: [1]).scalars[0]
                try int8.load(try Int8Tensor(shape: shape, values: q, scales: scales), inputScale)
            } else if let binary = node.module as? WeightTransformed, binary.transform == .binary {
                let weight = binary.parameters.first { $0.name == "weight" }!
                special = weight
                guard case .uint8(let bits, _) = try take(prefix + "weight") else { throw QuantizationError.checkpoint("\(prefix)weight must be U8 sign bits") }
                let scales = try floats(prefix + "weight_scale", shape: [weight.shape[0]]).scalars
                weight.value = try PackedBinaryWeights(shape: weight.shape, bits: bits, scales: scales).unpacked()
            }
            for parameter in node.module.parameters + node.module.buffers where parameter !== special {
                parameter.value = try floats(prefix + parameter.name, shape: parameter.shape)
            }
        }
        if let extra = values.keys.sorted().first {
            throw QuantizationError.checkpoint("\(url.lastPathComponent) holds \(extra), which the model does not have")
        }
    }

    /// The int8 weight, input scale and loader of a quantized layer.
    private static func int8Form(of module: any Module) -> (weight: Int8Tensor, inputScale: Float, load: (Int8Tensor, Float) throws(QuantizationError) -> Void)? {
        if let dense = module as? QuantizedDense { return (dense.weight, dense.inputScale, dense.load) }
        if let convolution = module as? QuantizedConv2D { return (convolution.weight, convolution.inputScale, convolution.load) }
        return nil
    }
}
