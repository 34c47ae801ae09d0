import Foundation

/// Han et al.'s (2015) iterative pruning: prune to the first target, retrain, prune further to the
/// next target, retrain, and so on. Each round keeps the weights pruned by the rounds before it
/// (see `magnitudePrune(_:target:keeping:)`), and `retrain` gets the masks in force, to pass to
/// its trainer as a `MaskedTraining` callback.
///
/// Returns the final masks (all weights kept, no mask applied, for an empty schedule).
@discardableResult
public func pruneIteratively(
    _ model: any Layer, schedule: [PruningTarget], retrain: (_ round: Int, _ masks: PruningMasks) throws -> Void
) rethrows -> PruningMasks {
    var masks = magnitudePrune(model, target: .global(sparsity: 0))
    for (round, target) in schedule.enumerated() {
        masks = magnitudePrune(model, target: target, keeping: masks)
        try retrain(round, masks)
    }
    return masks
}

extension PruningTarget {
    /// `rounds` targets whose kept fraction falls geometrically from 1 to 1 − `finalSparsity`
    /// (the same fraction of the remaining weights removed each round), for `pruneIteratively`.
    /// Per-layer sparsities are spread the same way, each towards its own final value.
    public func schedule(rounds: Int) -> [PruningTarget] {
        require(rounds >= 1, "PruningTarget.schedule: rounds \(rounds) must be at least 1")
        validate()
        func step(_ sparsity: Double, _ round: Int) -> Double {
            round == rounds ? sparsity : 1 - pow(1 - sparsity, Double(round) / Double(rounds))
        }
        return (1...rounds).map { round in
            switch self {
            case .global(let sparsity): .global(sparsity: step(sparsity, round))
            case .perLayer(let sparsities, let fallback):
                .perLayer(sparsities: sparsities.mapValues { step($0, round) }, default: step(fallback, round))
            }
        }
    }
}
