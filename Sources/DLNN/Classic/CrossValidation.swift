/// k-fold cross-validation: the indices 0..<N shuffled once by a `SeededGenerator` and cut into
/// k folds; fold i validates a model trained on the other k − 1.
///
///     let folds = CrossValidation(sampleCount: 5000, foldCount: 5, seed: 1)
///     let scores = folds.scores { training, validation in
///         KNearestNeighbors(features: x.rows(training), …).accuracy(on: x.rows(validation), …)
///     }
///     print(scores.mean, scores.standardDeviation)
///
/// The folds are disjoint, together hold every index once, and their sizes differ by at most 1
/// (the first N mod k folds have one more sample). Each fold lists its indices in ascending order.
public struct CrossValidation: Sendable {
    /// The validation indices of each fold.
    public let folds: [[Int]]
    /// N, the number of samples split.
    public let sampleCount: Int

    /// Splits `sampleCount` samples into `foldCount` folds; the same seed always gives the same folds.
    public init(sampleCount: Int, foldCount: Int, seed: UInt64) {
        require(
            foldCount >= 2 && foldCount <= sampleCount,
            "CrossValidation: \(foldCount) folds need 2 ≤ k ≤ N = \(sampleCount)")
        var order = Array(0..<sampleCount)
        var generator = SeededGenerator(seed: seed)
        generator.shuffle(&order)
        let (base, extra) = sampleCount.quotientAndRemainder(dividingBy: foldCount)
        var start = 0
        var folds: [[Int]] = []
        for fold in 0..<foldCount {
            let size = base + (fold < extra ? 1 : 0)
            folds.append(order[start..<start + size].sorted())
            start += size
        }
        self.folds = folds
        self.sampleCount = sampleCount
    }

    /// The training indices of fold `fold`: every index not in it, ascending.
    public func trainingIndices(ofFold fold: Int) -> [Int] {
        var isValidation = Array(repeating: false, count: sampleCount)
        for index in folds[fold] { isValidation[index] = true }
        return (0..<sampleCount).filter { !isValidation[$0] }
    }

    /// `score(training, validation)` of every fold, in fold order, with their mean and standard deviation.
    public func scores(_ score: (_ training: [Int], _ validation: [Int]) throws -> Double) rethrows -> CrossValidationScores {
        CrossValidationScores(perFold: try folds.indices.map { try score(trainingIndices(ofFold: $0), folds[$0]) })
    }
}
