import Foundation

/// Reads and writes named `Float` tensors in the safetensors format of Hugging Face, which PyTorch,
/// NumPy, JAX and the Hugging Face tools read and write:
///
///     8 bytes     N, the header length, unsigned little-endian
///     N bytes     a JSON object, padded with spaces:
///                 {"__metadata__": {"key": "value", …},
///                  "features.0.weight": {"dtype": "F32", "shape": [6, 1, 5, 5], "data_offsets": [0, 600]}, …}
///     the rest    the tensors' elements, row-major, little-endian; offsets count from the first byte after the header
///
/// Files written here follow the reference implementation: tensors sorted by name, their data
/// contiguous in the same order, and N a multiple of 8 so the data is aligned. Reading accepts any
/// valid file whose tensors are F32 and validates it completely, so a truncated or corrupt file
/// throws a `CheckpointError` instead of crashing.
public enum SafeTensors {
    /// The tensors and free-form metadata of a safetensors file.
    public typealias Contents = (tensors: [String: Tensor], metadata: [String: String])

    /// The file bytes for `tensors`, whose names must be unique and not `__metadata__`.
    public static func encode(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:]) -> Data {
        let sorted = tensors.sorted { $0.name < $1.name }
        for (previous, next) in zip(sorted, sorted.dropFirst()) {
            require(previous.name != next.name, "SafeTensors.encode: the name \(next.name) appears twice")
        }
        require(!tensors.contains { $0.name == metadataKey }, "SafeTensors.encode: \(metadataKey) is reserved for metadata")

        var entries: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.sorted { $0.key < $1.key }.map { "\(jsonStringLiteral($0.key)):\(jsonStringLiteral($0.value))" }
            entries.append("\(jsonStringLiteral(metadataKey)):{\(pairs.joined(separator: ","))}")
        }
        var offset = 0
        for (name, tensor) in sorted {
            let end = offset + 4 * tensor.count
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            entries.append("\(jsonStringLiteral(name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        var header = Array("{\(entries.joined(separator: ","))}".utf8)
        header += repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8)

        var data = Data(count: 8 + header.count + offset)
        data.withUnsafeMutableBytes { bytes in
            bytes.storeBytes(of: UInt64(header.count).littleEndian, as: UInt64.self)
            bytes[8..<8 + header.count].copyBytes(from: header)
            var position = 8 + header.count
            for (_, tensor) in sorted {
                tensor.withUnsafeBufferPointer { scalars in
                    for value in scalars {
                        bytes.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: position, as: UInt32.self)
                        position += 4
                    }
                }
            }
        }
        return data
    }

    /// Writes `tensors` and `metadata` to `url` atomically (see `AtomicFile`).
    public static func write(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:], to url: URL) throws {
        try AtomicFile.write(encode(tensors, metadata: metadata), to: url)
    }

    /// The tensors and metadata stored in `data`; throws a `CheckpointError` if `data` is not valid
    /// safetensors or holds a tensor whose dtype is not F32.
    public static func decode(_ data: Data) throws -> Contents {
        try decode(data, file: nil)
    }

    /// The tensors and metadata of the file at `url`; throws a `CheckpointError` naming the file if
    /// it cannot be read, is not valid safetensors or holds a tensor whose dtype is not F32.
    public static func read(from url: URL) throws -> Contents {
        try decode(contentsOf(url), file: url)
    }

    static let metadataKey = "__metadata__"

    static func contentsOf(_ url: URL) throws -> Data {
        do {
            return try Data(contentsOf: url)
        } catch {
            let reason = FileManager.default.fileExists(atPath: url.path) ? "\(error.localizedDescription)" : "no such file"
            throw CheckpointError(file: url, problem: .unreadable(reason: reason))
        }
    }

    private static func decode(_ data: Data, file: URL?) throws -> Contents {
        let header = try SafeTensorsHeader(parsing: data, file: file)
        if let entry = header.entries.sorted(by: { $0.key < $1.key }).first(where: { $0.value.dtype != "F32" }) {
            throw CheckpointError(file: file, problem: .unsupportedDType(name: entry.key, dtype: entry.value.dtype))
        }
        return (header.entries.mapValues { header.tensor($0, in: data) }, header.metadata)
    }
}
