import Testing
@testable import DLNN

@Suite struct BatchIteratorTests {
    private let data: ImageDataset = {
        let (images, labels) = sampleImages(count: 10, channels: 2, height: 2, width: 2, classCount: 10)
        return ImageDataset(images: images, labels: labels, channels: 2, height: 2, width: 2, classCount: 10)
    }()

    private func epochLabels(_ iterator: inout BatchIterator, epoch: Int) -> [[Int]] {
        iterator.startEpoch(epoch)
        var batches: [[Int]] = []
        while let batch = iterator.nextBatch() { batches.append(batch.labels) }
        return batches
    }

    @Test func batchesInOrderWithAndWithoutTheLastPartialBatch() {
        var iterator = BatchIterator(dataset: data, batchSize: 4, shuffle: false)
        #expect(iterator.batchesPerEpoch == 3)
        #expect(epochLabels(&iterator, epoch: 0) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]])
        #expect(iterator.nextBatch() == nil)

        var dropping = BatchIterator(dataset: data, batchSize: 4, shuffle: false, dropLast: true)
        #expect(dropping.batchesPerEpoch == 2)
        #expect(epochLabels(&dropping, epoch: 0) == [[0, 1, 2, 3], [4, 5, 6, 7]])
    }

    @Test func convertsBytesWithTheNormalization() {
        let normalization = InputNormalization.perChannel(mean: [0.5, 0.25], standardDeviation: [0.5, 2])
        var iterator = BatchIterator(dataset: data, batchSize: 3, shuffle: false, normalization: normalization)
        iterator.startEpoch()
        let batch = iterator.nextBatch()!
        #expect(batch.images.shape == [3, 2, 2, 2])
        for sample in 0..<3 {
            let bytes = Array(data.image(at: sample))
            for i in 0..<8 {
                let (mean, deviation): (Float, Float) = i < 4 ? (0.5, 0.5) : (0.25, 2)
                #expect(batch.images.scalars[sample * 8 + i] == (Float(bytes[i]) / 255 - mean) / deviation)
            }
        }
        var unit = BatchIterator(dataset: data, batchSize: 10, shuffle: false)
        unit.startEpoch()
        #expect(unit.nextBatch()!.images.scalars == (0..<10).flatMap { data.image(at: $0) }.map { Float($0) / 255 })
    }

    @Test func shufflesEachEpochAsAPermutationReproducibly() {
        var iterator = BatchIterator(dataset: data, batchSize: 3, seed: 11)
        let first = epochLabels(&iterator, epoch: 0).flatMap { $0 }
        let second = epochLabels(&iterator, epoch: 1).flatMap { $0 }
        #expect(first.sorted() == Array(0..<10) && second.sorted() == Array(0..<10))
        #expect(first != second && first != Array(0..<10))
        // The same epoch index replays the same order, here and in a fresh iterator with the same seed.
        #expect(epochLabels(&iterator, epoch: 0).flatMap { $0 } == first)
        var fresh = BatchIterator(dataset: data, batchSize: 5, seed: 11)
        fresh.startEpoch()
        fresh.startEpoch()
        #expect(fresh.epoch == 1)
        var replay: [Int] = []
        while let batch = fresh.nextBatch() { replay += batch.labels }
        #expect(replay == second)
    }

    @Test func classBalancedSamplingEqualizesClasses() {
        // 90 samples of class 0, 10 of class 1.
        let imbalanced = ImageDataset(
            images: Array(repeating: 0, count: 100), labels: Array(repeating: 0, count: 90) + Array(repeating: 1, count: 10),
            channels: 1, height: 1, width: 1, classCount: 3
        )
        var iterator = BatchIterator(dataset: imbalanced, batchSize: 32, seed: 2, sampling: .classBalanced)
        var counts = [0, 0, 0]
        for epoch in 0..<50 {
            for label in epochLabels(&iterator, epoch: epoch).flatMap({ $0 }) { counts[label] += 1 }
        }
        #expect(counts.reduce(0, +) == 5000)
        #expect(counts[2] == 0)
        #expect(abs(counts[0] - 2500) < 150)  // binomial(5000, 1/2): standard deviation 35
    }

    @Test func reusesTwoBuffersAndKeepsReturnedBatchesIntact() {
        var iterator = BatchIterator(dataset: data, batchSize: 2, shuffle: false)
        iterator.startEpoch()
        func address(_ batch: BatchIterator.Batch) -> UnsafePointer<Float>? { batch.images.withUnsafeBufferPointer { $0.baseAddress } }
        let addresses = (0..<4).map { _ in address(iterator.nextBatch()!) }
        #expect(addresses[0] == addresses[2] && addresses[1] == addresses[3] && addresses[0] != addresses[1])

        // A batch kept across later calls is not overwritten.
        iterator.startEpoch()
        let kept = iterator.nextBatch()!
        let copy = kept.images.scalars
        for _ in 0..<3 { _ = iterator.nextBatch() }
        #expect(kept.images.scalars == copy && kept.labels == [0, 1])

        // A copy of the iterator continues independently.
        iterator.startEpoch(0)
        _ = iterator.nextBatch()
        var twin = iterator
        #expect(twin.nextBatch()!.labels == [2, 3])
        #expect(iterator.nextBatch()!.labels == [2, 3])
    }
}
