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
        /// The path names a FIFO, a directory, a device or a socket (`kind` says which), which could
        /// block or never end; only regular files are read.
        case notARegularFile(kind: String)
        /// The gzip stream is damaged (bad header, bad deflate data or checksum mismatch); `reason` is zlib's message.
        case corruptCompression(reason: String)
        /// The file ends before the data its header or format promises.
        case truncated(expectedBytes: Int, foundBytes: Int)
        /// `count` bytes follow the data that the header describes.
        case trailingBytes(count: Int)
        /// More than 1 MiB of compressed data follows the data that the header describes; the reader
        /// stopped inflating after `atLeastBytes` of it rather than inflate a gzip bomb to its end.
        case trailingData(atLeastBytes: Int)
        /// The leading four bytes of an IDX file are not an IDX magic number, or not one of `expected` when that is not empty.
        case badMagicNumber(found: UInt32, expected: [UInt32])
        /// The sizes in an IDX header overflow the address space.
        case sizeOverflow(dimensions: [Int])
        /// An IDX images file with a zero size: no images (`[0, 28, 28]`) or images of no pixels (`[N, 0, 28]`).
        case emptyImages(dimensions: [Int])
        /// A CIFAR file whose length is not a whole number of records (an empty file included).
        case partialRecord(fileBytes: Int, recordBytes: Int)
        /// A CIFAR file holding more than `limit` records of `recordBytes` bytes, more than any CIFAR
        /// file: reading stopped there, so a gzip bomb cannot exhaust memory.
        case tooManyRecords(limit: Int, recordBytes: Int)
        /// The images file holds `count` samples but `otherFile` holds `otherCount` labels.
        case countMismatch(count: Int, otherFile: URL, otherCount: Int)
        /// A label outside `0..<classCount`.
        case labelOutOfRange(label: Int, sample: Int, classCount: Int)
        /// A text corpus longer than `limitBytes` (reading stopped there, so a gzip bomb cannot exhaust memory).
        case textTooLarge(limitBytes: Int)
        /// A text corpus that is not UTF-8, or too short to predict a next character from (fewer than two characters).
        case notUsableText(reason: String)
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
        case .notARegularFile(let kind):
            return "is \(kind), not a regular file; only regular files are read"
        case .corruptCompression(let reason):
            return "corrupt gzip data: \(reason)"
        case .truncated(let expected, let found):
            return "truncated: expected \(expected) bytes, found \(found)"
        case .trailingBytes(let count):
            return "\(count) unexpected bytes after the data that the header describes"
        case .trailingData(let count):
            return "more data than the header describes: at least \(count) unexpected bytes after it (inflating stopped there)"
        case .badMagicNumber(let found, let expected) where expected.isEmpty:
            return "bad magic number \(hexadecimal(found)): not an IDX file (00 00, a type code 08 to 0e, the number of dimensions)"
        case .badMagicNumber(let found, let expected):
            let accepted = expected.map(hexadecimal).joined(separator: " or ")
            return "bad magic number \(hexadecimal(found)), expected \(accepted)"
        case .sizeOverflow(let dimensions):
            return "the header's sizes \(describe(dimensions)) are too large"
        case .emptyImages(let dimensions):
            return "images of sizes \(describe(dimensions)) hold no pixels (no images, or images of size zero)"
        case .partialRecord(let fileBytes, let recordBytes):
            return "\(fileBytes) bytes is not a whole, nonzero number of \(recordBytes)-byte records (truncated or not this format)"
        case .tooManyRecords(let limit, let recordBytes):
            return "more than \(limit) records of \(recordBytes) bytes, more than any CIFAR file holds (a gzip bomb or not this format)"
        case .countMismatch(let count, let otherFile, let otherCount):
            return "holds \(count) images but \(otherFile.path) holds \(otherCount) labels"
        case .labelOutOfRange(let label, let sample, let classCount):
            return "label \(label) of sample \(sample) is outside 0..<\(classCount)"
        case .textTooLarge(let limit):
            return "a text corpus of more than \(limit) bytes (reading stopped there)"
        case .notUsableText(let reason):
            return "not a usable text corpus: \(reason)"
        }
    }
}

/// `0x00000803`.
private func hexadecimal(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
}
