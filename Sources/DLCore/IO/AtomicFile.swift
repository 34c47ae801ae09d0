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
        removeStaleTemporaries(of: url)
        let temporary = directory.appendingPathComponent(temporaryPrefix(of: url) + "\(UUID().uuidString).tmp")
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw FileWriteError(file: url, reason: systemMessage()) }
        var renamed = false
        defer { if !renamed { unlink(temporary.path) } }
        FaultInjection.reach(.created)

        let written = data.withUnsafeBytes { bytes -> Bool in
            var offset = 0
            while offset < bytes.count {
                // Two writes at least, so that a fault can strike with half the bytes on disk.
                let piece = offset == 0 ? Swift.max(bytes.count / 2, 1) : bytes.count - offset
                let count = Foundation.write(descriptor, bytes.baseAddress! + offset, piece)
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { return false }
                offset += count
                if offset < bytes.count { FaultInjection.reach(.halfWritten) }
            }
            return true
        }
        guard written, fsync(descriptor) == 0 else {
            let reason = systemMessage()
            close(descriptor)
            throw FileWriteError(file: url, reason: reason)
        }
        FaultInjection.reach(.synced)
        guard close(descriptor) == 0, rename(temporary.path, url.path) == 0 else {
            throw FileWriteError(file: url, reason: systemMessage())
        }
        renamed = true
        FaultInjection.reach(.renamed)
        let directoryDescriptor = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }

    /// `.<name>.`: the start of the temporary files that replace `url`.
    private static func temporaryPrefix(of url: URL) -> String { ".\(url.lastPathComponent)." }

    /// Deletes the temporary files a killed writer of `url` left behind (`.<name>.<UUID>.tmp`).
    /// One writer per file at a time is assumed, as for every file this library writes.
    private static func removeStaleTemporaries(of url: URL) {
        let directory = url.deletingLastPathComponent()
        let prefix = temporaryPrefix(of: url)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return }
        for name in names where name.hasPrefix(prefix) && name.hasSuffix(".tmp") {
            unlink(directory.appendingPathComponent(name).path)
        }
    }

    private static func systemMessage() -> String { String(cString: strerror(errno)) }
}

/// Kills the process at a chosen point of `AtomicFile.write`, for tests that prove a kill at any
/// instant loses nothing: `DLSWIFT_FAULT_INJECTION=<point>:<n>` sends SIGKILL the n-th time this
/// process reaches `<point>` (`created`, `half-written`, `synced` or `renamed`). Unset, it costs a
/// comparison per write.
enum FaultInjection {
    enum Point: String {
        case created, halfWritten = "half-written", synced, renamed
    }

    private static let target: (point: Point, occurrence: Int)? = {
        guard let value = ProcessInfo.processInfo.environment["DLSWIFT_FAULT_INJECTION"] else { return nil }
        let parts = value.split(separator: ":")
        guard parts.count == 2, let point = Point(rawValue: String(parts[0])), let occurrence = Int(parts[1]), occurrence >= 1 else {
            return nil
        }
        return (point, occurrence)
    }()

    nonisolated(unsafe) private static var counts: [Point: Int] = [:]

    static func reach(_ point: Point) {
        guard let target, target.point == point else { return }
        counts[point, default: 0] += 1
        if counts[point] == target.occurrence { kill(getpid(), SIGKILL) }
    }
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
