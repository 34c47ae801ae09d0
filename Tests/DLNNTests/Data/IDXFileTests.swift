import Foundation
import Testing
@testable import DLNN

@Suite struct IDXFileTests {
    @Test func readsPlainAndGzipFilesAlike() throws {
        let directory = try TemporaryDirectory()
        let data = (0..<24).map { UInt8($0 * 10) }
        let bytes = idxBytes(dimensions: [2, 3, 4], data: data)
        // The .gz name on the plain file and the plain name on the compressed one: detection is by content.
        let plain = try directory.write(bytes, to: "plain.gz")
        let compressed = try directory.write(gzip(bytes), to: "compressed.idx")
        for url in [plain, compressed] {
            let array = try IDXFile.read(contentsOf: url)
            #expect(array.elementType == .unsignedByte)
            #expect(array.dimensions == [2, 3, 4])
            #expect(array.bytes == data)
            #expect(array.magicNumber == 0x0000_0803)
        }
    }

    @Test func readsMultiByteTypesAsRawBigEndianBytes() throws {
        let directory = try TemporaryDirectory()
        let data: [UInt8] = [0x3F, 0x80, 0x00, 0x00, 0xC0, 0x00, 0x00, 0x00]  // 1.0 and -2.0 as big-endian Float32
        let url = try directory.write(idxBytes(dimensions: [2], data: data, typeCode: 0x0D), to: "floats")
        let array = try IDXFile.read(contentsOf: url)
        #expect(array.elementType == .float32)
        #expect(array.dimensions == [2])
        #expect(array.bytes == data)
    }

    @Test func readsConcatenatedGzipMembers() throws {
        let directory = try TemporaryDirectory()
        let bytes = idxBytes(dimensions: [5], data: [1, 2, 3, 4, 5])
        let url = try directory.write(gzip(Array(bytes[..<7])) + gzip(Array(bytes[7...])), to: "labels.gz")
        #expect(try IDXFile.read(contentsOf: url).bytes == [1, 2, 3, 4, 5])
    }

    @Test func loadsImageAndLabelPairs() throws {
        let directory = try TemporaryDirectory()
        let (images, labels) = sampleImages(count: 5, height: 4, width: 3, classCount: 4)
        let imagesURL = try directory.write(gzip(idxBytes(dimensions: [5, 4, 3], data: images)), to: "images.gz")
        let labelsURL = try directory.write(idxBytes(dimensions: [5], data: labels.map(UInt8.init)), to: "labels")
        let dataset = try ImageDataset.loadIDX(images: imagesURL, labels: labelsURL)
        #expect(dataset.count == 5)
        #expect(dataset.imageShape == [1, 4, 3])
        #expect(dataset.classCount == 4)
        #expect(dataset.labels == labels)
        #expect(Array(dataset.image(at: 2)) == Array(images[24..<36]))

        let fourDimensional = try directory.write(idxBytes(dimensions: [5, 2, 2, 3], data: images), to: "images4")
        #expect(try ImageDataset.loadIDX(images: fourDimensional, labels: labelsURL, classCount: 10).imageShape == [2, 2, 3])
    }

    @Test func namesTheFileAndTheProblem() throws {
        let directory = try TemporaryDirectory()
        let labels = try directory.write(idxBytes(dimensions: [3], data: [0, 1, 2]), to: "labels")
        let images = try directory.write(idxBytes(dimensions: [4, 2, 2], data: Array(repeating: 0, count: 16)), to: "images")

        let missing = directory.url.appendingPathComponent("absent.gz")
        #expect(expectDatasetError(about: missing) { _ = try IDXFile.read(contentsOf: missing) }?.problem == .missing)

        let mismatch = expectDatasetError(about: images) { _ = try ImageDataset.loadIDX(images: images, labels: labels) }
        #expect(mismatch?.problem == .countMismatch(count: 4, otherFile: labels, otherCount: 3))
        #expect(mismatch?.description.contains("holds 4 images but \(labels.path) holds 3 labels") == true)

        // Labels where images belong: the magic number says 1 dimension, not 3 or 4.
        let swapped = expectDatasetError(about: labels) { _ = try ImageDataset.loadIDX(images: labels, labels: images) }
        #expect(swapped?.problem == .badMagicNumber(found: 0x0000_0801, expected: [0x0000_0803, 0x0000_0804]))
        #expect(swapped?.description.contains("bad magic number 0x00000801, expected 0x00000803 or 0x00000804") == true)

        let truncated = try directory.write(Array(idxBytes(dimensions: [4, 2, 2], data: Array(repeating: 0, count: 16)).dropLast(5)), to: "short")
        #expect(expectDatasetError(about: truncated) { _ = try IDXFile.read(contentsOf: truncated) }?.problem == .truncated(expectedBytes: 32, foundBytes: 27))

        let long = try directory.write(idxBytes(dimensions: [3], data: [0, 1, 2, 9, 9]), to: "long")
        #expect(expectDatasetError(about: long) { _ = try IDXFile.read(contentsOf: long) }?.problem == .trailingBytes(count: 2))

        let notIDX = try directory.write(Array("hello, world".utf8), to: "text")
        let error = expectDatasetError(about: notIDX) { _ = try IDXFile.read(contentsOf: notIDX) }
        #expect(error?.description.contains("not an IDX file") == true)

        let badLabel = try directory.write(idxBytes(dimensions: [4], data: [0, 1, 12, 3]), to: "bad-labels")
        let fourImages = try directory.write(idxBytes(dimensions: [4, 1, 1], data: [0, 0, 0, 0]), to: "four-images")
        let outOfRange = expectDatasetError(about: badLabel) { _ = try ImageDataset.loadIDX(images: fourImages, labels: badLabel, classCount: 10) }
        #expect(outOfRange?.problem == .labelOutOfRange(label: 12, sample: 2, classCount: 10))
    }

    @Test func rejectsHeadersClaimingHugeSizesWithoutAllocatingThem() throws {
        let directory = try TemporaryDirectory()
        // 2³²−1 × 2³²−1 × 255 overflows; 65535 × 65535 × 255 ≈ 1 TB does not, and must fail by truncation.
        let overflow = try directory.write(idxBytes(dimensions: [0xFFFF_FFFF, 0xFFFF_FFFF, 255], data: [1, 2]), to: "overflow")
        #expect(expectDatasetError(about: overflow) { _ = try IDXFile.read(contentsOf: overflow) }?.problem
            == .sizeOverflow(dimensions: [0xFFFF_FFFF, 0xFFFF_FFFF, 255]))
        let huge = try directory.write(gzip(idxBytes(dimensions: [65535, 65535, 255], data: [1, 2, 3])), to: "huge.gz")
        let error = expectDatasetError(about: huge) { _ = try IDXFile.read(contentsOf: huge) }
        #expect(error?.description.contains("truncated") == true)
    }
}
