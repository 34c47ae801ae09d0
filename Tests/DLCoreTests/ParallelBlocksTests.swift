import Foundation
import Testing
@testable import DLCore

@Suite struct ParallelBlocksTests {
    /// Records, per item, the block that ran it; the blocks write disjoint entries.
    final class Visits: @unchecked Sendable {
        var blocks: [Int]
        init(count: Int, value: Int = -1) { blocks = Array(repeating: value, count: count) }
    }

    @Test(arguments: [0, 1, 2, 3, 7, 64])
    func everyItemRunsOnceInContiguousNearlyEqualBlocks(count: Int) {
        for width in 1...4 {
            let visits = Visits(count: count)
            let buffer = UnsafeMutablePointer<Int>.allocate(capacity: max(1, count))
            defer { buffer.deallocate() }
            buffer.initialize(repeating: 0, count: max(1, count))
            forEachBlock(of: count, width: width) { block, items in
                for item in items {
                    buffer[item] += 1
                    visits.blocks[item] = block
                }
            }
            #expect((0..<count).allSatisfy { buffer[$0] == 1 }, "count \(count), width \(width)")
            // Blocks are in order, each a contiguous run, sizes differing by at most one.
            #expect(visits.blocks == visits.blocks.sorted())
            let sizes = Dictionary(grouping: visits.blocks, by: { $0 }).values.map(\.count)
            #expect((sizes.max() ?? 0) - (sizes.min() ?? 0) <= 1)
            #expect(sizes.count <= min(width, BlockWorkers.shared.threadCount + 1))
        }
    }

    /// Two callers at once: one gets the workers, the other runs its blocks on its own thread;
    /// both finish with every item done.
    @Test func concurrentCallersBothFinish() {
        let totals = Visits(count: 2, value: 0)
        DispatchQueue.concurrentPerform(iterations: 2) { caller in
            for _ in 0..<200 {
                let sum = UnsafeMutablePointer<Int>.allocate(capacity: 4)
                sum.initialize(repeating: 0, count: 4)
                forEachBlock(of: 100, width: 4) { block, items in sum[block] += items.count }
                totals.blocks[caller] += (0..<4).reduce(0) { $0 + sum[$1] } == 100 ? 1 : 0
                sum.deallocate()
            }
        }
        #expect(totals.blocks == [200, 200])
    }
}
