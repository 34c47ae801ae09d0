/// Classification metrics computed from logits (or probabilities) and integer labels.
public enum Metrics {
    /// The fraction of rows of `logits` ([N, classes]) whose largest entry is at the row's label.
    public static func accuracy(logits: Tensor, labels: [Int]) -> Double {
        topKAccuracy(logits: logits, labels: labels, k: 1)
    }

    /// The fraction of rows whose label is among the `k` largest entries (ties broken toward lower class indices).
    public static func topKAccuracy(logits: Tensor, labels: [Int], k: Int) -> Double {
        Double(topKHits(logits: logits, labels: labels, k: k)) / Double(Swift.max(labels.count, 1))
    }

    /// The number of rows whose label is among the `k` largest entries of its row.
    public static func topKHits(logits: Tensor, labels: [Int], k: Int) -> Int {
        require(
            logits.rank == 2 && logits.shape[0] == labels.count,
            "topKAccuracy: logits \(describe(logits.shape)) and \(labels.count) labels: expected [\(labels.count), classes]"
        )
        let classes = logits.shape[1]
        require(k >= 1 && k <= classes, "topKAccuracy: k = \(k) outside 1...\(classes)")
        return logits.withUnsafeBufferPointer { x in
            var hits = 0
            for (row, label) in labels.enumerated() {
                let base = row * classes
                let target = x[base + label]
                // The label is in the top k when fewer than k classes beat it.
                var better = 0
                for c in 0..<classes where x[base + c] > target || (x[base + c] == target && c < label) {
                    better += 1
                }
                if better < k { hits += 1 }
            }
            return hits
        }
    }
}

/// Counts of (true class, predicted class) pairs, with per-class precision and recall.
public struct ConfusionMatrix: Equatable, Codable, Sendable {
    /// `counts[actual][predicted]`.
    public private(set) var counts: [[Int]]

    public init(classCount: Int) {
        counts = Array(repeating: Array(repeating: 0, count: classCount), count: classCount)
    }

    /// A matrix of `counts[actual][predicted]`, square.
    init(counts: [[Int]]) {
        self.counts = counts
    }

    /// The number of classes.
    public var classCount: Int { counts.count }

    /// Adds the predictions (argmax of each row of `logits`) for a batch.
    public mutating func add(logits: Tensor, labels: [Int]) {
        for (predicted, actual) in zip(logits.argmax(alongAxis: 1), labels) {
            counts[actual][predicted] += 1
        }
    }

    /// Correct predictions over all predictions.
    public var accuracy: Double {
        let total = counts.joined().reduce(0, +)
        return total == 0 ? 0 : Double((0..<classCount).reduce(0) { $0 + counts[$1][$1] }) / Double(total)
    }

    /// Of the samples predicted as `c`, the fraction that are `c` (0 when nothing was predicted as `c`).
    public func precision(ofClass c: Int) -> Double {
        let predicted = (0..<classCount).reduce(0) { $0 + counts[$1][c] }
        return predicted == 0 ? 0 : Double(counts[c][c]) / Double(predicted)
    }

    /// Of the samples of class `c`, the fraction predicted as `c` (0 when there are none).
    public func recall(ofClass c: Int) -> Double {
        let actual = counts[c].reduce(0, +)
        return actual == 0 ? 0 : Double(counts[c][c]) / Double(actual)
    }
}
