import Foundation

/// The validated header of a safetensors file: where each tensor's bytes are, and the metadata.
///
/// Validation follows the reference implementation: the header length is above 0, at most
/// 100 MB and fits in the file, the header is a JSON object, every entry has a known dtype, a shape of
/// non-negative sizes and `data_offsets` [begin, end] with end − begin = (element count)·(dtype
/// width), and the entries tile the data section exactly: sorted by begin, each starts where the
/// previous ended, the first at 0 and the last ending at the end of the file.
struct SafeTensorsHeader {
    struct Entry {
        var dtype: String
        var shape: TensorShape
        /// Byte range within the data section.
        var offsets: Range<Int>
    }

    var entries: [String: Entry] = [:]
    var metadata: [String: String] = [:]
    /// The file offset of the data section, 8 + N.
    let dataStart: Int

    /// Bytes per element of each dtype the format defines with a whole number of bytes.
    private static let byteWidths: [String: Int] = [
        "BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1, "F8_E8M0": 1,
        "U16": 2, "I16": 2, "F16": 2, "BF16": 2,
        "U32": 4, "I32": 4, "F32": 4,
        "U64": 8, "I64": 8, "F64": 8, "C64": 8,
    ]
    private static let maximumHeaderLength = 100_000_000

    /// Validates the header of `data`, a whole file in memory.
    init(parsing data: Data, file: URL?) throws {
        let headerLength = try Self.headerLength(prefix: data.prefix(8), fileSize: data.count, file: file)
        let json = data.dropFirst(8).prefix(headerLength)
        try self.init(json: json, dataLength: data.count - 8 - headerLength, file: file)
    }

    /// The header length N from `prefix`, the first 8 bytes of a file of `fileSize` bytes (fewer if
    /// the file is shorter), checked before the header is read: N must be above 0, at most 100 MB
    /// (the reference implementation's limit, so a forged length cannot make a reader allocate
    /// gigabytes) and fit in the file.
    static func headerLength(prefix: Data, fileSize: Int, file: URL?) throws -> Int {
        func malformed(_ reason: String) -> CheckpointError { CheckpointError(file: file, problem: .malformed(reason: reason)) }

        guard prefix.count >= 8 else { throw malformed("\(fileSize) bytes, too short for the 8-byte header length") }
        let headerLength = prefix.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard headerLength > 0 else { throw malformed("the header length is 0: there is no JSON header") }
        guard headerLength <= UInt64(Self.maximumHeaderLength) else {
            throw malformed("header length \(headerLength) is above the limit of \(Self.maximumHeaderLength) bytes")
        }
        guard headerLength <= UInt64(fileSize - 8) else {
            throw malformed("header length \(headerLength) does not fit in the file's \(fileSize - 8) remaining bytes")
        }
        return Int(headerLength)
    }

    /// Validates `json`, the header of a file whose data section (after the header) holds `dataLength` bytes.
    init(json header: Data, dataLength: Int, file: URL?) throws {
        func malformed(_ reason: String) -> CheckpointError { CheckpointError(file: file, problem: .malformed(reason: reason)) }

        dataStart = 8 + header.count
        let json: Any
        do {
            // Fragments allowed, so that `42` is reported as not an object rather than as not JSON.
            json = try JSONSerialization.jsonObject(with: header, options: .fragmentsAllowed)
        } catch {
            throw malformed("the header is not valid JSON")
        }
        guard let object = json as? [String: Any] else { throw malformed("the header is not a JSON object") }

        for (name, value) in object {
            if name == SafeTensors.metadataKey {
                guard let metadata = value as? [String: String] else { throw malformed("\(name) must map strings to strings") }
                self.metadata = metadata
                continue
            }
            guard let fields = value as? [String: Any],
                  let dtype = fields["dtype"] as? String,
                  let shape = Self.integers(fields["shape"]),
                  let offsets = Self.integers(fields["data_offsets"]), offsets.count == 2
            else { throw malformed("tensor \(name) needs a dtype, a shape and two data_offsets") }
            guard let width = Self.byteWidths[dtype] else { throw malformed("tensor \(name) has unknown dtype \(dtype)") }
            guard shape.allSatisfy({ $0 >= 0 }), 0 <= offsets[0], offsets[0] <= offsets[1], offsets[1] <= dataLength else {
                throw malformed("tensor \(name) has shape \(describe(shape)) and offsets \(describe(offsets)) outside the \(dataLength) data bytes")
            }
            var byteCount = width
            for size in shape {
                let (product, overflow) = byteCount.multipliedReportingOverflow(by: size)
                guard !overflow else { throw malformed("tensor \(name) has shape \(describe(shape)), too large") }
                byteCount = product
            }
            guard offsets[1] - offsets[0] == byteCount else {
                throw malformed("tensor \(name) of shape \(describe(shape)) and dtype \(dtype) needs \(byteCount) bytes, its offsets \(describe(offsets)) span \(offsets[1] - offsets[0])")
            }
            entries[name] = Entry(dtype: dtype, shape: TensorShape(shape), offsets: offsets[0]..<offsets[1])
        }

        var end = 0
        for (name, entry) in entries.sorted(by: { ($0.value.offsets.lowerBound, $0.value.offsets.upperBound) < ($1.value.offsets.lowerBound, $1.value.offsets.upperBound) }) {
            guard entry.offsets.lowerBound == end else {
                throw malformed("tensor \(name) starts at byte \(entry.offsets.lowerBound) of the data, expected \(end) (overlap or gap)")
            }
            end = entry.offsets.upperBound
        }
        guard end == dataLength else { throw malformed("the tensors cover \(end) data bytes but the file holds \(dataLength)") }
    }

    /// The F32 tensor of `entry`, read from `data`, the whole file.
    func tensor(_ entry: Entry, in data: Data) -> Tensor {
        guard case .float32(let tensor) = value(entry, in: data) else { preconditionFailure("SafeTensorsHeader.tensor: \(entry.dtype) is not F32") }
        return tensor
    }

    /// The value of `entry` (a dtype of `SafeTensorsValue.dtypes`), read from `data`, the whole file.
    func value(_ entry: Entry, in data: Data) -> SafeTensorsValue {
        data.withUnsafeBytes { bytes in
            SafeTensorsValue.load(dtype: entry.dtype, shape: entry.shape, from: bytes, at: dataStart + entry.offsets.lowerBound)
        }
    }

    /// `value` as an array of integers, if it is a JSON array of integer literals (not `2.0` or `true`).
    private static func integers(_ value: Any?) -> [Int]? {
        guard let numbers = value as? [Any] else { return nil }
        var result: [Int] = []
        for number in numbers {
            // JSONSerialization gives integer literals the Objective-C type codes of int or long long.
            guard let number = number as? NSNumber, ["i", "l", "q"].contains(String(cString: number.objCType)),
                  let integer = number as? Int
            else { return nil }
            result.append(integer)
        }
        return result
    }
}
