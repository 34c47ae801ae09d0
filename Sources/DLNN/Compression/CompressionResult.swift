/// A compressed model and what happened to each selected layer.
public struct CompressionResult {
    /// The model with the factorized layers (see `compress(_:inputShape:policy:)` for what it shares).
    public var model: any Layer
    /// One entry per selected layer, in model order.
    public var layers: [LayerCompressionReport]
    /// The policy that produced it.
    public var policy: CompressionPolicy

    /// A policy that rebuilds this structure (the same layers at the same ranks, the same
    /// convolution scheme) from a fresh copy of the original model, into which a checkpoint of
    /// the compressed model then loads.
    public var structure: CompressionPolicy {
        let factorized = layers.filter(\.isFactorized)
        return CompressionPolicy(
            layers: .paths(factorized.map(\.path)),
            rank: .ranks(Dictionary(uniqueKeysWithValues: factorized.map { ($0.path, $0.rank!) })),
            convolutionScheme: policy.convolutionScheme)
    }

    /// Parameters of the factorized layers' originals over their parameters now (1 when none was factorized).
    public var compressionRatio: Double {
        let factorized = layers.filter(\.isFactorized)
        let after = factorized.reduce(0) { $0 + $1.parametersAfter }
        return after == 0 ? 1 : Double(factorized.reduce(0) { $0 + $1.parametersBefore }) / Double(after)
    }
}
