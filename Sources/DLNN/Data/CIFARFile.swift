import Foundation

/// Reads the binary version of CIFAR-10 and CIFAR-100 (Krizhevsky, 2009).
///
/// A file is a sequence of records with no header. A CIFAR-10 record is one label byte followed by
/// a 3×32×32 image (1 + 3072 bytes); a CIFAR-100 record has two label bytes, the coarse class (of 20)
/// then the fine class (of 100). The image is stored channel by channel (red, green, blue), each
/// channel row by row: already the C×H×W layout of `ImageDataset`.
public enum CIFARFile {
    /// Which data set the records come from, and for CIFAR-100 which label to keep.
    public enum Format: Sendable {
        /// CIFAR-10: one label byte, 10 classes.
        case cifar10
        /// CIFAR-100 labelled with its 20 superclasses (the first label byte).
        case cifar100Coarse
        /// CIFAR-100 labelled with its 100 classes (the second label byte).
        case cifar100Fine

        /// The number of classes of the label kept.
        public var classCount: Int {
            switch self {
            case .cifar10: 10
            case .cifar100Coarse: 20
            case .cifar100Fine: 100
            }
        }

        /// Label bytes at the start of each record.
        var labelByteCount: Int { self == .cifar10 ? 1 : 2 }

        /// The position of the kept label among the label bytes.
        var labelPosition: Int { self == .cifar100Fine ? 1 : 0 }
    }

    /// Channels, rows and columns of every CIFAR image.
    public static let imageShape = [3, 32, 32]

    /// The most records a file may hold: 60 000, all of CIFAR-10 or CIFAR-100 in one file (the
    /// largest official file, CIFAR-100's `train.bin`, holds 50 000). The format has no header, so
    /// this is what stops a small gzip file that inflates to gigabytes of valid-looking records.
    public static let maximumRecordCount = 60_000

    /// Reads the records of all `urls` in order into one data set; the files may be gzip-compressed.
    ///
    /// Throws a `DatasetError` naming the file that is missing, unreadable or not a regular file,
    /// whose length is not a whole number of records, that holds more than `maximumRecordCount`
    /// records, or that has a label out of range for `format`.
    public static func read(contentsOf urls: [URL], format: Format) throws -> ImageDataset {
        try read(contentsOf: urls, format: format, recordLimit: maximumRecordCount)
    }

    /// `read(contentsOf:format:)` with at most `recordLimit` records per file.
    static func read(contentsOf urls: [URL], format: Format, recordLimit: Int) throws -> ImageDataset {
        let imageByteCount = imageShape.reduce(1, *)
        let recordByteCount = format.labelByteCount + imageByteCount
        // Open every file first, so a missing one is reported before reading hundreds of megabytes.
        var readers: [DataFileReader] = []
        for url in urls { readers.append(try DataFileReader(contentsOf: url)) }

        // Plain files' lengths are real, so reserve for them; compressed data grows as it inflates.
        let expectedRecords = readers.reduce(0) { $0 + min(($1.knownSize ?? 0) / recordByteCount, recordLimit) }
        var images: [UInt8] = []
        var labels: [Int] = []
        images.reserveCapacity(expectedRecords * imageByteCount)
        labels.reserveCapacity(expectedRecords)
        var record = [UInt8](repeating: 0, count: recordByteCount)
        for reader in readers {
            var index = 0
            while true {
                let found = try record.withUnsafeMutableBytes { try reader.read(into: $0) }
                if found == 0 && index > 0 { break }
                guard found == recordByteCount else {
                    throw DatasetError(file: reader.url, problem: .partialRecord(fileBytes: reader.position, recordBytes: recordByteCount))
                }
                guard index < recordLimit else {
                    throw DatasetError(file: reader.url, problem: .tooManyRecords(limit: recordLimit, recordBytes: recordByteCount))
                }
                let label = Int(record[format.labelPosition])
                guard label < format.classCount else {
                    throw DatasetError(file: reader.url, problem: .labelOutOfRange(label: label, sample: index, classCount: format.classCount))
                }
                labels.append(label)
                images.append(contentsOf: record[format.labelByteCount...])
                index += 1
            }
        }
        return ImageDataset(
            images: images, labels: labels,
            channels: imageShape[0], height: imageShape[1], width: imageShape[2], classCount: format.classCount
        )
    }
}
