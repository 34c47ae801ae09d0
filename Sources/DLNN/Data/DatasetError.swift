import Foundation

/// A data set file that is missing, unreadable or malformed, with the file's path and what is wrong.
///
/// Its description reads like
/// `/data/mnist/train-labels-idx1-ubyte.gz: truncated: expected 60000 bytes of data, found 59123`.
public struct DatasetError: Error, Equatable, Sendable {
    /// What is wrong with a file.
    public enum Problem: Equatable, Sendable {
        /// The file does not exist.
        case missing
        /// The file exists but cannot be opened or read; `reason` is the system's message.
        case unreadable(reason: String)
        /// The gzip stream is damaged (bad header, bad deflate data or checksum mismatch); `reason` is zlib's message.
        case corruptCompression(reason: String)
        /// The file ends before the data its header or format promises.
        case truncated(expectedBytes: Int, foundBytes: Int)
        /// Bytes follow the data that the header describes.
        case trailingBytes(count: Int)
        /// The leading four bytes of an IDX file are not an IDX magic number, or not one of `expected` when that is not empty.
        case badMagicNumber(found: UInt32, expected: [UInt32])
        /// The sizes in an IDX header overflow the address space.
        case sizeOverflow(dimensions: [Int])
        /// An IDX images file whose images have a zero size (`[N, 0, 28]`).
        case emptyImages(dimensions: [Int])
        /// A CIFAR file whose length is not a whole number of records (an empty file included).
        case partialRecord(fileBytes: Int, recordBytes: Int)
        /// The images file holds `count` samples but `otherFile` holds `otherCount` labels.
        case countMismatch(count: Int, otherFile: URL, otherCount: Int)
        /// A label outside `0..<classCount`.
        case labelOutOfRange(label: Int, sample: Int, classCount: Int)
    }

    /// The file at fault.
    public let file: URL
    /// What is wrong with it.
    public let problem: Problem

    /// Creates an error about `file`.
    public init(file: URL, problem: Problem) {
        self.file = file
        self.problem = problem
    }
}

extension DatasetError: CustomStringConvertible, LocalizedError {
    /// `<path>: <problem>`.
    public var description: String { "\(file.path): \(problem)" }

    /// The same text as `description`, for `localizedDescription`.
    public var errorDescription: String? { description }
}

extension DatasetError.Problem: CustomStringConvertible {
    /// A short English description of the problem.
    public var description: String {
        switch self {
        case .missing:
            return "no such file"
        case .unreadable(let reason):
            return "cannot be read: \(reason)"
        case .corruptCompression(let reason):
            return "corrupt gzip data: \(reason)"
        case .truncated(let expected, let found):
            return "truncated: expected \(expected) bytes, found \(found)"
        case .trailingBytes(let count):
            return "\(count) unexpected bytes after the data that the header describes"
        case .badMagicNumber(let found, let expected) where expected.isEmpty:
            return "bad magic number \(hexadecimal(found)): not an IDX file (00 00, a type code 08 to 0e, the number of dimensions)"
        case .badMagicNumber(let found, let expected):
            let accepted = expected.map(hexadecimal).joined(separator: " or ")
            return "bad magic number \(hexadecimal(found)), expected \(accepted)"
        case .sizeOverflow(let dimensions):
            return "the header's sizes \(describe(dimensions)) are too large"
        case .emptyImages(let dimensions):
            return "images of size \(describe(dimensions)) hold no pixels"
        case .partialRecord(let fileBytes, let recordBytes):
            return "\(fileBytes) bytes is not a whole, nonzero number of \(recordBytes)-byte records (truncated or not this format)"
        case .countMismatch(let count, let otherFile, let otherCount):
            return "holds \(count) images but \(otherFile.path) holds \(otherCount) labels"
        case .labelOutOfRange(let label, let sample, let classCount):
            return "label \(label) of sample \(sample) is outside 0..<\(classCount)"
        }
    }
}

/// `0x00000803`.
private func hexadecimal(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
}
