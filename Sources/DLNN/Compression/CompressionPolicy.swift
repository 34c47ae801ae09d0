/// Which layers `compress(_:inputShape:policy:)` factorizes, and at which rank.
public struct CompressionPolicy: Sendable {
    /// The layers a policy considers.
    public enum Selection: Sendable, Equatable {
        /// Every `Dense` and ungrouped `Conv2D`.
        case all
        /// Every `Dense`.
        case dense
        /// Every `Conv2D`.
        case convolutions
        /// The layers at these paths (`classifier.1`, `features.3`), which must be `Dense` or `Conv2D`.
        case paths([String])
    }

    /// The layers to factorize.
    public var layers: Selection
    /// The rank of each.
    public var rank: RankSelection
    /// How convolutions are factorized.
    public var convolutionScheme: ConvolutionFactorization

    /// Factorizes `layers` at `rank`, convolutions with `convolutionScheme`.
    public init(layers: Selection = .all, rank: RankSelection, convolutionScheme: ConvolutionFactorization = .channels) {
        rank.validate()
        self.layers = layers
        self.rank = rank
        self.convolutionScheme = convolutionScheme
    }

    /// Whether the layer at `path` is selected.
    func selects(_ layer: any Layer, at path: String) -> Bool {
        switch layers {
        case .all: layer is Dense || layer is Conv2D
        case .dense: layer is Dense
        case .convolutions: layer is Conv2D
        case .paths(let paths): paths.contains(path)
        }
    }
}
