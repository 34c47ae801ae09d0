/// How many of a model's weights `magnitudePrune(_:target:keeping:)` removes, and with which threshold.
///
/// Han et al. (2015) prune the connections whose weight magnitude is below a threshold; the
/// threshold is either one for the whole network (`global`) or one per layer (`perLayer`). Here a
/// target is a sparsity, the fraction of weights removed, and the threshold is the magnitude
/// that removes exactly that many (ties between equal magnitudes broken by position, so the count
/// is exact).
public enum PruningTarget: Sendable, Equatable {
    /// One threshold for every weight of every pruned layer: the smallest `sparsity` fraction of
    /// all their |w| together is removed, so layers with many small weights lose more.
    case global(sparsity: Double)
    /// Each layer loses its own smallest fraction: `sparsities[path]`, or `default` for a layer
    /// not listed (paths as `features.0`).
    case perLayer(sparsities: [String: Double], default: Double)

    /// Stops with a message when a sparsity is outside [0, 1).
    func validate() {
        let values: [Double] = switch self {
        case .global(let sparsity): [sparsity]
        case .perLayer(let sparsities, let fallback): Array(sparsities.values) + [fallback]
        }
        require(values.allSatisfy { $0 >= 0 && $0 < 1 }, "PruningTarget: every sparsity must be in [0, 1), got \(values)")
    }
}

/// Prunes the weights (not the biases) of every `Dense` and `Conv2D` in `model` by magnitude to
/// `target`, zeroes them, and returns the masks, which fine-tuning keeps in force through
/// `MaskedTraining`.
///
/// With `previous` masks (iterative pruning, Han et al.'s prune–retrain loop), weights pruned
/// before stay pruned: they rank below every kept weight whatever their value, so the masks only
/// shrink and a sparsity below the previous one keeps the previous mask.
/// Layers inside a `LowRankLayer` are pruned like any other (their paths are `…​.0`, `…​.1`).
public func magnitudePrune(_ model: any Layer, target: PruningTarget, keeping previous: PruningMasks? = nil) -> PruningMasks {
    target.validate()
    var entries: [PruningMasks.Entry] = model.namedModules().compactMap { path, module in
        let layer: (weight: Parameter, summary: String)
        if let dense = module as? Dense {
            layer = (dense.weight, dense.summaryName)
        } else if let conv = module as? Conv2D {
            layer = (conv.weight, conv.summaryName)
        } else {
            return nil
        }
        let kept = previous?.entry(at: path)?.kept ?? Array(repeating: true, count: layer.weight.count)
        return PruningMasks.Entry(layerPath: path, layer: layer.summary, parameter: layer.weight, kept: kept)
    }
    /// |w|, with previously pruned weights at −1 so they come first.
    func magnitudes(_ entry: PruningMasks.Entry) -> [Float] {
        let values = entry.parameter.value.scalars
        return values.indices.map { entry.kept[$0] ? abs(values[$0]) : -1 }
    }
    switch target {
    case .global(let sparsity):
        var all: [(magnitude: Float, entry: Int, index: Int)] = []
        for (e, entry) in entries.enumerated() {
            for (i, magnitude) in magnitudes(entry).enumerated() { all.append((magnitude, e, i)) }
        }
        let pruned = prunedCount(sparsity: sparsity, total: all.count, alreadyPruned: all.filter { $0.magnitude < 0 }.count)
        all.sort { ($0.magnitude, $0.entry, $0.index) < ($1.magnitude, $1.entry, $1.index) }
        for item in all.prefix(pruned) { entries[item.entry].kept[item.index] = false }
    case .perLayer(let sparsities, let fallback):
        for e in entries.indices {
            let values = magnitudes(entries[e])
            let pruned = prunedCount(sparsity: sparsities[entries[e].layerPath] ?? fallback, total: values.count,
                                     alreadyPruned: values.filter { $0 < 0 }.count)
            let order = values.indices.sorted { (values[$0], $0) < (values[$1], $1) }
            for i in order.prefix(pruned) { entries[e].kept[i] = false }
        }
    }
    let masks = PruningMasks(entries: entries)
    masks.applyToValues()
    return masks
}

/// The number of weights to remove for `sparsity` of `total`, never fewer than those already removed.
private func prunedCount(sparsity: Double, total: Int, alreadyPruned: Int) -> Int {
    max(alreadyPruned, Int((sparsity * Double(total)).rounded()))
}
