/// Part `index` of `count` disjoint parts of every epoch's sample order: the samples one process of
/// a data-parallel job trains on (PyTorch's `DistributedSampler`).
///
/// Shard k takes the positions k, k + count, k + 2·count, … of the epoch's order, so with batch B
/// per shard, the k-th batches of all the shards together are exactly the k-th batch of B·count
/// samples of the unsharded order: `count` processes at batch B see what one process sees at batch
/// B·count. The shards are disjoint and together cover the epoch, and every shard has the same
/// number of batches — except when the epoch's last, incomplete global batch has fewer than
/// `count` samples: some shards would then get a batch the others lack, so those (at most
/// `count − 1`, a different random few each epoch) are left out of every shard.
///
/// `DataShard.whole`, one shard of one, is the unsharded order.
public struct DataShard: Equatable, Sendable, CustomStringConvertible {
    /// This shard, 0 ..< `count`.
    public let index: Int
    /// The number of shards.
    public let count: Int

    public init(index: Int, count: Int) {
        require(count > 0 && (0..<count).contains(index), "DataShard: index \(index) is not in 0..<\(count)")
        self.index = index
        self.count = count
    }

    /// The whole epoch: one shard of one.
    public static let whole = DataShard(index: 0, count: 1)

    /// The positions of this shard in an epoch order of `orderCount` samples batched `batchSize`
    /// per shard (the trailing samples left out as described above are not included).
    public func positions(orderCount: Int, batchSize: Int) -> StrideTo<Int> {
        stride(from: index, to: usedCount(orderCount: orderCount, batchSize: batchSize), by: count)
    }

    /// The number of `positions(orderCount:batchSize:)`.
    public func sampleCount(orderCount: Int, batchSize: Int) -> Int {
        max(0, usedCount(orderCount: orderCount, batchSize: batchSize) - index + count - 1) / count
    }

    /// The samples of the order that go to some shard.
    private func usedCount(orderCount: Int, batchSize: Int) -> Int {
        let remainder = orderCount % (batchSize * count)
        return remainder > 0 && remainder < count ? orderCount - remainder : orderCount
    }

    public var description: String { "shard \(index + 1) of \(count)" }
}
