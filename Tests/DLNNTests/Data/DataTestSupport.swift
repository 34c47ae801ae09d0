import CZlib
import Foundation
import Testing
@testable import DLNN

/// A fresh temporary folder, removed when the value is deinitialized.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("DLNNTests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Writes `bytes` to `name` in this folder and returns its URL.
    @discardableResult
    func write(_ bytes: [UInt8], to name: String) throws -> URL {
        let file = url.appendingPathComponent(name)
        try Data(bytes).write(to: file)
        return file
    }

    /// The names of the files in this folder.
    func fileNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
    }
}

/// The bytes of an IDX file of unsigned bytes with the given sizes (big-endian header, then `data`).
func idxBytes(dimensions: [Int], data: [UInt8], typeCode: UInt8 = 0x08) -> [UInt8] {
    var bytes: [UInt8] = [0, 0, typeCode, UInt8(dimensions.count)]
    for size in dimensions {
        bytes += [UInt8(size >> 24 & 0xFF), UInt8(size >> 16 & 0xFF), UInt8(size >> 8 & 0xFF), UInt8(size & 0xFF)]
    }
    return bytes + data
}

/// `bytes` compressed as one gzip member by zlib (windowBits 15 + 16 selects the gzip wrapper).
func gzip(_ bytes: [UInt8]) -> [UInt8] {
    var stream = z_stream()
    let status = deflateInit2_(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
    precondition(status == Z_OK)
    defer { deflateEnd(&stream) }
    var input = bytes
    var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 32)
    let produced = input.withUnsafeMutableBufferPointer { input in
        output.withUnsafeMutableBufferPointer { output in
            stream.next_in = input.baseAddress
            stream.avail_in = uInt(input.count)
            stream.next_out = output.baseAddress
            stream.avail_out = uInt(output.count)
            precondition(deflate(&stream, Z_FINISH) == Z_STREAM_END)
            return output.count - Int(stream.avail_out)
        }
    }
    return Array(output[..<produced])
}

/// A small labelled image set: `count` images of `channels`×`height`×`width` with distinct pixel
/// patterns, labels cycling through `classCount` classes.
func sampleImages(count: Int, channels: Int = 1, height: Int = 4, width: Int = 3, classCount: Int = 3) -> (images: [UInt8], labels: [Int]) {
    let size = channels * height * width
    let images = (0..<count * size).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ $0 / size) }
    let labels = (0..<count).map { $0 % classCount }
    return (images, labels)
}

/// The repository's `Data/mnist`, located from this file (Tests/DLNNTests/Data/DataTestSupport.swift).
let repositoryMNISTDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Data/mnist")

/// Expects `body` to throw a `DatasetError` about `file` and returns it.
@discardableResult
func expectDatasetError(about file: URL, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) -> DatasetError? {
    do {
        try body()
        Issue.record("expected a DatasetError about \(file.lastPathComponent)", sourceLocation: sourceLocation)
    } catch let error as DatasetError {
        #expect(error.file == file, sourceLocation: sourceLocation)
        #expect(error.description.contains(file.path), sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected a DatasetError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}
