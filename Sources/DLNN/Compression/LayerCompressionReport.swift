/// What `compress(_:inputShape:policy:)` did to one selected layer.
public struct LayerCompressionReport: Sendable {
    /// The layer's path in the model (`classifier.1`).
    public var path: String
    /// The original layer's summary, e.g. `Dense(784 → 1024)`.
    public var layer: String
    /// The rank chosen (or the one that was rejected); nil when no rank was chosen.
    public var rank: Int?
    /// min(m, n) of the weight matrix; nil for a layer that was not decomposed.
    public var maximumRank: Int?
    /// Weights and bias before and after (equal when the layer was left as is).
    public var parametersBefore: Int
    /// Weights and bias after.
    public var parametersAfter: Int
    /// Forward FLOPs on the model's input shape, before and after.
    public var flopsBefore: Int
    /// Forward FLOPs after.
    public var flopsAfter: Int
    /// Σ_{i≤k} σᵢ² / Σ σᵢ² at `rank`.
    public var retainedEnergy: Double?
    /// ‖W − Wₖ‖_F / ‖W‖_F at `rank`, measured.
    public var relativeError: Double?
    /// Why the layer was left as is; nil when it was factorized.
    public var skipReason: String?

    /// Whether the layer was replaced by a `LowRankLayer`.
    public var isFactorized: Bool { skipReason == nil }
    /// parametersBefore / parametersAfter.
    public var compressionRatio: Double { Double(parametersBefore) / Double(parametersAfter) }
}
