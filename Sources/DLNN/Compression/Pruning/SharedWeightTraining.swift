/// Fine-tunes the codebooks of weight-shared layers (Han, Mao & Dally, 2016, §3.3) while pruned
/// weights stay at zero: after every optimizer step, each cluster's members are moved back to one
/// shared value, the mean of their updated values, which becomes the cluster's new centroid.
///
/// For plain SGD this is the paper's centroid update with the members' gradients averaged
/// instead of summed (c ← c − η·mean ∂L/∂w over the cluster); for other optimizers it is the
/// projection of their update onto weights that share values. Pruned elements get a zero gradient
/// after backward and a zero value after the step, as with `MaskedTraining`.
public final class SharedWeightTraining: TrainingCallback {
    /// The masks in force.
    public let masks: PruningMasks
    /// The sharing per layer path, its codebooks updated after every step.
    public private(set) var sharing: [String: WeightSharing]

    /// Trains the codebooks of `sharing` (from `shareWeights(_:bits:)` on `masks`).
    public init(masks: PruningMasks, sharing: [String: WeightSharing]) {
        self.masks = masks
        self.sharing = sharing
    }

    public func afterBackward(_ context: TrainingContext) {
        masks.applyToGradients()
    }

    public func afterOptimizerStep(_ context: TrainingContext) {
        masks.applyToValues()
        for entry in masks.entries {
            guard var shared = sharing[entry.layerPath] else { continue }
            let positions = entry.kept.indices.filter { entry.kept[$0] }
            entry.parameter.withUnsafeMutableValue { elements in
                var sums = [Double](repeating: 0, count: shared.codebook.count), counts = [Int](repeating: 0, count: shared.codebook.count)
                for (position, code) in zip(positions, shared.codes) {
                    sums[code] += Double(elements[position])
                    counts[code] += 1
                }
                for c in shared.codebook.indices where counts[c] > 0 { shared.codebook[c] = Float(sums[c] / Double(counts[c])) }
                for (position, code) in zip(positions, shared.codes) { elements[position] = shared.codebook[code] }
            }
            sharing[entry.layerPath] = shared
        }
    }
}
