import Foundation

/// Writes files so that a crash or a full disk never leaves a half-written file in place of a good one.
public enum AtomicFile {
    /// Replaces the file at `url` with `data`, or leaves it untouched if anything fails.
    ///
    /// The bytes go to a temporary file in the same folder (so both are on one file system), are
    /// flushed to the disk with `fsync`, and the temporary file is then renamed over `url`; POSIX
    /// `rename` is atomic, so readers see the old file or the new one, never a mix. The folder is
    /// flushed too, so the rename itself survives a power cut. Throws a `FileWriteError`.
    public static func write(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw FileWriteError(file: url, reason: systemMessage()) }
        var renamed = false
        defer { if !renamed { unlink(temporary.path) } }

        let written = data.withUnsafeBytes { bytes -> Bool in
            var offset = 0
            while offset < bytes.count {
                let count = Foundation.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { return false }
                offset += count
            }
            return true
        }
        guard written, fsync(descriptor) == 0 else {
            let reason = systemMessage()
            close(descriptor)
            throw FileWriteError(file: url, reason: reason)
        }
        guard close(descriptor) == 0, rename(temporary.path, url.path) == 0 else {
            throw FileWriteError(file: url, reason: systemMessage())
        }
        renamed = true
        let directoryDescriptor = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }

    private static func systemMessage() -> String { String(cString: strerror(errno)) }
}

/// A file that could not be written, with the system's reason.
public struct FileWriteError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// The file that was to be written.
    public let file: URL
    /// The system's message, e.g. `Permission denied`.
    public let reason: String

    /// `<path>: cannot write: <reason>`.
    public var description: String { "\(file.path): cannot write: \(reason)" }

    /// The same text as `description`, for `localizedDescription`.
    public var errorDescription: String? { description }
}
