import Foundation

/// Calls `body(block, items)` for the items `0..<count` cut into at most `width` contiguous blocks
/// of nearly equal size (block k holds ⌊count·k / blocks⌋ ..< ⌊count·(k + 1) / blocks⌋), block 0 on
/// the calling thread and the others at once on `BlockWorkers`' threads; it returns when all are
/// done. The cut depends on `count` and `width` only, and blocks that write disjoint memory give
/// the same result for any width. Nothing is allocated per call: `body` is escaping so that the
/// workers can hold it without converting it, which would allocate; make it once and keep it.
package func forEachBlock(of count: Int, width: Int, _ body: @escaping (_ block: Int, _ items: Range<Int>) -> Void) {
    let blocks = max(1, min(width, count, BlockWorkers.shared.threadCount + 1))
    guard blocks > 1, BlockWorkers.shared.run(blocks: blocks, of: count, body) else {
        for block in 0..<blocks where count > 0 { body(block, BlockWorkers.items(of: block, blocks: blocks, count: count)) }
        return
    }
}

/// One thread per core beyond the first, started on first use and kept, each waiting on its own
/// semaphore for a block of `forEachBlock`. Dispatch's `concurrentPerform` would do the same, but
/// allocates on every call (4 blocks per call, measured), which a training step must not.
final class BlockWorkers: @unchecked Sendable {
    static let shared = BlockWorkers(threadCount: ProcessInfo.processInfo.activeProcessorCount - 1)

    let threadCount: Int
    /// Held while a region runs; a second caller at the same time runs its blocks on its own thread.
    private let busy = NSLock()
    private let starts: [DispatchSemaphore]
    private let finished = DispatchSemaphore(value: 0)
    /// The current region's body, block count and item count, valid between a worker's start
    /// signal and its finished signal.
    private var job: ((_ block: Int, _ items: Range<Int>) -> Void)?
    private var blocks = 0, count = 0

    private init(threadCount: Int) {
        self.threadCount = max(0, threadCount)
        starts = (0..<self.threadCount).map { _ in DispatchSemaphore(value: 0) }
        for worker in 0..<self.threadCount {
            let thread = Thread { [unowned self] in
                while true {
                    starts[worker].wait()
                    job!(worker + 1, Self.items(of: worker + 1, blocks: blocks, count: count))
                    finished.signal()
                }
            }
            thread.name = "DLCore block worker \(worker + 1)"
            thread.start()
        }
    }

    /// Block `block` of `count` items cut into `blocks`.
    static func items(of block: Int, blocks: Int, count: Int) -> Range<Int> {
        count * block / blocks..<count * (block + 1) / blocks
    }

    /// Runs block 0 of `count` items cut into `blocks` here and the others on the workers,
    /// returning when all are done; false (and nothing run) when another region holds the workers.
    func run(blocks: Int, of count: Int, _ body: @escaping (_ block: Int, _ items: Range<Int>) -> Void) -> Bool {
        guard busy.try() else { return false }
        defer { busy.unlock() }
        (job, self.blocks, self.count) = (body, blocks, count)
        for worker in 0..<blocks - 1 { starts[worker].signal() }
        body(0, Self.items(of: 0, blocks: blocks, count: count))
        for _ in 0..<blocks - 1 { finished.wait() }
        job = nil
        return true
    }
}
