import CMPI
import Foundation

/// The processes of an MPI job (`MPI_COMM_WORLD`): their number, this one's rank, and the
/// collective operations data-parallel training needs.
///
/// MPI is initialized by the first ``world()`` and finalized by ``finalize()``, once per process;
/// a program that never calls ``world()`` never touches MPI. Start the processes with `mpirun`:
///
///     // mpirun -np 2 ./train
///     let world = try Communicator.world()
///     defer { world.finalize() }
///     var gradients: [Float] = …
///     gradients.withUnsafeMutableBufferPointer { world.allreduceAverage($0) }
///     if world.isRoot { print("averaged over \(world.size) processes") }
///
/// Every collective must be called by every rank, in the same order, with buffers of the same
/// length. An MPI error is not returned: it ends the whole job through ``abort(_:)`` with the
/// failing call named, so that no rank waits forever for a partner that has failed.
public final class Communicator: @unchecked Sendable {
    /// This process's index, 0 ..< `size`.
    public let rank: Int
    /// The number of processes in the job.
    public let size: Int

    nonisolated(unsafe) private static var shared: Communicator?
    private static let lock = NSLock()
    private var finalized = false

    private init(rank: Int, size: Int) {
        self.rank = rank
        self.size = size
    }

    /// The communicator of all processes, initializing MPI on the first call (later calls return
    /// the same communicator). Throws `CommunicatorError` when MPI cannot be initialized or was
    /// already finalized.
    public static func world() throws -> Communicator {
        lock.lock()
        defer { lock.unlock() }
        if let shared {
            guard !shared.finalized else { throw CommunicatorError.finalized }
            return shared
        }
        var initialized: Int32 = 0
        MPI_Initialized(&initialized)
        if initialized == 0 {
            let status = MPI_Init(nil, nil)
            guard status == cmpi_success() else { throw CommunicatorError.initialization(errorString(status)) }
        }
        MPI_Comm_set_errhandler(cmpi_comm_world(), cmpi_errors_return())
        var rank: Int32 = 0, size: Int32 = 0
        MPI_Comm_rank(cmpi_comm_world(), &rank)
        MPI_Comm_size(cmpi_comm_world(), &size)
        let world = Communicator(rank: Int(rank), size: Int(size))
        shared = world
        return world
    }

    /// Whether this is rank 0, the process that prints and writes files.
    public var isRoot: Bool { rank == 0 }

    /// Ends MPI in this process (`MPI_Finalize`); call it once every rank is done communicating.
    public func finalize() {
        Communicator.lock.lock()
        defer { Communicator.lock.unlock() }
        guard !finalized else { return }
        finalized = true
        MPI_Finalize()
    }

    /// Writes `message` to standard error with this rank and ends every process of the job
    /// (`MPI_Abort`, exit status 1): the way out when one rank fails and the others would wait for it.
    public func abort(_ message: String) -> Never {
        FileHandle.standardError.write(Data("rank \(rank) of \(size): \(message)\n".utf8))
        MPI_Abort(cmpi_comm_world(), 1)
        exit(1)
    }

    /// Runs `body`; if it throws, aborts the whole job with the error (see ``abort(_:)``).
    public func abortingOnError<Result>(_ body: () throws -> Result) -> Result {
        do {
            return try body()
        } catch {
            abort("\(error)")
        }
    }

    /// Waits until every rank has called it.
    public func barrier() {
        check(MPI_Barrier(cmpi_comm_world()), "MPI_Barrier")
    }

    /// Replaces `buffer` on every rank by its contents on rank `root`.
    public func broadcast(_ buffer: UnsafeMutableBufferPointer<Float>, from root: Int = 0) {
        forEachChunk(of: buffer) { start, count in
            check(MPI_Bcast(start, count, cmpi_float(), Int32(root), cmpi_comm_world()), "MPI_Bcast")
        }
    }

    /// Replaces `buffer` on every rank by the element-wise sum over the ranks, in place.
    public func allreduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) {
        forEachChunk(of: buffer) { start, count in
            check(MPI_Allreduce(cmpi_in_place(), start, count, cmpi_float(), cmpi_sum(), cmpi_comm_world()), "MPI_Allreduce")
        }
    }

    /// Replaces `buffer` on every rank by the element-wise sum over the ranks, in place.
    public func allreduceSum(_ buffer: UnsafeMutableBufferPointer<Double>) {
        forEachChunk(of: buffer) { start, count in
            check(MPI_Allreduce(cmpi_in_place(), start, count, cmpi_double(), cmpi_sum(), cmpi_comm_world()), "MPI_Allreduce")
        }
    }

    /// Replaces `buffer` on every rank by the element-wise mean over the ranks, in place.
    public func allreduceAverage(_ buffer: UnsafeMutableBufferPointer<Float>) {
        allreduceSum(buffer)
        guard size > 1 else { return }
        let scale = 1 / Float(size)
        for i in buffer.indices { buffer[i] *= scale }
    }

    /// The largest count one MPI call takes (its `count` is a C `int`).
    static let maximumChunk = Int(Int32.max)

    /// Calls `body` with consecutive pieces of `buffer` of at most `maximumChunk` elements.
    static func chunks(count: Int, maximum: Int = maximumChunk) -> [(start: Int, count: Int32)] {
        stride(from: 0, to: count, by: maximum).map { ($0, Int32(min(maximum, count - $0))) }
    }

    private func forEachChunk<Element>(of buffer: UnsafeMutableBufferPointer<Element>, _ body: (UnsafeMutableRawPointer, Int32) -> Void) {
        guard let base = buffer.baseAddress else { return }
        for chunk in Communicator.chunks(count: buffer.count) {
            body(UnsafeMutableRawPointer(base + chunk.start), chunk.count)
        }
    }

    private func check(_ status: Int32, _ call: String) {
        guard status != cmpi_success() else { return }
        abort("\(call) failed: \(Communicator.errorString(status))")
    }

    private static func errorString(_ status: Int32) -> String {
        var text = [CChar](repeating: 0, count: Int(cmpi_max_error_string()) + 1)
        var length: Int32 = 0
        MPI_Error_string(status, &text, &length)
        return String(decoding: text.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Why MPI could not be started.
public enum CommunicatorError: Error, CustomStringConvertible {
    case initialization(String)
    case finalized

    public var description: String {
        switch self {
        case .initialization(let reason): "MPI_Init failed: \(reason)"
        case .finalized: "MPI was already finalized in this process"
        }
    }
}
