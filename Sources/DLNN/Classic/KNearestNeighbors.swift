/// The k-nearest-neighbour classifier: a query gets the class the labels of the k training
/// samples nearest to it vote for (Cover and Hart, 1967).
///
///     let normalization = InputNormalization.unitRange
///     let classifier = KNearestNeighbors(dataset: mnist.train, normalization: normalization, k: 3, metric: .l2)
///     let accuracy = classifier.accuracy(on: mnist.test, normalization: normalization)
///
/// "Fitting" keeps the training features [N, D] (and, for L2, their squared norms). Queries are
/// processed in blocks of `blockRows` rows, so memory is bounded by `blockRows`·N distances
/// (256 × 60,000 floats = 61 MB for MNIST), never the whole query × training matrix. For each block,
/// `DistanceMetric` computes the distances (L2 with one GEMM), `Neighbor.smallest` selects the k
/// nearest under the tie rule (smaller distance, then smaller training index), and `vote` decides.
/// The rule applies to the distances as computed: L2's expansion rounds differently from a direct
/// sum of squares, so two distances equal in exact arithmetic can differ in their last bits
/// (they are exact, and ties real, for small integer coordinates).
public struct KNearestNeighbors: Sendable {
    /// The training features, [N, D].
    public let features: Tensor
    /// The class of each training row, in `0..<classCount`.
    public let labels: [Int]
    /// The number of classes.
    public let classCount: Int
    /// The number of neighbours that vote.
    public var k: Int
    /// The distance neighbours are ranked by.
    public var metric: DistanceMetric
    /// How the neighbours' labels decide.
    public var vote: NeighborVote
    /// Query rows whose distances are computed at once (one GEMM for L2).
    public var blockRows: Int
    /// ‖rⱼ‖² of each training row, for the L2 expansion.
    private let squaredNorms: [Float]

    /// A classifier on training `features` [N, D] with their `labels` in `0..<classCount`.
    public init(
        features: Tensor, labels: [Int], classCount: Int,
        k: Int = 1, metric: DistanceMetric = .l2, vote: NeighborVote = .majority, blockRows: Int = 256
    ) {
        require(
            features.rank == 2 && features.shape[0] > 0 && features.shape[1] > 0,
            "KNearestNeighbors: features must be [N, D] with N, D ≥ 1, got \(describe(features.shape))")
        require(labels.count == features.shape[0], "KNearestNeighbors: \(labels.count) labels for \(features.shape[0]) feature rows")
        require(labels.allSatisfy { (0..<classCount).contains($0) }, "KNearestNeighbors: a label lies outside 0..<\(classCount)")
        require(k >= 1 && blockRows >= 1, "KNearestNeighbors: k \(k) and blockRows \(blockRows) must be positive")
        self.features = features
        self.labels = labels
        self.classCount = classCount
        self.k = k
        self.metric = metric
        self.vote = vote
        self.blockRows = blockRows
        self.squaredNorms = DistanceMetric.squaredNorms(of: features)
    }

    /// A classifier on the images of `dataset`, as feature vectors scaled like `BatchIterator`'s
    /// (`ImageDataset.featureMatrix(normalization:)`); queries must use the same `normalization`.
    public init(
        dataset: ImageDataset, normalization: InputNormalization,
        k: Int = 1, metric: DistanceMetric = .l2, vote: NeighborVote = .majority, blockRows: Int = 256
    ) {
        self.init(
            features: dataset.featureMatrix(normalization: normalization), labels: dataset.labels,
            classCount: dataset.classCount, k: k, metric: metric, vote: vote, blockRows: blockRows)
    }

    /// The `count` nearest training samples of each query row of `queries` [M, D], nearest first
    /// (ties: smaller training index first); `count` defaults to `k`.
    ///
    /// Computing them once for the largest k of interest and voting on prefixes
    /// (`vote.winner(of: neighbors.prefix(k), …)`) compares several k for the price of one.
    public func nearestNeighbors(of queries: Tensor, count: Int? = nil) -> [[Neighbor]] {
        let count = count ?? k
        require(count >= 1, "KNearestNeighbors.nearestNeighbors: count \(count) must be positive")
        var result: [[Neighbor]] = []
        result.reserveCapacity(queries.shape.first ?? 0)
        forEachBlock(of: queries) { _, rows, values in
            for i in 0..<rows {
                let row = UnsafeBufferPointer(rebasing: values[(i * self.features.shape[0])..<((i + 1) * self.features.shape[0])])
                result.append(Neighbor.smallest(count, of: row).map {
                    Neighbor(index: $0.index, distance: self.metric.distance(fromRankingValue: $0.distance))
                })
            }
        }
        return result
    }

    /// The distances [M, N] from every query row of `queries` [M, D] to every training row: for
    /// inspection and tests on small sets (it holds the whole M × N matrix, which prediction never does).
    public func distances(from queries: Tensor) -> Tensor {
        let trainingCount = features.shape[0]
        var result = Tensor.zeros([queries.shape.first ?? 0, trainingCount])
        result.withUnsafeMutableBufferPointer { output in
            forEachBlock(of: queries) { start, rows, values in
                for index in 0..<rows * trainingCount {
                    output[start * trainingCount + index] = metric.distance(fromRankingValue: values[index])
                }
            }
        }
        return result
    }

    /// The predicted class of each query row of `queries` [M, D].
    public func predict(_ queries: Tensor) -> [Int] {
        nearestNeighbors(of: queries).map { vote.winner(of: $0, labels: labels, classCount: classCount) }
    }

    /// The fraction of query rows of `queries` [M, D] predicted as their `labels`.
    public func accuracy(on queries: Tensor, labels queryLabels: [Int]) -> Double {
        require(queryLabels.count == queries.shape.first ?? 0, "KNearestNeighbors.accuracy: \(queryLabels.count) labels for \(queries.shape.first ?? 0) queries")
        guard !queryLabels.isEmpty else { return .nan }
        let hits = zip(predict(queries), queryLabels).filter { $0 == $1 }.count
        return Double(hits) / Double(queryLabels.count)
    }

    /// The accuracy on the images of `dataset`, scaled with the `normalization` the classifier was fitted with.
    public func accuracy(on dataset: ImageDataset, normalization: InputNormalization) -> Double {
        accuracy(on: dataset.featureMatrix(normalization: normalization), labels: dataset.labels)
    }

    /// Calls `body(firstRow, rows, values)` for each block of at most `blockRows` query rows, with
    /// the ranking values of `metric` of those rows against every training row, [rows, N] row-major.
    /// The block's buffer is reused, so `body` must not keep it.
    private func forEachBlock(of queries: Tensor, _ body: (Int, Int, UnsafeBufferPointer<Float>) -> Void) {
        let (trainingCount, dimension) = (features.shape[0], features.shape[1])
        require(
            queries.rank == 2 && queries.shape[1] == dimension,
            "KNearestNeighbors: queries must be [M, \(dimension)], got \(describe(queries.shape))")
        let queryCount = queries.shape[0]
        guard queryCount > 0 else { return }
        var block = [Float](repeating: 0, count: Swift.min(blockRows, queryCount) * trainingCount)
        queries.withUnsafeBufferPointer { queryValues in
            features.withUnsafeBufferPointer { references in
                squaredNorms.withUnsafeBufferPointer { norms in
                    block.withUnsafeMutableBufferPointer { block in
                        for start in stride(from: 0, to: queryCount, by: blockRows) {
                            let rows = Swift.min(blockRows, queryCount - start)
                            metric.rankingValues(
                                queries: queryValues.baseAddress! + start * dimension, rows: rows,
                                references: references.baseAddress!, referenceCount: trainingCount, dimension: dimension,
                                referenceSquaredNorms: norms.baseAddress!, into: block.baseAddress!)
                            body(start, rows, UnsafeBufferPointer(rebasing: block[0..<(rows * trainingCount)]))
                        }
                    }
                }
            }
        }
    }
}
