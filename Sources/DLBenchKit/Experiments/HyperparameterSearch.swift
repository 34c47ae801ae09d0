import DLNN
import Foundation

/// One point of the search space: the hyper-parameters of one trial.
struct Hyperparameters: Equatable {
    var learningRate: Double
    var weightDecay: Double
    var dropout: Double
}

/// Grid or random search.
enum SearchStrategy: String, CaseIterable {
    case grid, random
}

/// The space `dlbench search` explores: a box over learning rate and weight decay (both on a log
/// scale) and dropout (linear). Each axis maps a unit coordinate u ∈ [0, 1] to a value, so grid and
/// random search differ only in their coordinates: the grid takes the centres (i + ½)/k of k
/// cells per axis, random search draws u uniformly (Bergstra & Bengio, 2012).
struct SearchSpace {
    var learningRate: ClosedRange<Double> = 1e-3...1
    var weightDecay: ClosedRange<Double> = 1e-6...1e-2
    var dropout: ClosedRange<Double> = 0...0.75

    /// The hyper-parameters at unit coordinates `u` (three values in [0, 1]).
    func point(_ u: (Double, Double, Double)) -> Hyperparameters {
        func logarithmic(_ range: ClosedRange<Double>, _ t: Double) -> Double {
            exp(log(range.lowerBound) + t * (log(range.upperBound) - log(range.lowerBound)))
        }
        return Hyperparameters(
            learningRate: logarithmic(learningRate, u.0), weightDecay: logarithmic(weightDecay, u.1),
            dropout: dropout.lowerBound + u.2 * (dropout.upperBound - dropout.lowerBound))
    }

    /// The full grid with `k` points per axis (k³ trials): cell centres, learning rate slowest.
    func grid(pointsPerAxis k: Int) -> [Hyperparameters] {
        precondition(k >= 1, "SearchSpace.grid: k must be positive")
        let centres = (0..<k).map { (Double($0) + 0.5) / Double(k) }
        return centres.flatMap { a in centres.flatMap { b in centres.map { c in point((a, b, c)) } } }
    }

    /// `count` points drawn uniformly (in the unit coordinates) from a generator seeded with `seed`.
    func random(count: Int, seed: UInt64) -> [Hyperparameters] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in point((generator.nextUnitDouble(), generator.nextUnitDouble(), generator.nextUnitDouble())) }
    }

    /// The largest k with k³ ≤ `trials`: the grid a budget of `trials` affords.
    static func gridSize(forTrials trials: Int) -> Int {
        var k = 1
        while (k + 1) * (k + 1) * (k + 1) <= trials { k += 1 }
        return k
    }
}

/// A trial and its score (NaN when training diverged).
struct ScoredTrial {
    var hyperparameters: Hyperparameters
    var score: Double
}

/// The best score among the first n trials, for n = 1 … trials.count (NaN until a trial finishes).
func runningBest(_ trials: [ScoredTrial]) -> [Double] {
    var best = Double.nan
    return trials.map { trial in
        if !trial.score.isNaN && (best.isNaN || trial.score > best) { best = trial.score }
        return best
    }
}

/// How much each hyper-parameter moves the score: the trials split into thirds of each axis (by
/// unit coordinate), and the range of the thirds' mean scores, a diverged trial counting as
/// `divergedScore` (chance accuracy, say). A small range means the axis barely matters, Bergstra &
/// Bengio's "low effective dimensionality".
func mainEffects(_ trials: [ScoredTrial], space: SearchSpace, divergedScore: Double) -> [(name: String, range: Double)] {
    let finished = trials.map { ScoredTrial(hyperparameters: $0.hyperparameters, score: $0.score.isNaN ? divergedScore : $0.score) }
    let axes: [(String, (Hyperparameters) -> Double, ClosedRange<Double>, Bool)] = [
        ("learning rate", \.learningRate, space.learningRate, true),
        ("weight decay", \.weightDecay, space.weightDecay, true),
        ("dropout", \.dropout, space.dropout, false),
    ]
    return axes.map { name, value, range, isLogarithmic in
        let unit = { (h: Hyperparameters) -> Double in
            isLogarithmic
                ? (log(value(h)) - log(range.lowerBound)) / (log(range.upperBound) - log(range.lowerBound))
                : (value(h) - range.lowerBound) / (range.upperBound - range.lowerBound)
        }
        let means = (0..<3).compactMap { third -> Double? in
            let scores = finished.filter { min(2, Int(unit($0.hyperparameters) * 3)) == third }.map(\.score)
            return scores.isEmpty ? nil : scores.reduce(0, +) / Double(scores.count)
        }
        return (name, (means.max() ?? .nan) - (means.min() ?? .nan))
    }
}
