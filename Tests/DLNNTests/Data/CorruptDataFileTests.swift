import Foundation
import Testing
@testable import DLNN

/// Fuzz-style tests: truncated and randomly corrupted files must make the readers throw a
/// `DatasetError` (or, when the damage happens to leave a valid file, load a consistent result);
/// they must never crash.
@Suite struct CorruptDataFileTests {
    private let idx = idxBytes(dimensions: [3, 4, 5], data: (0..<60).map { UInt8($0 * 3) })
    private let cifar = (0..<2).flatMap { index in [UInt8(index)] + (0..<3072).map { UInt8(truncatingIfNeeded: $0 * (index + 1)) } }

    /// Reads `bytes` as an IDX file and checks the result is self-consistent when it loads.
    private func readIDX(_ bytes: [UInt8], in directory: TemporaryDirectory) throws {
        let url = try directory.write(bytes, to: "fuzz")
        do {
            let array = try IDXFile.read(contentsOf: url)
            // A zero size empties the array whatever the other sizes, whose product could overflow.
            #expect(array.bytes.count == (array.dimensions.contains(0) ? 0 : array.dimensions.reduce(array.elementType.byteWidth, *)))
        } catch let error as DatasetError {
            #expect(error.file == url)
        }
    }

    private func readCIFAR(_ bytes: [UInt8], in directory: TemporaryDirectory) throws {
        let url = try directory.write(bytes, to: "fuzz.bin")
        do {
            let dataset = try CIFARFile.read(contentsOf: [url], format: .cifar10)
            #expect(dataset.count > 0 && dataset.labels.allSatisfy { (0..<10).contains($0) })
        } catch let error as DatasetError {
            #expect(error.file == url)
        }
    }

    @Test func everyTruncationOfAnIDXFileThrows() throws {
        let directory = try TemporaryDirectory()
        for bytes in [idx, gzip(idx)] {
            for length in 0..<bytes.count {
                let url = try directory.write(Array(bytes[..<length]), to: "truncated")
                #expect(throws: DatasetError.self) { try IDXFile.read(contentsOf: url) }
            }
        }
    }

    @Test func everyTruncationOfACIFARFileThrows() throws {
        let directory = try TemporaryDirectory()
        let compressed = gzip(cifar)
        // Every length of the compressed file, and every length of the plain one near record boundaries.
        let plainLengths = Array(0..<40) + Array(3073 - 40..<3073 + 40) + Array(cifar.count - 40..<cifar.count)
        for (bytes, lengths) in [(cifar, plainLengths), (compressed, Array(0..<compressed.count))] {
            for length in lengths where length != 3073 {
                let url = try directory.write(Array(bytes[..<length]), to: "truncated.bin")
                #expect(throws: DatasetError.self) { try CIFARFile.read(contentsOf: [url], format: .cifar10) }
            }
        }
    }

    @Test func randomByteFlipsNeverCrash() throws {
        let directory = try TemporaryDirectory()
        var generator = SeededGenerator(seed: 6)
        func corrupted(_ bytes: [UInt8]) -> [UInt8] {
            var bytes = bytes
            for _ in 0...generator.nextIndex(below: 3) {
                bytes[generator.nextIndex(below: bytes.count)] ^= UInt8(1 + generator.nextIndex(below: 255))
            }
            return bytes
        }
        let compressedIDX = gzip(idx)
        let compressedCIFAR = gzip(cifar)
        for _ in 0..<300 {
            try readIDX(corrupted(idx), in: directory)
            try readIDX(corrupted(compressedIDX), in: directory)
            try readCIFAR(corrupted(compressedCIFAR), in: directory)
        }
        // Damage to compressed data is caught by inflate or by the gzip CRC-32.
        var caught = 0
        for _ in 0..<100 {
            var bytes = compressedIDX
            bytes[10 + generator.nextIndex(below: bytes.count - 18)] ^= 0x55
            let url = try directory.write(bytes, to: "flipped.gz")
            if (try? IDXFile.read(contentsOf: url)) == nil { caught += 1 }
        }
        #expect(caught == 100)
    }
}
