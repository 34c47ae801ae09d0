import Dispatch

/// Calls `body(block, items)` for the items `0..<count` cut into at most `width` contiguous blocks
/// of nearly equal size (block k holds ⌊count·k / blocks⌋ ..< ⌊count·(k + 1) / blocks⌋), the blocks
/// at once on Dispatch's worker threads; with one block, on the calling thread. The cut depends on
/// `count` and `width` only, and blocks that write disjoint memory give the same result for any width.
package func forEachBlock(of count: Int, width: Int, _ body: (_ block: Int, _ items: Range<Int>) -> Void) {
    let blocks = max(1, min(width, count))
    guard blocks > 1 else {
        if count > 0 { body(0, 0..<count) }
        return
    }
    withoutActuallyEscaping(body) { body in
        let shared = SharedBody(body)
        DispatchQueue.concurrentPerform(iterations: blocks) { block in
            shared.body(block, count * block / blocks..<count * (block + 1) / blocks)
        }
    }
}

/// The body of `forEachBlock`, handed to Dispatch's threads: the caller promises that its blocks
/// touch disjoint memory, which the type system cannot see through the pointers it captures.
private struct SharedBody: @unchecked Sendable {
    let body: (_ block: Int, _ items: Range<Int>) -> Void
    init(_ body: @escaping (_ block: Int, _ items: Range<Int>) -> Void) { self.body = body }
}
