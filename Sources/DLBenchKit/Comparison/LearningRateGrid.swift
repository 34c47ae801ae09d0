import DLNN
import DLReport
import Foundation

/// The documented grid every tuned comparison chooses learning rates from: half-decades from 10⁻⁴
/// to 10⁰, η = 10^(k/2) for k = −8 … 0 (1e-4, 3.2e-4, 1e-3, …, 0.32, 1). Each rate is trained once,
/// with the comparison's first seed, for one epoch on at most `trainingSize` images, and scored by
/// accuracy on at most `validationSize` validation images; the test set is not touched. The best
/// rate wins (the smaller on ties); a run that diverges scores nothing. `--quick` tries the five
/// decades only.
enum LearningRateGrid {
    static let rates: [Float] = (-8...0).map { Float(pow(10, Double($0) / 2)) }

    /// The grid of a default run, or the decades of it for `--quick`.
    static func rates(quick: Bool) -> [Float] {
        quick ? stride(from: 0, to: rates.count, by: 2).map { rates[$0] } : rates
    }
    static let trainingSize = 4000
    static let validationSize = 2000

    /// The grid of `rates` in words, for reports.
    static func text(_ rates: [Float]) -> String {
        "η ∈ {\(rates.map { NumberFormat.significant(2).string(for: Double($0)) }.joined(separator: ", "))}, each trained 1 epoch on at most "
            + "\(trainingSize) training images with the first seed and scored on at most \(validationSize) validation images; the best validation accuracy wins"
    }

    /// The splits a tuning run sees: the training and validation prefixes, no test set.
    static func tuningData(_ data: DataSplits) -> DataSplits {
        data.tuningSplits(trainingSize: trainingSize, validationSize: validationSize)
    }

    /// The rate with the best validation accuracy among `trials` (the first on ties), or nil if all diverged.
    static func best(of trials: [LearningRateTrial]) -> Float? {
        trials.filter { !$0.validationAccuracy.isNaN }.max { ($0.validationAccuracy, -$0.learningRate) < ($1.validationAccuracy, -$1.learningRate) }?.learningRate
    }
}

/// One learning rate of the grid and the validation accuracy of its short run (NaN when it diverged).
struct LearningRateTrial {
    var learningRate: Float
    var validationAccuracy: Double
}
