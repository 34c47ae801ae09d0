/// How many singular values a factorized layer keeps.
///
/// Whatever the rule, `compress(_:inputShape:policy:)` leaves a layer as it is, with a message in
/// its report, when the chosen rank would not make it smaller than the original.
public enum RankSelection: Sendable, Equatable {
    /// Exactly k (capped at min(m, n)).
    case rank(Int)
    /// The largest k whose factorized layer has at most 1/c of the original's parameters
    /// (weights and bias), i.e. a compression ratio of at least c > 1. Unreachable when even
    /// k = 1 falls short.
    case compressionRatio(Double)
    /// The smallest k with Σ_{i≤k} σᵢ² ≥ f · Σᵢ σᵢ², for 0 < f ≤ 1.
    case energy(Double)
    /// A rank per layer path (`classifier.1`); rebuilds the structure of a saved compressed
    /// model (see `CompressionResult.structure`). A selected layer missing here is left as is.
    case ranks([String: Int])

    /// Checks the rule's number; stops with a message naming it when out of range.
    func validate() {
        switch self {
        case .rank(let k): require(k >= 1, "RankSelection.rank(\(k)): the rank must be at least 1")
        case .compressionRatio(let c): require(c > 1 && c.isFinite, "RankSelection.compressionRatio(\(c)): the ratio must be a finite number above 1")
        case .energy(let f): require(f > 0 && f <= 1, "RankSelection.energy(\(f)): the energy fraction must be in (0, 1]")
        case .ranks(let ranks): require(ranks.values.allSatisfy { $0 >= 1 }, "RankSelection.ranks: every rank must be at least 1, got \(ranks)")
        }
    }

    /// The rank this rule picks for the layer at `path`, or nil when the rule cannot be met
    /// (a ratio out of reach, a path without a rank).
    ///
    /// - Parameters:
    ///   - squaredSingularValues: σᵢ², largest first; their count is the maximum rank.
    ///   - parameterCount: the factorized layer's parameter count at rank k, increasing in k.
    ///   - originalParameterCount: the original layer's parameter count.
    func rank(
        path: String, squaredSingularValues: [Double],
        parameterCount: (Int) -> Int, originalParameterCount: Int
    ) -> Int? {
        let maximumRank = squaredSingularValues.count
        switch self {
        case .rank(let k):
            return min(k, maximumRank)
        case .ranks(let ranks):
            return ranks[path].map { min($0, maximumRank) }
        case .compressionRatio(let c):
            return (1...maximumRank).last(where: { Double(originalParameterCount) >= c * Double(parameterCount($0)) })
        case .energy(let f):
            let total = squaredSingularValues.reduce(0, +)
            var kept = 0.0
            for (index, energy) in squaredSingularValues.enumerated() {
                kept += energy
                if kept >= f * total { return index + 1 }
            }
            return maximumRank
        }
    }
}
