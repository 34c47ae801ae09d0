import Foundation

/// One tensor of a safetensors file given as its dtype, shape and little-endian bytes, for the
/// dtypes other than F32 that sparse checkpoints use (U8 packed codes, F32 values).
struct SafeTensorsRawEntry {
    var name: String
    var dtype: String
    var shape: [Int]
    var bytes: [UInt8]

    /// An F32 entry holding `values`.
    init(name: String, float values: [Float], shape: [Int]? = nil) {
        self.name = name
        dtype = "F32"
        self.shape = shape ?? [values.count]
        bytes = values.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
    }

    /// A one-dimensional U8 entry.
    init(name: String, bytes: [UInt8]) {
        self.name = name
        dtype = "U8"
        shape = [bytes.count]
        self.bytes = bytes
    }

    /// The file: header (entries sorted by name, padded with spaces to a multiple of 8) and data,
    /// in the layout `SafeTensors.encode` writes.
    static func encode(_ entries: [SafeTensorsRawEntry], metadata: [String: String]) -> Data {
        let sorted = entries.sorted { $0.name < $1.name }
        for (previous, next) in zip(sorted, sorted.dropFirst()) {
            require(previous.name != next.name, "sparse checkpoint: the name \(next.name) appears twice")
        }
        var fields: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.sorted { $0.key < $1.key }.map { "\(jsonStringLiteral($0.key)):\(jsonStringLiteral($0.value))" }
            fields.append("\(jsonStringLiteral(SafeTensors.metadataKey)):{\(pairs.joined(separator: ","))}")
        }
        var offset = 0
        for entry in sorted {
            let shape = entry.shape.map(String.init).joined(separator: ",")
            fields.append("\(jsonStringLiteral(entry.name)):{\"dtype\":\"\(entry.dtype)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + entry.bytes.count)]}")
            offset += entry.bytes.count
        }
        var header = Array("{\(fields.joined(separator: ","))}".utf8)
        header += repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8)
        var data = Data()
        data.reserveCapacity(8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: header)
        for entry in sorted { data.append(contentsOf: entry.bytes) }
        return data
    }
}
