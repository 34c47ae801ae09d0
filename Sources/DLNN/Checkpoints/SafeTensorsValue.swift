import Foundation

/// One tensor of a safetensors file in one of the dtypes this engine reads and writes: `F32`
/// (every float tensor), and the integer dtypes of compressed models — `I8` (int8 weights),
/// `U8` (packed bits) and `I32` (int32 data such as indices).
public enum SafeTensorsValue: Equatable, Sendable {
    case float32(Tensor)
    case int8([Int8], shape: TensorShape)
    case uint8([UInt8], shape: TensorShape)
    case int32([Int32], shape: TensorShape)

    /// The safetensors dtype name.
    public var dtype: String {
        switch self {
        case .float32: "F32"
        case .int8: "I8"
        case .uint8: "U8"
        case .int32: "I32"
        }
    }

    public var shape: TensorShape {
        switch self {
        case .float32(let tensor): tensor.shape
        case .int8(_, let shape), .uint8(_, let shape), .int32(_, let shape): shape
        }
    }

    /// The dtypes `SafeTensors.readValues(from:)` decodes.
    static let dtypes: Set<String> = ["F32", "I8", "U8", "I32"]

    /// Bytes per element.
    var elementWidth: Int {
        switch self {
        case .float32, .int32: 4
        case .int8, .uint8: 1
        }
    }

    /// The number of elements.
    var count: Int {
        switch self {
        case .float32(let tensor): tensor.count
        case .int8(let values, _): values.count
        case .uint8(let values, _): values.count
        case .int32(let values, _): values.count
        }
    }

    /// Writes the elements little-endian at `position` of `bytes`.
    func store(into bytes: UnsafeMutableRawBufferPointer, at position: Int) {
        switch self {
        case .float32(let tensor):
            tensor.withUnsafeBufferPointer { scalars in
                for (i, value) in scalars.enumerated() {
                    bytes.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: position + 4 * i, as: UInt32.self)
                }
            }
        case .int8(let values, _):
            for (i, value) in values.enumerated() { bytes.storeBytes(of: value, toByteOffset: position + i, as: Int8.self) }
        case .uint8(let values, _):
            for (i, value) in values.enumerated() { bytes[position + i] = value }
        case .int32(let values, _):
            for (i, value) in values.enumerated() { bytes.storeBytes(of: value.littleEndian, toByteOffset: position + 4 * i, as: Int32.self) }
        }
    }

    /// The value of dtype `dtype` (one of `dtypes`) and `shape` stored at `start` of `bytes`.
    static func load(dtype: String, shape: TensorShape, from bytes: UnsafeRawBufferPointer, at start: Int) -> SafeTensorsValue {
        let count = shape.elementCount
        switch dtype {
        case "I8": return .int8((0..<count).map { bytes.load(fromByteOffset: start + $0, as: Int8.self) }, shape: shape)
        case "U8": return .uint8(Array(bytes[start..<start + count]), shape: shape)
        case "I32":
            return .int32((0..<count).map { Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: start + 4 * $0, as: Int32.self)) }, shape: shape)
        default:
            return .float32(Tensor(shape: shape) { scalars in
                for i in scalars.indices {
                    scalars[i] = Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: start + 4 * i, as: UInt32.self)))
                }
            })
        }
    }
}
