/// Which weights of a model are kept after pruning: one mask per pruned weight tensor, with the
/// parameter it belongs to (Han et al., 2015, "Learning both Weights and Connections").
///
/// A mask is applied by writing an exact `0` into every pruned element (`applyToValues()`) and into
/// its gradient (`applyToGradients()`); `MaskedTraining` does both at every step of fine-tuning, so
/// pruned weights stay at zero whatever the optimizer's momentum or moment estimates hold.
public final class PruningMasks {
    /// One pruned weight tensor.
    public struct Entry {
        /// The layer's path in the model (`features.0`); the weight is `<path>.weight`.
        public let layerPath: String
        /// The layer's summary, e.g. `Conv2D(1 → 20, 5×5)`.
        public let layer: String
        /// The weight the mask applies to.
        public let parameter: Parameter
        /// `kept[i]`: whether element i (row-major) is kept.
        public internal(set) var kept: [Bool]

        /// Elements kept.
        public var keptCount: Int { kept.reduce(0) { $0 + ($1 ? 1 : 0) } }
        /// Kept elements over all elements.
        public var keptFraction: Double { kept.isEmpty ? 1 : Double(keptCount) / Double(kept.count) }
        /// The path of the weight, `<layerPath>.weight`.
        public var parameterPath: String { layerPath.isEmpty ? parameter.name : "\(layerPath).\(parameter.name)" }
    }

    /// One entry per pruned layer, in model order.
    public internal(set) var entries: [Entry]

    init(entries: [Entry]) {
        self.entries = entries
    }

    /// Kept weights over all weights of the pruned layers.
    public var keptFraction: Double {
        let total = entries.reduce(0) { $0 + $1.kept.count }
        return total == 0 ? 1 : Double(entries.reduce(0) { $0 + $1.keptCount }) / Double(total)
    }

    /// Zeroes the pruned elements of every masked weight.
    public func applyToValues() {
        for entry in entries { entry.parameter.withUnsafeMutableValue { zero($0, outside: entry.kept) } }
    }

    /// Zeroes the gradient of every pruned element.
    public func applyToGradients() {
        for entry in entries { entry.parameter.withUnsafeMutableGradient { zero($0, outside: entry.kept) } }
    }

    /// The mask of the layer at `path`, if it was pruned.
    public func entry(at path: String) -> Entry? {
        entries.first { $0.layerPath == path }
    }

    private func zero(_ elements: UnsafeMutableBufferPointer<Float>, outside kept: [Bool]) {
        for i in elements.indices where !kept[i] { elements[i] = 0 }
    }
}
