/// The score of every fold of a cross-validation, with their mean and standard deviation.
public struct CrossValidationScores: Equatable, Sendable, Codable {
    /// The score of each fold, in fold order.
    public let perFold: [Double]

    /// Wraps the scores of the folds.
    public init(perFold: [Double]) {
        self.perFold = perFold
    }

    /// The mean score, (1/k)·Σᵢ sᵢ.
    public var mean: Double {
        perFold.reduce(0, +) / Double(perFold.count)
    }

    /// The sample standard deviation √(Σᵢ (sᵢ − mean)² / (k − 1)) of the fold scores (0 for one fold):
    /// the spread one would expect between folds, not the error of the mean.
    public var standardDeviation: Double {
        guard perFold.count > 1 else { return 0 }
        let mean = mean
        return (perFold.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(perFold.count - 1)).squareRoot()
    }
}
