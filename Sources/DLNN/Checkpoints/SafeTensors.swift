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
/// throws a `CheckpointError` instead of crashing. A file is read in validated steps (N, the
/// header, then the data), so a forged length or a bad header costs the header at most, and only
/// regular files are opened: a FIFO or a device cannot block the reader or feed it forever.
public enum SafeTensors {
    /// The tensors and free-form metadata of a safetensors file.
    public typealias Contents = (tensors: [String: Tensor], metadata: [String: String])

    /// The file bytes for `tensors`, whose names must be unique and not `__metadata__`.
    public static func encode(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:]) -> Data {
        encode(values: tensors.map { ($0.name, .float32($0.tensor)) }, metadata: metadata)
    }

    /// The file bytes for `values` of any supported dtype (F32, I8, U8, I32), whose names must be
    /// unique and not `__metadata__`.
    public static func encode(values: [(name: String, value: SafeTensorsValue)], metadata: [String: String] = [:]) -> Data {
        let sorted = values.sorted { $0.name < $1.name }
        for (previous, next) in zip(sorted, sorted.dropFirst()) {
            require(previous.name != next.name, "SafeTensors.encode: the name \(next.name) appears twice")
        }
        require(!values.contains { $0.name == metadataKey }, "SafeTensors.encode: \(metadataKey) is reserved for metadata")

        var entries: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.sorted { $0.key < $1.key }.map { "\(jsonStringLiteral($0.key)):\(jsonStringLiteral($0.value))" }
            entries.append("\(jsonStringLiteral(metadataKey)):{\(pairs.joined(separator: ","))}")
        }
        var offset = 0
        var offsets: [Int] = []
        for (name, value) in sorted {
            let end = offset + value.elementWidth * value.count
            let shape = value.shape.map(String.init).joined(separator: ",")
            entries.append("\(jsonStringLiteral(name)):{\"dtype\":\"\(value.dtype)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
            offsets.append(offset)
            offset = end
        }
        var header = Array("{\(entries.joined(separator: ","))}".utf8)
        header += repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8)

        var data = Data(count: 8 + header.count + offset)
        data.withUnsafeMutableBytes { bytes in
            bytes.storeBytes(of: UInt64(header.count).littleEndian, as: UInt64.self)
            bytes[8..<8 + header.count].copyBytes(from: header)
            for ((_, value), start) in zip(sorted, offsets) { value.store(into: bytes, at: 8 + header.count + start) }
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
    /// it cannot be read or is not a regular file, is not valid safetensors or holds a tensor whose
    /// dtype is not F32.
    public static func read(from url: URL) throws -> Contents {
        let (header, data) = try load(url)
        return try contents(of: header, in: data, file: url)
    }

    /// Writes `values` (F32, I8, U8, I32) and `metadata` to `url` atomically (see `AtomicFile`).
    public static func write(values: [(name: String, value: SafeTensorsValue)], metadata: [String: String] = [:], to url: URL) throws {
        try AtomicFile.write(encode(values: values, metadata: metadata), to: url)
    }

    /// The values and metadata of the file at `url`, whose tensors may be F32, I8, U8 or I32;
    /// throws a `CheckpointError` as `read(from:)` does, for any other dtype too.
    public static func readValues(from url: URL) throws -> (values: [String: SafeTensorsValue], metadata: [String: String]) {
        let (header, data) = try load(url)
        return try values(of: header, in: data, file: url)
    }

    /// `readValues(from:)` for the bytes of a file in memory.
    public static func decodeValues(_ data: Data) throws -> (values: [String: SafeTensorsValue], metadata: [String: String]) {
        try values(of: SafeTensorsHeader(parsing: data, file: nil), in: data, file: nil)
    }

    private static func values(of header: SafeTensorsHeader, in data: Data, file: URL?) throws -> (values: [String: SafeTensorsValue], metadata: [String: String]) {
        if let entry = header.entries.sorted(by: { $0.key < $1.key }).first(where: { !SafeTensorsValue.dtypes.contains($0.value.dtype) }) {
            throw CheckpointError(file: file, problem: .unsupportedDType(name: entry.key, dtype: entry.value.dtype))
        }
        return (header.entries.mapValues { header.value($0, in: data) }, header.metadata)
    }

    static let metadataKey = "__metadata__"

    /// The validated header and the bytes of the safetensors file at `url`.
    ///
    /// Each read is bounded by what was validated before it: the 8-byte header length first,
    /// checked against the file's real size and the 100 MB limit; then the header, validated
    /// against the size of the rest of the file; only then the data, whose size the validated
    /// header gives. So a file with a bad header costs its header, not its size.
    static func load(_ url: URL) throws -> (header: SafeTensorsHeader, data: Data) {
        func unreadable(_ failure: RegularFile.Failure) -> CheckpointError {
            switch failure {
            case .missing: CheckpointError(file: url, problem: .unreadable(reason: "no such file"))
            case .notRegular(let kind): CheckpointError(file: url, problem: .notARegularFile(kind: kind))
            case .system(let reason): CheckpointError(file: url, problem: .unreadable(reason: reason))
            }
        }
        do {
            let file = try RegularFile(path: url.path)
            // Fills `bytes[range]` from the same offsets of the file, which must still hold them.
            func read(_ range: Range<Int>, into bytes: inout Data) throws {
                let found = try bytes.withUnsafeMutableBytes { buffer in
                    try file.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[range]), at: range.lowerBound)
                }
                guard found == range.count else {
                    throw RegularFile.Failure.system(reason: "the file ended after \(range.lowerBound + found) of the \(file.size) bytes it had when opened")
                }
            }
            var prefix = Data(count: min(8, file.size))
            try read(0..<prefix.count, into: &prefix)
            let headerLength = try SafeTensorsHeader.headerLength(prefix: prefix, fileSize: file.size, file: url)
            var data = Data(count: 8 + headerLength)
            data.replaceSubrange(0..<8, with: prefix)
            try read(8..<data.count, into: &data)
            let header = try SafeTensorsHeader(json: data[8...], dataLength: file.size - data.count, file: url)
            // The header tiles exactly the rest of the file, so this is the size it gives.
            data.count = file.size
            try read(header.dataStart..<file.size, into: &data)
            return (header, data)
        } catch let failure as RegularFile.Failure {
            throw unreadable(failure)
        }
    }

    private static func decode(_ data: Data, file: URL?) throws -> Contents {
        try contents(of: SafeTensorsHeader(parsing: data, file: file), in: data, file: file)
    }

    /// The tensors of `header` read from `data`, the whole file; throws if one is not F32.
    private static func contents(of header: SafeTensorsHeader, in data: Data, file: URL?) throws -> Contents {
        if let entry = header.entries.sorted(by: { $0.key < $1.key }).first(where: { $0.value.dtype != "F32" }) {
            throw CheckpointError(file: file, problem: .unsupportedDType(name: entry.key, dtype: entry.value.dtype))
        }
        return (header.entries.mapValues { header.tensor($0, in: data) }, header.metadata)
    }
}
