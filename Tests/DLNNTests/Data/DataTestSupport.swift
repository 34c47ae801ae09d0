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
/// Level 0 stores the bytes as they are, in one final block followed by the 8-byte trailer.
func gzip(_ bytes: [UInt8], level: Int32 = Z_BEST_COMPRESSION) -> [UInt8] {
    var stream = z_stream()
    let status = deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
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

/// `bytes` with its last four bytes, a gzip file's ISIZE trailer, replaced by `size` (little-endian).
func forgingGzipSize(_ bytes: [UInt8], as size: UInt32) -> [UInt8] {
    Array(bytes.dropLast(4)) + (0..<4).map { UInt8(truncatingIfNeeded: size >> (8 * $0)) }
}

extension TemporaryDirectory {
    /// Creates a FIFO (named pipe) called `name` in this folder; opening it for reading blocks until a writer comes.
    func makeFIFO(named name: String) throws -> URL {
        let fifo = url.appendingPathComponent(name)
        guard mkfifo(fifo.path, 0o600) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        return fifo
    }

    /// Creates a sparse file called `name` of `size` bytes that starts with `prefix` and reads as zeros after it.
    func writeSparse(_ prefix: [UInt8], size: Int, to name: String) throws -> URL {
        let file = try write(prefix, to: name)
        let handle = try FileHandle(forWritingTo: file)
        defer { try? handle.close() }
        try handle.truncate(atOffset: UInt64(size))
        return file
    }
}

/// The process's peak resident and peak virtual memory so far, in bytes.
///
/// A reservation the size of a forged header costs no resident memory until it is touched, so a
/// test of bounded reading checks both: resident growth (`ru_maxrss`) for memory really used, and
/// virtual growth (`VmPeak` of `/proc/self/status`) for memory reserved.
func peakMemory() -> (resident: Int, virtual: Int) {
    var usage = rusage()
    getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmPeak:") }
    let kilobytes = line.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
    return (usage.ru_maxrss * 1024, kilobytes * 1024)
}

/// Expects `body` to add less than `residentLimit` bytes to the peak resident memory and less than
/// `virtualLimit` to the peak virtual memory (generous bounds: other tests run in parallel).
func expectBoundedMemory(
    residentLimit: Int = 64 << 20, virtualLimit: Int = 1 << 30,
    sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
) rethrows {
    let before = peakMemory()
    try body()
    let after = peakMemory()
    #expect(after.resident - before.resident < residentLimit, "resident memory grew by \(after.resident - before.resident) bytes", sourceLocation: sourceLocation)
    #expect(after.virtual - before.virtual < virtualLimit, "virtual memory grew by \(after.virtual - before.virtual) bytes", sourceLocation: sourceLocation)
}
