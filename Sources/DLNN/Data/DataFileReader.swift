import CZlib
import Foundation

/// Reads a file's bytes front to back, inflating gzip through zlib when the file starts with the
/// gzip magic bytes `1f 8b` (whatever its extension).
///
/// Reading streams: the file is never held in memory whole, so loading MNIST's 47 MB of images
/// from the 10 MB `.gz` costs 47 MB. Every failure is a `DatasetError` naming the file.
final class DataFileReader {
    /// The file being read.
    let url: URL
    /// The uncompressed size as far as the file itself tells: its length, or the gzip trailer's
    /// ISIZE field (the size modulo 2³²). A hint for reserving memory, never trusted for bounds.
    private(set) var sizeHint = 0
    /// Uncompressed bytes delivered so far.
    private(set) var position = 0

    private let descriptor: Int32
    /// Raw file bytes read ahead: for plain files only the first chunk (which held the magic-byte peek),
    /// for gzip files the deflate input.
    private let chunk: UnsafeMutableRawBufferPointer
    private var chunkStart = 0
    private var chunkEnd = 0
    private var fileExhausted = false
    /// The inflate state of a gzip file; `nil` for a plain file.
    private var stream: UnsafeMutablePointer<z_stream>?
    private var compressedDataEnded = false

    private static let chunkSize = 1 << 16

    /// Opens `url` and detects gzip compression.
    init(contentsOf url: URL) throws {
        self.url = url
        descriptor = open(url.path, O_RDONLY)
        if descriptor < 0 {
            let code = errno
            throw DatasetError(file: url, problem: code == ENOENT ? .missing : .unreadable(reason: String(cString: strerror(code))))
        }
        chunk = .allocate(byteCount: Self.chunkSize, alignment: 16)
        // From here on `deinit` releases the descriptor and the chunk if an error is thrown.
        var status = stat()
        let fileSize = fstat(descriptor, &status) == 0 ? Int(status.st_size) : 0
        try refillChunk()
        guard chunkEnd >= 2 && chunk[0] == 0x1F && chunk[1] == 0x8B else {
            sizeHint = fileSize
            return
        }
        sizeHint = Self.gzipSizeField(descriptor: descriptor, fileSize: fileSize)
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
        close(descriptor)
    }

    /// Fills `destination` from the current position and returns the number of bytes written,
    /// which is smaller than `destination.count` only at the end of the data.
    func read(into destination: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = stream == nil ? try readPlain(into: destination) : try inflate(into: destination)
        position += count
        return count
    }

    /// Reads exactly `count` bytes, throwing `truncated` (with `expectedTotal` and the bytes found
    /// so far counted from the start of the data) if the file ends first.
    ///
    /// When the file says it holds the bytes (`sizeHint`), they are read straight into one array of
    /// `count` bytes. Otherwise they are read piece by piece, so a corrupt header claiming terabytes
    /// runs into the end of the file instead of exhausting memory.
    func readBytes(_ count: Int, expectedTotal: Int? = nil) throws -> [UInt8] {
        func truncated(found: Int) -> DatasetError {
            let total = expectedTotal ?? count
            return DatasetError(file: url, problem: .truncated(expectedBytes: total, foundBytes: total - count + found))
        }
        if count <= sizeHint - position {
            var found = 0
            let bytes = try [UInt8](unsafeUninitializedCapacity: count) { buffer, initializedCount in
                found = try read(into: UnsafeMutableRawBufferPointer(buffer))
                initializedCount = found
            }
            guard found == count else { throw truncated(found: found) }
            return bytes
        }
        var bytes: [UInt8] = []
        let piece = UnsafeMutableRawBufferPointer.allocate(byteCount: min(count, 1 << 22), alignment: 16)
        defer { piece.deallocate() }
        while bytes.count < count {
            let found = try read(into: UnsafeMutableRawBufferPointer(rebasing: piece[..<min(piece.count, count - bytes.count)]))
            bytes.append(contentsOf: piece[..<found])
            if found == 0 { throw truncated(found: bytes.count) }
        }
        return bytes
    }

    /// Reads to the end and throws `trailingBytes` if anything is left (which also makes zlib
    /// verify a gzip file's CRC-32 and length).
    func expectEnd() throws {
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.chunkSize, alignment: 16)
        defer { scratch.deallocate() }
        var extra = 0
        while true {
            let found = try read(into: scratch)
            if found == 0 { break }
            extra += found
        }
        if extra > 0 { throw DatasetError(file: url, problem: .trailingBytes(count: extra)) }
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
        guard let stream, destination.count > 0 else { return 0 }
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
                throw DatasetError(file: url, problem: .corruptCompression(reason: "the compressed data ends in the middle of the stream (truncated)"))
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

    /// One `read(2)`, retried on interruption; 0 at the end of the file.
    private func readFile(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let found = Foundation.read(descriptor, buffer.baseAddress!, buffer.count)
            if found >= 0 { return found }
            if errno != EINTR {
                throw DatasetError(file: url, problem: .unreadable(reason: String(cString: strerror(errno))))
            }
        }
    }

    /// The little-endian ISIZE field in the last four bytes of a gzip file, or 0.
    private static func gzipSizeField(descriptor: Int32, fileSize: Int) -> Int {
        guard fileSize >= 4 else { return 0 }
        var field: [UInt8] = [0, 0, 0, 0]
        let found = field.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress!, 4, off_t(fileSize - 4)) }
        guard found == 4 else { return 0 }
        return field.reversed().reduce(0) { $0 << 8 | Int($1) }
    }
}
