import CZlib
import Foundation

/// Reads a data set file front to back, inflating gzip through zlib when the file starts with the
/// gzip magic bytes `1f 8b` (whatever its extension).
///
/// Reading streams: the file is never held in memory whole, so loading MNIST's 47 MB of images
/// from the 10 MB `.gz` costs 47 MB. What is read is bounded by what the file really holds, never
/// by a size field its author wrote: memory is reserved by the file's real length and grows as
/// bytes arrive (`readBytes`), inflating stops shortly after the data a header promises
/// (`expectEnd`), and only regular files are opened, so a FIFO or `/dev/zero` cannot block or feed
/// bytes forever. Every failure is a `DatasetError` naming the file.
final class DataFileReader {
    /// The file being read.
    let url: URL
    /// The length of the data when the file proves it: a plain file's length. `nil` for gzip,
    /// whose length only inflating tells; the ISIZE field of its trailer is written by whoever made
    /// the file, so it is never read.
    private(set) var knownSize: Int?
    /// Uncompressed bytes delivered so far.
    private(set) var position = 0

    private let file: RegularFile
    /// Raw file bytes read ahead: for plain files only the first chunk (which held the magic-byte peek),
    /// for gzip files the deflate input.
    private let chunk: UnsafeMutableRawBufferPointer
    private var chunkStart = 0
    private var chunkEnd = 0
    private var fileExhausted = false
    /// The inflate state of a gzip file; `nil` for a plain file.
    private var stream: UnsafeMutablePointer<z_stream>?
    private var compressedDataEnded = false
    /// The file ended in the middle of the compressed stream (after `compressedDataEnded`).
    private var compressedDataCutOff = false

    private static let chunkSize = 1 << 16
    /// The smallest first reservation of `readBytes`, so that small files need no second one.
    private static let firstReservation = 1 << 20
    /// How many times its length `readBytes` first reserves for a gzip file: more than data sets
    /// inflate (MNIST's images 4.7 times, its labels 2), so they need one reservation, yet bounded
    /// by the file's real length rather than by a size written in it.
    private static let plausibleInflation = 8
    /// How much `readBytes` multiplies its reservation by when the bytes so far have arrived: a
    /// header promising more than the file holds costs at most four times what it really holds
    /// beyond the first reservation, and a promise kept costs copies of at most a quarter of the data each.
    private static let growthFactor = 4
    /// How far `expectEnd` inflates past the data a header describes to count the excess exactly.
    private static let trailingCountLimit = 1 << 20

    /// Opens `url` and detects gzip compression.
    init(contentsOf url: URL) throws {
        self.url = url
        do throws(RegularFile.Failure) {
            file = try RegularFile(path: url.path)
        } catch {
            throw DatasetError(file: url, problem: error.datasetProblem)
        }
        chunk = .allocate(byteCount: Self.chunkSize, alignment: 16)
        // From here on `deinit` releases the file and the chunk if an error is thrown.
        try refillChunk()
        guard chunkEnd >= 2 && chunk[0] == 0x1F && chunk[1] == 0x8B else {
            knownSize = file.size
            return
        }
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // windowBits 15 + 32: the largest window, and accept a gzip (or zlib) header.
        guard inflateInit2_(stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            stream.deallocate()
            throw DatasetError(file: url, problem: .unreadable(reason: "zlib could not start inflating"))
        }
        self.stream = stream
    }

    deinit {
        if let stream {
            inflateEnd(stream)
            stream.deallocate()
        }
        chunk.deallocate()
    }

    /// Fills `destination` from the current position and returns the number of bytes written,
    /// which is smaller than `destination.count` only at the end of the data. Throws
    /// `corruptCompression` instead of returning 0 when the file ends in the middle of the
    /// compressed stream, so that a cut-off file never looks complete.
    func read(into destination: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = try fill(destination)
        if count == 0 && compressedDataCutOff && destination.count > 0 {
            throw DatasetError(file: url, problem: .corruptCompression(reason: "the compressed data ends in the middle of the stream (truncated)"))
        }
        return count
    }

    /// Reads exactly `count` bytes, throwing `truncated` (with `expectedTotal` and the bytes found
    /// so far counted from the start of the data) if the data ends first, cleanly or in the middle
    /// of the compressed stream.
    ///
    /// The array is reserved for as much of `count` as the file can hold by its real length (the
    /// rest of a plain file; for gzip, `plausibleInflation` times the file's length, at least
    /// 1 MiB) and grown `growthFactor` times at a time as bytes arrive beyond that. So the data of a
    /// real file is read into one allocation without copies, and a header claiming gigabytes in a
    /// small file fails with `truncated` having reserved about what the file holds.
    func readBytes(_ count: Int, expectedTotal: Int? = nil) throws -> [UInt8] {
        guard count > 0 else { return [] }
        let plausible = stream == nil
            ? max(file.size - position, 0)
            : file.size >= count / Self.plausibleInflation ? count : Self.plausibleInflation * file.size
        var capacity = min(count, max(Self.firstReservation, plausible))
        var bytes: [UInt8] = []
        while true {
            var previous = bytes
            bytes = []
            bytes = try [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initializedCount in
                _ = buffer.initialize(fromContentsOf: previous)
                initializedCount = previous.count
                // Let go of the old storage before the new part is filled: peak memory is the data, not twice it.
                previous = []
                initializedCount += try fill(UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buffer[initializedCount...])))
            }
            if bytes.count < capacity {
                let total = expectedTotal ?? count
                throw DatasetError(file: url, problem: .truncated(expectedBytes: total, foundBytes: total - count + bytes.count))
            }
            if capacity == count { return bytes }
            capacity = capacity > count / Self.growthFactor ? count : Self.growthFactor * capacity
        }
    }

    /// Checks that nothing follows the data read so far, which also makes zlib verify a gzip
    /// file's CRC-32 and length. Throws `trailingBytes` with the exact excess when a plain file's
    /// length shows it or the excess ends within 1 MiB, `trailingData(atLeastBytes:)` when inflating
    /// finds more than that (a gzip bomb behind a small header costs no more than 1 MiB of inflating).
    func expectEnd() throws {
        if let knownSize, knownSize > position {
            throw DatasetError(file: url, problem: .trailingBytes(count: knownSize - position))
        }
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.chunkSize, alignment: 16)
        defer { scratch.deallocate() }
        var extra = 0
        while extra <= Self.trailingCountLimit {
            let found = try read(into: scratch)
            if found == 0 { break }
            extra += found
        }
        if extra > Self.trailingCountLimit { throw DatasetError(file: url, problem: .trailingData(atLeastBytes: extra)) }
        if extra > 0 { throw DatasetError(file: url, problem: .trailingBytes(count: extra)) }
    }

    /// `read(into:)` without the cut-off check: a cut-off stream ends like a clean one.
    private func fill(_ destination: UnsafeMutableRawBufferPointer) throws -> Int {
        guard destination.count > 0 else { return 0 }
        let count = stream == nil ? try readPlain(into: destination) : try inflate(into: destination)
        position += count
        return count
    }

    private func readPlain(into destination: UnsafeMutableRawBufferPointer) throws -> Int {
        var written = 0
        if chunkStart < chunkEnd {
            let length = min(chunkEnd - chunkStart, destination.count)
            destination.baseAddress!.copyMemory(from: chunk.baseAddress! + chunkStart, byteCount: length)
            chunkStart += length
            written = length
        }
        while written < destination.count && !fileExhausted {
            let found = try readFile(into: UnsafeMutableRawBufferPointer(rebasing: destination[written...]))
            if found == 0 { fileExhausted = true }
            written += found
        }
        return written
    }

    private func inflate(into destination: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let stream else { return 0 }
        var written = 0
        while written < destination.count && !compressedDataEnded {
            if chunkStart == chunkEnd && !fileExhausted { try refillChunk() }
            let inputLength = chunkEnd - chunkStart
            let outputLength = min(destination.count - written, Int(Int32.max))
            stream.pointee.next_in = (chunk.baseAddress! + chunkStart).assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_in = uInt(inputLength)
            stream.pointee.next_out = (destination.baseAddress! + written).assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = uInt(outputLength)
            let status = CZlib.inflate(stream, Z_NO_FLUSH)
            chunkStart = chunkEnd - Int(stream.pointee.avail_in)
            written += outputLength - Int(stream.pointee.avail_out)
            switch status {
            case Z_OK:
                continue
            case Z_STREAM_END:
                // A gzip file may be several members back to back; anything after the last one must be another member.
                if chunkStart == chunkEnd && !fileExhausted { try refillChunk() }
                if chunkStart == chunkEnd {
                    compressedDataEnded = true
                } else {
                    inflateReset(stream)
                }
            case Z_BUF_ERROR where chunkStart == chunkEnd && fileExhausted:
                compressedDataEnded = true
                compressedDataCutOff = true
            case Z_BUF_ERROR:
                continue
            case Z_MEM_ERROR:
                throw DatasetError(file: url, problem: .unreadable(reason: "zlib ran out of memory"))
            default:
                let message = stream.pointee.msg.map { String(cString: $0) } ?? "inflate returned \(status)"
                throw DatasetError(file: url, problem: .corruptCompression(reason: message))
            }
        }
        return written
    }

    /// Replaces the read-ahead chunk with the next bytes of the file.
    private func refillChunk() throws {
        chunkStart = 0
        chunkEnd = try readFile(into: chunk)
        if chunkEnd == 0 { fileExhausted = true }
    }

    private func readFile(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        do throws(RegularFile.Failure) {
            return try file.read(into: buffer)
        } catch {
            throw DatasetError(file: url, problem: error.datasetProblem)
        }
    }
}

extension RegularFile.Failure {
    /// The same failure as a data set file's problem.
    var datasetProblem: DatasetError.Problem {
        switch self {
        case .missing: .missing
        case .notRegular(let kind): .notARegularFile(kind: kind)
        case .system(let reason): .unreadable(reason: reason)
        }
    }
}
