import Testing
@testable import DLNN

/// d(a, b) in Double, straight from the definition.
private func referenceDistance(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>, _ metric: DistanceMetric) -> Double {
    let differences = zip(a, b).map { Double($0) - Double($1) }
    switch metric {
    case .l1: return differences.reduce(0) { $0 + abs($1) }
    case .l2: return differences.reduce(0) { $0 + $1 * $1 }.squareRoot()
    }
}

private func row(_ tensor: Tensor, _ index: Int) -> ArraySlice<Float> {
    let width = tensor.shape[1]
    return tensor.scalars[(index * width)..<((index + 1) * width)]
}

@Suite struct KNearestNeighborsTests {
    /// Shapes that are not multiples of the block size, blocks of one row, and D = 1.
    @Test(arguments: [(5, 7, 1, 256), (300, 13, 37, 256), (41, 29, 300, 7), (3, 1, 10, 1), (9, 16, 20, 4)])
    func distancesMatchADoubleReference(queries: Int, dimension: Int, training: Int, blockRows: Int) {
        var generator = SeededGenerator(seed: UInt64(queries * 1000 + dimension))
        let x = Tensor.randomNormal([training, dimension], using: &generator)
        let q = Tensor.randomNormal([queries, dimension], using: &generator)
        for metric in DistanceMetric.allCases {
            let classifier = KNearestNeighbors(
                features: x, labels: Array(repeating: 0, count: training), classCount: 1, metric: metric, blockRows: blockRows)
            let distances = classifier.distances(from: q)
            #expect(distances.shape == [queries, training])
            var worst = 0.0
            for i in 0..<queries {
                for j in 0..<training {
                    let expected = referenceDistance(row(q, i), row(x, j), metric)
                    worst = max(worst, abs(Double(distances[i, j]) - expected) / (1 + expected))
                }
            }
            #expect(worst < 1e-4, "\(metric): relative error \(worst)")
        }
    }

    @Test func nearestNeighborsAreTheReferenceOrder() {
        var generator = SeededGenerator(seed: 11)
        let x = Tensor.randomNormal([90, 6], using: &generator)
        let q = Tensor.randomNormal([20, 6], using: &generator)
        for metric in DistanceMetric.allCases {
            let classifier = KNearestNeighbors(features: x, labels: Array(repeating: 0, count: 90), classCount: 1, metric: metric, blockRows: 8)
            let neighbors = classifier.nearestNeighbors(of: q, count: 5)
            for i in 0..<20 {
                let expected = (0..<90).map { (index: $0, distance: referenceDistance(row(q, i), row(x, $0), metric)) }
                    .sorted { ($0.distance, $0.index) < ($1.distance, $1.index) }.prefix(5)
                #expect(neighbors[i].map(\.index) == expected.map(\.index))
                for (neighbor, reference) in zip(neighbors[i], expected) {
                    #expect(abs(Double(neighbor.distance) - reference.distance) < 1e-4 * (1 + reference.distance))
                }
            }
        }
    }

    @Test func selectionBreaksTiesTowardTheSmallerIndex() {
        let values: [Float] = [3, 1, 2, 1, 0, 2]
        values.withUnsafeBufferPointer { buffer in
            #expect(Neighbor.smallest(3, of: buffer).map(\.index) == [4, 1, 3])
            #expect(Neighbor.smallest(10, of: buffer).map(\.index) == [4, 1, 3, 2, 5, 0])
            #expect(Neighbor.smallest(1, of: buffer) == [Neighbor(index: 4, distance: 0)])
        }
        let equal: [Float] = [5, 5, 5, 5]
        equal.withUnsafeBufferPointer { buffer in
            #expect(Neighbor.smallest(2, of: buffer).map(\.index) == [0, 1])
        }
    }

    /// Integer coordinates make both distances exact in Float, so the ties are real ties.
    @Test(arguments: DistanceMetric.allCases)
    func tiedDistancesKeepTrainingOrder(metric: DistanceMetric) {
        let x = Tensor(rows: [[1, 0], [-1, 0], [0, 1], [3, 0], [0, -1]])
        let classifier = KNearestNeighbors(features: x, labels: [0, 1, 1, 0, 0], classCount: 2, metric: metric)
        let neighbors = classifier.nearestNeighbors(of: Tensor(rows: [[0, 0]]), count: 5)[0]
        #expect(neighbors.map(\.index) == [0, 1, 2, 4, 3])
        #expect(neighbors.map(\.distance) == [1, 1, 1, 1, 3])
        // k = 2: one vote each for classes 0 and 1; the nearest (index 0) is class 0.
        #expect(KNearestNeighbors(features: x, labels: [0, 1, 1, 0, 0], classCount: 2, k: 2, metric: metric).predict(Tensor(rows: [[0, 0]])) == [0])
        // k = 3: classes 1, 1 against 0.
        #expect(KNearestNeighbors(features: x, labels: [0, 1, 1, 0, 0], classCount: 2, k: 3, metric: metric).predict(Tensor(rows: [[0, 0]])) == [1])
    }

    @Test func moreNeighborsThanTrainingRowsGivesThemAll() {
        let classifier = KNearestNeighbors(features: Tensor(rows: [[2], [0], [1]]), labels: [0, 1, 1], classCount: 2, k: 10)
        #expect(classifier.nearestNeighbors(of: Tensor(rows: [[0]])) == [[.init(index: 1, distance: 0), .init(index: 2, distance: 1), .init(index: 0, distance: 2)]])
        #expect(classifier.predict(Tensor(rows: [[0], [2]])) == [1, 1])
        #expect(classifier.predict(Tensor.zeros([0, 1])) == [])
    }

    @Test func rowsAreCopiedInTheGivenOrder() {
        let matrix = Tensor(rows: [[0, 1], [2, 3], [4, 5]])
        #expect(matrix.rows([2, 0, 2]) == Tensor(rows: [[4, 5], [0, 1], [4, 5]]))
        #expect(matrix.rows([]).shape == [0, 2])
    }

    @Test func majorityVoteBreaksTiesTowardTheNearestTiedClass() {
        let labels = [0, 1, 2, 2, 1, 3]
        let neighbors = [0, 1, 2, 3, 4].map { Neighbor(index: $0, distance: Float($0)) }
        // Classes 1 and 2 have two votes each; the nearest of them is index 1, class 1.
        #expect(NeighborVote.majority.winner(of: neighbors, labels: labels, classCount: 4) == 1)
        #expect(NeighborVote.majority.winner(of: neighbors.prefix(4), labels: labels, classCount: 4) == 2)
        #expect(NeighborVote.majority.winner(of: neighbors.prefix(1), labels: labels, classCount: 4) == 0)
        #expect(NeighborVote.majority.winner(of: [Neighbor](), labels: labels, classCount: 4) == 0)
    }

    @Test func distanceWeightedVote() {
        let labels = [0, 1, 1]
        let near = [Neighbor(index: 0, distance: 0.1), Neighbor(index: 1, distance: 1), Neighbor(index: 2, distance: 1)]
        // Weights 1/0.1 = 10 against 1 + 1 = 2: the nearest wins where the majority would not.
        #expect(NeighborVote.distanceWeighted.winner(of: near, labels: labels, classCount: 2) == 0)
        #expect(NeighborVote.majority.winner(of: near, labels: labels, classCount: 2) == 1)
        // 1/(1 + 1) = 1/(3 + 1) + 1/(3 + 1): an exact tie goes to the nearest neighbour's class.
        let tied = [Neighbor(index: 0, distance: 1), Neighbor(index: 1, distance: 3), Neighbor(index: 2, distance: 3)]
        #expect(NeighborVote.distanceWeighted(epsilon: 1).winner(of: tied, labels: labels, classCount: 2) == 0)
        // A neighbour at distance 0 dominates.
        let exact = [Neighbor(index: 1, distance: 0), Neighbor(index: 0, distance: 0.5), Neighbor(index: 0, distance: 0.5)]
        #expect(NeighborVote.distanceWeighted.winner(of: exact, labels: labels, classCount: 2) == 1)
    }

    @Test func classifiesSeparatedClustersAndImages() {
        var generator = SeededGenerator(seed: 5)
        let centers: [[Float]] = [[0, 0, 0], [5, 0, 0], [0, 5, 5]]
        func sample(_ count: Int) -> (Tensor, [Int]) {
            let labels = (0..<count).map { $0 % 3 }
            let rows = labels.map { label in centers[label].map { $0 + generator.nextNormal(standardDeviation: 0.5) } }
            return (Tensor(rows: rows), labels)
        }
        let (x, y) = sample(60), (q, truth) = sample(30)
        for vote in [NeighborVote.majority, .distanceWeighted] {
            #expect(KNearestNeighbors(features: x, labels: y, classCount: 3, k: 5, vote: vote).accuracy(on: q, labels: truth) == 1)
        }

        // 1×2×2 byte images: features are the bytes / 255, and 1-NN recovers every training image's label.
        let images: [UInt8] = [0, 0, 255, 255, 255, 255, 0, 0, 255, 0, 255, 0]
        let dataset = ImageDataset(images: images, labels: [0, 1, 2], channels: 1, height: 2, width: 2, classCount: 3)
        #expect(dataset.featureMatrix(normalization: .unitRange) == Tensor(shape: [3, 4], scalars: images.map { Float($0) / 255 }))
        let classifier = KNearestNeighbors(dataset: dataset, normalization: .unitRange, metric: .l1)
        #expect(classifier.accuracy(on: dataset, normalization: .unitRange) == 1)
    }
}
