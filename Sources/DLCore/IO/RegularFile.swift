import Foundation

/// A regular file open for reading. Anything else (a FIFO, a directory, a device, a socket) is
/// refused before a byte is read: a FIFO with no writer blocks `open` and `read` forever, and
/// `/dev/zero` or `/dev/urandom` never end. Shared by the data set readers and `SafeTensors`,
/// which turn a `Failure` into their own error.
package final class RegularFile {
    /// Why a file cannot be read.
    package enum Failure: Error {
        /// There is no such file.
        case missing
        /// The path names something other than a regular file; `kind` says what, e.g. "a FIFO (named pipe)".
        case notRegular(kind: String)
        /// The system refused; `reason` is its message.
        case system(reason: String)
    }

    /// The file's length in bytes when it was opened.
    package let size: Int
    private let descriptor: Int32

    /// Opens `path` read-only.
    ///
    /// The path is checked with `stat` before it is opened, because opening a device can itself
    /// act (a tape rewinds, a serial line raises its modem lines). It is opened with `O_NONBLOCK`,
    /// so that if it was replaced by a FIFO in between, `open` still returns at once, and checked
    /// again with `fstat` on the descriptor, which is what is read.
    package init(path: String) throws(Failure) {
        var status = stat()
        guard stat(path, &status) == 0 else { throw Self.systemFailure(errno) }
        if let kind = Self.kindIfNotRegular(status.st_mode) { throw .notRegular(kind: kind) }
        descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard descriptor >= 0 else { throw Self.systemFailure(errno) }
        guard fstat(descriptor, &status) == 0 else {
            let failure = Self.systemFailure(errno)
            close(descriptor)
            throw failure
        }
        if let kind = Self.kindIfNotRegular(status.st_mode) {
            close(descriptor)
            throw .notRegular(kind: kind)
        }
        // Linux ignores O_NONBLOCK on local regular files; FUSE and network file systems may not, and
        // reads there must wait rather than fail with EAGAIN.
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
        size = Int(status.st_size)
    }

    deinit { close(descriptor) }

    /// One `read(2)` from the current position, retried on interruption; 0 at the end of the file.
    package func read(into buffer: UnsafeMutableRawBufferPointer) throws(Failure) -> Int {
        while true {
            let found = Foundation.read(descriptor, buffer.baseAddress, buffer.count)
            if found >= 0 { return found }
            if errno != EINTR { throw Self.systemFailure(errno) }
        }
    }

    /// Fills `buffer` with the bytes from `offset` on and returns how many were read, fewer only
    /// at the end of the file.
    package func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(Failure) -> Int {
        var written = 0
        while written < buffer.count {
            let found = pread(descriptor, buffer.baseAddress! + written, buffer.count - written, off_t(offset + written))
            if found > 0 {
                written += found
            } else if found == 0 {
                break
            } else if errno != EINTR {
                throw Self.systemFailure(errno)
            }
        }
        return written
    }

    private static func systemFailure(_ code: Int32) -> Failure {
        code == ENOENT ? .missing : .system(reason: String(cString: strerror(code)))
    }

    /// What a file of `mode` is, in words, or nil for a regular file.
    private static func kindIfNotRegular(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: nil
        case S_IFIFO: "a FIFO (named pipe)"
        case S_IFDIR: "a directory"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        default: "a special file"
        }
    }
}
