import Testing
@testable import DLNN

@Suite struct DataShardTests {
    /// Images labelled with their own index, so that a batch's labels are its samples.
    private func data(count: Int) -> ImageDataset {
        let (images, labels) = sampleImages(count: count, channels: 1, height: 1, width: 2, classCount: count)
        return ImageDataset(images: images, labels: labels, channels: 1, height: 1, width: 2, classCount: count)
    }

    private func epoch(_ iterator: inout BatchIterator, _ index: Int) -> [[Int]] {
        iterator.startEpoch(index)
        var batches: [[Int]] = []
        while let batch = iterator.nextBatch() { batches.append(batch.labels) }
        return batches
    }

    /// The k-th batches of the shards at batch B together are the k-th batch of B·count of the
    /// unsharded order, every shard has as many batches, and the shards cover the epoch when the
    /// last global batch has at least `count` samples (23 = 2·9 + 5 with 3 shards of batch 3).
    @Test(arguments: [(23, 3, 3), (20, 2, 4), (7, 1, 3), (64, 2, 32)])
    func shardsInterleaveTheUnshardedBatches(count: Int, shards: Int, batchSize: Int) {
        var whole = BatchIterator(dataset: data(count: count), batchSize: batchSize * shards, seed: 5)
        var parts = (0..<shards).map {
            BatchIterator(dataset: data(count: count), batchSize: batchSize, seed: 5, shard: DataShard(index: $0, count: shards))
        }
        for index in 0..<2 {
            let global = epoch(&whole, index)
            let local = parts.indices.map { epoch(&parts[$0], index) }
            #expect(Set(local.map(\.count)) == [global.count])
            for (k, batch) in global.enumerated() {
                #expect(local.flatMap { $0[k] }.sorted() == batch.sorted())
                for shard in 0..<shards {
                    #expect(local[shard][k] == stride(from: shard, to: batch.count, by: shards).map { batch[$0] })
                }
            }
            #expect(local.flatMap { $0.joined() }.sorted() == Array(0..<count))
            #expect(parts.map(\.sampleCount).reduce(0, +) == count)
        }
    }

    /// A last global batch with fewer samples than shards would give some shards one batch more:
    /// those samples (here 1 of 17 with 2 shards of batch 4) are left out of every shard.
    @Test func aLastGlobalBatchSmallerThanTheShardCountIsLeftOut() {
        var whole = BatchIterator(dataset: data(count: 17), batchSize: 8, seed: 2)
        var parts = (0..<2).map { BatchIterator(dataset: data(count: 17), batchSize: 4, seed: 2, shard: DataShard(index: $0, count: 2)) }
        let global = epoch(&whole, 0)
        let local = parts.indices.map { epoch(&parts[$0], 0) }
        #expect(local.map(\.count) == [2, 2])
        #expect(parts.map(\.sampleCount) == [8, 8])
        #expect(local.flatMap { $0.joined() }.sorted() == global.dropLast().joined().sorted())
        #expect(DataShard(index: 1, count: 2).sampleCount(orderCount: 17, batchSize: 4) == 8)
        #expect(DataShard(index: 0, count: 3).sampleCount(orderCount: 10, batchSize: 2) == 4)
        #expect(DataShard(index: 2, count: 3).sampleCount(orderCount: 10, batchSize: 2) == 3)
    }

    @Test func theWholeShardIsTheUnshardedOrder() {
        var plain = BatchIterator(dataset: data(count: 11), batchSize: 4, seed: 9)
        var whole = BatchIterator(dataset: data(count: 11), batchSize: 4, seed: 9, shard: .whole)
        #expect(epoch(&plain, 3) == epoch(&whole, 3))
    }
}
