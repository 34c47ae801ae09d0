/// Group normalization (Wu & He, 2018): the channels of each sample split into G groups of C/G
/// consecutive channels, each group standardized over its channels and spatial axes, then scaled
/// and shifted per channel.
///
/// Input [N, C], [N, C, L] or [N, C, H, W]; output the same shape. For sample n and group g, over
/// the m = (C/G)·H·W values of channels g·C/G ..< (g + 1)·C/G:
///
///     μ_ng = mean(x),  σ²_ng = mean((x − μ_ng)²)         (biased)
///     y = γ_c·(x − μ_ng)/√(σ²_ng + ε) + β_c
///
/// Identical in training and evaluation; no running statistics. G = 1 is a `LayerNorm` over
/// (C, H, W) except that γ and β are per channel rather than per element; G = C is an
/// `InstanceNorm` with `affine: true`.
///
/// Parameters (PyTorch names): `weight` γ [C] = 1, `bias` β [C] = 0 (none when `affine` is false).
/// The backward pass is the full gradient through μ and σ² (see `NormalizationKernel`).
public final class GroupNorm: Layer {
    /// G, the number of groups per sample.
    public let groups: Int
    /// C, the number of channels; a multiple of `groups`.
    public let channels: Int
    /// Has no effect: group normalization is the same in training and evaluation.
    public var isTraining = true
    private let kernel: NormalizationKernel

    /// A group normalization of `channels` channels in `groups` groups; `groups` must divide `channels`.
    ///
    /// - Parameters:
    ///   - groups: Groups G of channels that share statistics; 1 is layer normalization over (C, H, W).
    ///   - channels: Channels C of the input.
    ///   - epsilon: ε added to the variance, 1e-5 as in PyTorch.
    ///   - affine: Whether to learn γ and β.
    public init(groups: Int, channels: Int, epsilon: Float = 1e-5, affine: Bool = true) {
        require(
            groups > 0 && channels > 0 && channels % groups == 0,
            "GroupNorm(groups: \(groups), channels: \(channels)): channels must be a positive multiple of groups"
        )
        require(epsilon >= 0, "GroupNorm(groups: \(groups), channels: \(channels)): epsilon \(epsilon) is negative")
        self.groups = groups
        self.channels = channels
        kernel = NormalizationKernel(epsilon: epsilon, affineShape: affine ? [channels] : nil, running: nil)
    }

    /// ε, added to the variance.
    public var epsilon: Float { kernel.epsilon }
    /// γ, `weight` [C]; nil without the affine step.
    public var weight: Parameter? { kernel.weight }
    /// β, `bias` [C]; nil without the affine step.
    public var bias: Parameter? { kernel.bias }

    public var parameters: [Parameter] { kernel.parameters }

    public func forward(_ input: Tensor) -> Tensor {
        kernel.forward(
            input, layout: requireValidShape { () throws(ShapeError) in try layout(for: input.shape) }, isTraining: isTraining)
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        kernel.backward(outputGradient, layerName: summaryName)
    }

    public func outputShape(for inputShape: TensorShape) throws(ShapeError) -> TensorShape {
        _ = try layout(for: inputShape)
        return inputShape
    }

    /// 7 per element: statistics and normalization.
    public func forwardFLOPs(for inputShape: TensorShape) -> Int {
        NormalizationKernel.forwardFLOPs(elements: Tensor.elementCount(of: requireOutputShape(for: inputShape)), batchStatistics: true)
    }

    public var summaryName: String { "GroupNorm(groups: \(groups), channels: \(channels))" }

    private func layout(for shape: TensorShape) throws(ShapeError) -> NormalizationLayout {
        let layout = NormalizationLayout(inputShape: shape, channels: channels, ranks: 2...4, grouping: .perSample(groups: groups))
        guard let layout else {
            throw ShapeError(layer: summaryName, problem: "input \(describe(shape)): expected [N, \(channels)], [N, \(channels), L] or [N, \(channels), H, W]")
        }
        return layout
    }
}
