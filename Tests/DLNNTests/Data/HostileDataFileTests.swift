import Foundation
import Testing
@testable import DLNN

/// Files written to hurt: truncations, forged sizes, gzip bombs and paths that are not regular files.
/// Each must throw the one `DatasetError` that names its problem, quickly, with memory bounded by
/// what the file really holds, and without blocking or trapping.
@Suite struct HostileDataFileTests {
    /// An IDX file of 3×4×5 unsigned bytes: a 16-byte header, then 60 data bytes.
    private let idx = idxBytes(dimensions: [3, 4, 5], data: (0..<60).map { UInt8($0 * 3) })

    /// `count` CIFAR-10 records whose label is `index % 10` and whose pixels are `fill`.
    private func cifarRecords(_ count: Int, fill: UInt8 = 7) -> [UInt8] {
        (0..<count).flatMap { [UInt8($0 % 10)] + [UInt8](repeating: fill, count: 3072) }
    }

    @Test func everyTruncationOfAPlainIDXFileSaysHowManyBytesAreMissing() throws {
        let directory = try TemporaryDirectory()
        for length in 0..<idx.count {
            let url = try directory.write(Array(idx[..<length]), to: "truncated")
            // The magic number, then the three sizes, then the data: each part says what it expected.
            let expected = length < 4 ? 4 : length < 16 ? 16 : 76
            #expect(expectDatasetError(about: url) { _ = try IDXFile.read(contentsOf: url) }?.problem
                == .truncated(expectedBytes: expected, foundBytes: length), "length \(length)")
        }
    }

    @Test func everyTruncationOfAGzipIDXFileIsTruncatedOrACutOffStream() throws {
        let directory = try TemporaryDirectory()
        let compressed = gzip(idx)
        var previousFound = 0
        for length in 0..<compressed.count {
            let url = try directory.write(Array(compressed[..<length]), to: "truncated.gz")
            switch expectDatasetError(about: url, { _ = try IDXFile.read(contentsOf: url) })?.problem {
            case .truncated(let expected, let found):
                // Cut in the deflate data: what was inflated is short of the part being read.
                #expect([4, 16, 76].contains(expected) && found < expected, "length \(length)")
                #expect(length < compressed.count - 8, "length \(length): the trailer alone is missing, all data is there")
                // Longer prefixes inflate to more (from 2 bytes on, when the file is recognized as gzip).
                if length >= 2 {
                    #expect(found >= previousFound, "length \(length)")
                    previousFound = found
                }
            case .corruptCompression(let reason):
                // All the data is there but the stream stops before its end: the CRC-32 and length cannot be checked.
                #expect(reason.contains("ends in the middle of the stream"), "length \(length): \(reason)")
                #expect(length >= compressed.count - 16, "length \(length)")
            case let other:
                Issue.record("length \(length): \(String(describing: other))")
            }
        }
    }

    @Test func forgedIDXSizesThrowInsteadOfTrapping() throws {
        let directory = try TemporaryDirectory()
        let maximum = 0xFFFF_FFFF
        let overflowing: [(dimensions: [Int], typeCode: UInt8)] = [
            ([maximum, maximum, 255], 0x08),
            (Array(repeating: maximum, count: 255), 0x08),  // the most dimensions a header can give
            ([1 << 31, 1 << 31, 2], 0x0C),  // 2⁶³ elements of 4 bytes
            ([1 << 30, 1 << 30, 1 << 2], 0x0E),  // 2⁶² elements fit in an Int, their 2⁶⁵ bytes do not
        ]
        for (dimensions, typeCode) in overflowing {
            let url = try directory.write(idxBytes(dimensions: dimensions, data: [1, 2, 3], typeCode: typeCode), to: "overflow")
            #expect(expectDatasetError(about: url) { _ = try IDXFile.read(contentsOf: url) }?.problem == .sizeOverflow(dimensions: dimensions))
        }

        // Sizes that multiply to terabytes without overflowing: the file ends long before.
        for (dimensions, typeCode) in [([65535, 65535, 255], UInt8(0x08)), ([1 << 28, 1 << 28], 0x0E)] {
            let url = try directory.write(idxBytes(dimensions: dimensions, data: [1, 2, 3], typeCode: typeCode), to: "huge")
            let claimed = dimensions.reduce(IDXArray.ElementType(rawValue: typeCode)!.byteWidth, *)
            let headerBytes = 4 + 4 * dimensions.count
            #expect(expectDatasetError(about: url) { _ = try IDXFile.read(contentsOf: url) }?.problem
                == .truncated(expectedBytes: headerBytes + claimed, foundBytes: headerBytes + 3))
        }

        // No dimensions, or an unknown type code: not an IDX file.
        let rankZero = try directory.write([0, 0, 0x08, 0, 1, 2, 3], to: "rank0")
        #expect(expectDatasetError(about: rankZero) { _ = try IDXFile.read(contentsOf: rankZero) }?.problem
            == .badMagicNumber(found: 0x0000_0800, expected: []))
        let unknownType = try directory.write(idxBytes(dimensions: [1], data: [1], typeCode: 0x0A), to: "type0a")
        #expect(expectDatasetError(about: unknownType) { _ = try IDXFile.read(contentsOf: unknownType) }?.problem
            == .badMagicNumber(found: 0x0000_0A01, expected: []))
    }

    @Test func zeroSizesAreEmptyArraysButNotDataSets() throws {
        let directory = try TemporaryDirectory()
        let noLabels = try directory.write(idxBytes(dimensions: [0], data: []), to: "no-labels")
        #expect(try IDXFile.read(contentsOf: noLabels) == IDXArray(elementType: .unsignedByte, dimensions: [0], bytes: []))

        let maximum = 0xFFFF_FFFF
        let threeLabels = try directory.write(idxBytes(dimensions: [3], data: [0, 1, 2]), to: "three-labels")
        // A zero anywhere makes the product 0, however large the other sizes: nothing to read, nothing to overflow.
        let cases: [(images: [Int], labels: URL)] = [
            ([0, 28, 28], noLabels),
            ([0, maximum, maximum, maximum], noLabels),
            ([3, 0, 28], threeLabels),
            ([3, maximum, maximum, 0], threeLabels),
            ([3, 0, 2, 2], threeLabels),
        ]
        for (dimensions, labels) in cases {
            let images = try directory.write(idxBytes(dimensions: dimensions, data: []), to: "images")
            #expect(try IDXFile.read(contentsOf: images).bytes.isEmpty)
            #expect(expectDatasetError(about: images) { _ = try ImageDataset.loadIDX(images: images, labels: labels) }?.problem
                == .emptyImages(dimensions: dimensions))
        }

        // Labels that do not fit the images: counts that differ, values outside the classes.
        let images = try directory.write(idxBytes(dimensions: [3, 2, 2], data: Array(repeating: 9, count: 12)), to: "images")
        #expect(expectDatasetError(about: images) { _ = try ImageDataset.loadIDX(images: images, labels: noLabels) }?.problem
            == .countMismatch(count: 3, otherFile: noLabels, otherCount: 0))
        let wild = try directory.write(idxBytes(dimensions: [3], data: [0, 255, 1]), to: "wild-labels")
        #expect(expectDatasetError(about: wild) { _ = try ImageDataset.loadIDX(images: images, labels: wild, classCount: 10) }?.problem
            == .labelOutOfRange(label: 255, sample: 1, classCount: 10))
        #expect(expectDatasetError(about: wild) { _ = try ImageDataset.loadIDX(images: images, labels: wild, classCount: 0) }?.problem
            == .labelOutOfRange(label: 0, sample: 0, classCount: 0))
        #expect(try ImageDataset.loadIDX(images: images, labels: wild).classCount == 256)
    }

    @Test func aTinyGzipClaimingGigabytesFailsFastWithoutReservingThem() throws {
        let directory = try TemporaryDirectory()
        // The header claims 1×65536×65536 bytes (4 GiB); 64 bytes follow, the last four ff ff ff ff.
        let header = idxBytes(dimensions: [1, 65536, 65536], data: [])
        let payload = [UInt8](repeating: 5, count: 60) + [0xFF, 0xFF, 0xFF, 0xFF]
        // Stored (level 0) and cut before the trailer, the file's last four bytes, where a gzip file
        // keeps its length (ISIZE), read as 2³² − 1: a reader trusting them reserves 4 GiB.
        let cutOff = Array(gzip(header + payload, level: 0).dropLast(8))
        #expect(cutOff.count < 120 && cutOff.suffix(4) == [0xFF, 0xFF, 0xFF, 0xFF])
        let cutOffURL = try directory.write(cutOff, to: "claims-4-GiB.gz")
        // A complete stream whose ISIZE is forged: zlib's length check catches it at the end.
        let forged = try directory.write(forgingGzipSize(gzip(header + payload), as: 0xFFFF_FFFF), to: "forged-size.gz")
        // Five CIFAR files with forged sizes, 21 GiB for a reader that trusts them.
        let cifar = try (1...5).map { try directory.write(forgingGzipSize(gzip(cifarRecords(2)), as: 0xFFFF_FFF0), to: "data_batch_\($0).bin") }

        let start = Date()
        expectBoundedMemory {
            #expect(expectDatasetError(about: cutOffURL) { _ = try IDXFile.read(contentsOf: cutOffURL) }?.problem
                == .truncated(expectedBytes: 16 + (1 << 32), foundBytes: 16 + 64))
            #expect(expectDatasetError(about: forged) { _ = try IDXFile.read(contentsOf: forged) }?.problem
                == .corruptCompression(reason: "incorrect length check"))
            #expect(expectDatasetError(about: cifar[0]) { _ = try CIFARFile.read(contentsOf: cifar, format: .cifar10) }?.problem
                == .corruptCompression(reason: "incorrect length check"))
        }
        #expect(Date().timeIntervalSince(start) < 2)
    }

    @Test func aForgedHeaderCostsAboutWhatTheFileReallyInflatesTo() throws {
        let directory = try TemporaryDirectory()
        // 5 MiB of real data from a few kB of gzip, behind a header claiming 4 GiB: the reservation
        // grows with the bytes (1, 4, then 16 MiB) and the read ends in `truncated`.
        let real = 5 << 20
        let url = try directory.write(gzip(idxBytes(dimensions: [1, 65536, 65536], data: [UInt8](repeating: 0, count: real))), to: "forged.gz")
        expectBoundedMemory {
            #expect(expectDatasetError(about: url) { _ = try IDXFile.read(contentsOf: url) }?.problem
                == .truncated(expectedBytes: 16 + (1 << 32), foundBytes: 16 + real))
        }
    }

    @Test func highlyCompressibleDataIsReadThroughGrowingReservations() throws {
        let directory = try TemporaryDirectory()
        // 6 MB that gzip shrinks several hundred times: more than the first reservation expects, so it grows twice.
        let data = (0..<1500).flatMap { [UInt8](repeating: UInt8(truncatingIfNeeded: $0), count: 4096) }
        let compressed = gzip(idxBytes(dimensions: [2, 3000, 1024], data: data))
        #expect(compressed.count * 8 < 1 << 20)
        let url = try directory.write(compressed, to: "runs.gz")
        let array = try IDXFile.read(contentsOf: url)
        #expect(array.dimensions == [2, 3000, 1024])
        #expect(Data(array.bytes) == Data(data))  // compared as Data: one memcmp, fast in debug builds too
    }

    @Test func compressedDataBeyondTheHeaderIsCountedForAMebibyteAtMost() throws {
        let directory = try TemporaryDirectory()
        let labels = idxBytes(dimensions: [10], data: Array(0..<10))
        // A little extra is counted exactly.
        let few = try directory.write(gzip(labels + [UInt8](repeating: 0, count: 1000)), to: "few.gz")
        #expect(expectDatasetError(about: few) { _ = try IDXFile.read(contentsOf: few) }?.problem == .trailingBytes(count: 1000))

        // A bomb behind the labels: 256 members of 1 MiB of zeros each, 256 MiB from 260 kB.
        let mebibyteOfZeros = gzip([UInt8](repeating: 0, count: 1 << 20))
        let bomb = try directory.write(gzip(labels) + Array((0..<256).map { _ in mebibyteOfZeros }.joined()), to: "bomb.gz")
        let start = Date()
        expectBoundedMemory {
            guard case .trailingData(let count) = expectDatasetError(about: bomb, { _ = try IDXFile.read(contentsOf: bomb) })?.problem else {
                Issue.record("expected trailingData")
                return
            }
            #expect(count > 1 << 20 && count <= (1 << 20) + (1 << 16))
        }
        #expect(Date().timeIntervalSince(start) < 2)
    }

    @Test func cifarFilesOfWrongLengthsArePartialRecords() throws {
        let directory = try TemporaryDirectory()
        let records = cifarRecords(3)
        for length in [1, 1000, 3072, 3074, 2 * 3073 - 1, 2 * 3073 + 1, 3 * 3073 - 1] {
            let plain = try directory.write(Array(records[..<length]), to: "plain.bin")
            let compressed = try directory.write(gzip(Array(records[..<length])), to: "compressed.bin")
            for url in [plain, compressed] {
                #expect(expectDatasetError(about: url) { _ = try CIFARFile.read(contentsOf: [url], format: .cifar10) }?.problem
                    == .partialRecord(fileBytes: length, recordBytes: 3073), "\(url.lastPathComponent), \(length) bytes")
            }
        }
        let empty = try directory.write(gzip([]), to: "empty.bin")
        #expect(expectDatasetError(about: empty) { _ = try CIFARFile.read(contentsOf: [empty], format: .cifar10) }?.problem
            == .partialRecord(fileBytes: 0, recordBytes: 3073))
        // Cut at a record boundary inside the compressed stream: every record is whole, the stream is not.
        let cut = try directory.write(Array(gzip(records, level: 0).dropLast(8)), to: "cut.bin")
        #expect(expectDatasetError(about: cut) { _ = try CIFARFile.read(contentsOf: [cut], format: .cifar10) }?.problem
            == .corruptCompression(reason: "the compressed data ends in the middle of the stream (truncated)"))
    }

    @Test func aGzipBombOfCIFARRecordsStopsAtTheRecordLimit() throws {
        #expect(CIFARFile.maximumRecordCount == 60_000)
        let directory = try TemporaryDirectory()
        // 2000 records of zeros, valid CIFAR-10 (label 0, black images): 6 MB from a few kB.
        let zeros = gzip([UInt8](repeating: 0, count: 2000 * 3073))
        #expect(zeros.count < 10_000)
        let bomb = try directory.write(zeros, to: "bomb.bin")
        let start = Date()
        #expect(expectDatasetError(about: bomb) { _ = try CIFARFile.read(contentsOf: [bomb], format: .cifar10, recordLimit: 100) }?.problem
            == .tooManyRecords(limit: 100, recordBytes: 3073))
        #expect(Date().timeIntervalSince(start) < 2)
        // Exactly the limit is fine.
        let full = try directory.write(gzip(cifarRecords(100)), to: "full.bin")
        #expect(try CIFARFile.read(contentsOf: [full], format: .cifar10, recordLimit: 100).count == 100)
    }

    @Test func pathsThatAreNotRegularFilesAreRefusedWithoutBlocking() throws {
        let directory = try TemporaryDirectory()
        let fifo = try directory.makeFIFO(named: "train-images-idx3-ubyte.gz")
        let link = directory.url.appendingPathComponent("link-to-fifo")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: fifo)
        let folder = directory.url.appendingPathComponent("folder.bin")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
        let labels = try directory.write(idxBytes(dimensions: [1], data: [0]), to: "labels")
        let good = try directory.write(cifarRecords(1), to: "good.bin")

        let cases: [(url: URL, kind: String)] = [
            (fifo, "a FIFO (named pipe)"), (link, "a FIFO (named pipe)"), (folder, "a directory"),
            (URL(fileURLWithPath: "/dev/zero"), "a character device"), (URL(fileURLWithPath: "/dev/urandom"), "a character device"),
        ]
        for (url, kind) in cases {
            let expected = DatasetError.Problem.notARegularFile(kind: kind)
            let error = expectDatasetError(about: url) { _ = try IDXFile.read(contentsOf: url) }
            #expect(error?.problem == expected)
            #expect(error?.description == "\(url.path): is \(kind), not a regular file; only regular files are read")
            #expect(expectDatasetError(about: url) { _ = try ImageDataset.loadIDX(images: url, labels: labels) }?.problem == expected)
            // A CIFAR folder is opened whole before anything is read, so the good file does not hide the bad one.
            #expect(expectDatasetError(about: url) { _ = try CIFARFile.read(contentsOf: [good, url], format: .cifar10) }?.problem == expected)
        }
        #expect(expectDatasetError(about: fifo) { _ = try MNIST.load(directory: directory.url) }?.problem == .notARegularFile(kind: "a FIFO (named pipe)"))
    }
}
