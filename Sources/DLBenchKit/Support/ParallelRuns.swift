import ArgumentParser
import DLCore
import Foundation

/// How many training runs of a comparison go at once, each with one BLAS thread. Small networks
/// (LeNet-5 at batch 64, the recurrent and normalization experiments) keep OpenBLAS's second thread
/// spinning rather than working: one run with one BLAS thread costs less CPU time than with two, so
/// two runs side by side finish a multi-seed comparison in about half the time.
struct ParallelOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Training runs at once, each with one BLAS thread (default: the number of cores). The numbers do not depend on it.")
    var jobs: Int?

    func validate() throws {
        try checkRange(jobs, 1...256, option: "--jobs")
    }

    /// The runs at once: `--jobs`, or the active cores.
    var width: Int { jobs ?? ProcessInfo.processInfo.activeProcessorCount }
}

/// `body` applied to every element of `items`, in order, on up to `width` threads. The first error
/// thrown is rethrown once every running call has returned; elements not yet started are then
/// skipped. Run it inside `withSingleThreadedBLAS`, so that the runs do not fight over OpenBLAS's threads.
func parallelMap<Element, Result>(_ items: [Element], width: Int, _ body: (Element) throws -> Result) throws -> [Result] {
    guard width > 1, items.count > 1 else { return try items.map(body) }
    return try withoutActuallyEscaping(body) { body in
        let queue = WorkQueue(items, body)
        DispatchQueue.concurrentPerform(iterations: min(width, items.count)) { _ in queue.work() }
        return try queue.results()
    }
}

/// The items of a `parallelMap` and their results, shared by its threads under a lock. The body
/// runs outside the lock; each thread takes the next item until none is left or one has failed.
private final class WorkQueue<Element, Result>: @unchecked Sendable {
    private let items: [Element]
    private let body: (Element) throws -> Result
    private let lock = NSLock()
    private var next = 0
    private var values: [Result?]
    private var firstError: (any Error)?

    init(_ items: [Element], _ body: @escaping (Element) throws -> Result) {
        (self.items, self.body) = (items, body)
        values = Array(repeating: nil, count: items.count)
    }

    /// Runs items until the queue is empty or an item failed.
    func work() {
        while let index = take() {
            do {
                let value = try body(items[index])
                lock.withLock { values[index] = value }
            } catch {
                lock.withLock { if firstError == nil { firstError = error } }
            }
        }
    }

    private func take() -> Int? {
        lock.withLock {
            guard firstError == nil, next < items.count else { return nil }
            next += 1
            return next - 1
        }
    }

    /// The results in item order, or the first error.
    func results() throws -> [Result] {
        if let firstError { throw firstError }
        return values.map { $0! }
    }
}

/// `body` with OpenBLAS on one thread, restored afterwards. The comparison commands train every run
/// this way, whatever `--jobs` is: OpenBLAS's sums round differently with one thread than with two,
/// so one thread throughout keeps the numbers independent of `--jobs` and of the core count.
/// OpenBLAS's thread count is global: call it only where nothing else uses BLAS at the same time.
func withSingleThreadedBLAS<Result>(_ body: () throws -> Result) rethrows -> Result {
    let threads = BLAS.threadCount
    BLAS.threadCount = 1
    defer { BLAS.threadCount = threads }
    return try body()
}
