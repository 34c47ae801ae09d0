/// Instance normalization (Ulyanov et al., 2016): each channel of each sample standardized over
/// its spatial axes, then optionally scaled and shifted.
///
/// Input [N, C, L] or [N, C, H, W]; output the same shape. For sample n and channel c, over the
/// m = H·W values of that plane:
///
///     μ_nc = mean(x),  σ²_nc = mean((x − μ_nc)²)         (biased)
///     y = γ_c·(x − μ_nc)/√(σ²_nc + ε) + β_c
///
/// This is `GroupNorm` with one channel per group. As in PyTorch, the affine step is off by
/// default, and so are running statistics; with `trackRunningStatistics: true` each training step
/// averages the per-sample statistics over the batch into per-channel running estimates,
///
///     running_mean ← momentum·running_mean + (1 − momentum)·mean_n(μ_nc)
///     running_var  ← momentum·running_var  + (1 − momentum)·mean_n(σ²_nc)·m/(m − 1)
///
/// and evaluation mode normalizes with those (as `BatchNorm` does; also in training when γ and β
/// are frozen). `momentum` is the weight of the old estimate: 0.9 is PyTorch's `momentum=0.1`.
/// Per-sample statistics need more than one spatial value (as in PyTorch): with one, x̂ would be
/// 0 whatever the input.
///
/// Parameters: `weight` γ [C] = 1, `bias` β [C] = 0 when `affine`. Buffers: `running_mean` [C] = 0,
/// `running_var` [C] = 1 when tracked. The backward pass is the full gradient through μ and σ².
public final class InstanceNorm: Layer {
    /// C, the number of channels.
    public let channels: Int
    /// The weight of the old running estimate in each update (ours = 1 − PyTorch's `momentum`).
    public let momentum: Float
    /// Training or evaluation mode; they differ only with running statistics.
    public var isTraining = true
    private let kernel: NormalizationKernel

    /// An instance normalization of `channels` channels.
    ///
    /// - Parameters:
    ///   - channels: Channels C of the [N, C, L] or [N, C, H, W] input.
    ///   - epsilon: ε added to the variance, 1e-5 as in PyTorch.
    ///   - affine: Whether to learn γ and β (off by default, as in PyTorch).
    ///   - trackRunningStatistics: Whether to keep running statistics and use them in evaluation mode.
    ///   - momentum: Weight of the old running estimate, in [0, 1]; 0.9 is PyTorch's `momentum=0.1`.
    public init(
        channels: Int, epsilon: Float = 1e-5, affine: Bool = false,
        trackRunningStatistics: Bool = false, momentum: Float = 0.9
    ) {
        require(channels > 0, "InstanceNorm: channels must be positive, got \(channels)")
        require((0...1).contains(momentum), "InstanceNorm(\(channels)): momentum \(momentum) is not in [0, 1]")
        require(epsilon >= 0, "InstanceNorm(\(channels)): epsilon \(epsilon) is negative")
        self.channels = channels
        self.momentum = momentum
        kernel = NormalizationKernel(
            epsilon: epsilon,
            affineShape: affine ? [channels] : nil,
            running: trackRunningStatistics ? RunningStatistics(channels: channels, momentum: momentum) : nil
        )
    }

    /// ε, added to the variance.
    public var epsilon: Float { kernel.epsilon }
    /// γ, `weight` [C]; nil without the affine step.
    public var weight: Parameter? { kernel.weight }
    /// β, `bias` [C]; nil without the affine step.
    public var bias: Parameter? { kernel.bias }
    /// The running mean, `running_mean` [C]; nil when not tracked.
    public var runningMean: Parameter? { kernel.running?.mean }
    /// The running (unbiased) variance, `running_var` [C]; nil when not tracked.
    public var runningVariance: Parameter? { kernel.running?.variance }

    public var parameters: [Parameter] { kernel.parameters }
    public var buffers: [Parameter] { kernel.running?.buffers ?? [] }

    public func forward(_ input: Tensor) -> Tensor {
        let layout = requireValidShape { () throws(ShapeError) in try self.layout(for: input.shape) }
        return kernel.forward(input, layout: layout, isTraining: isTraining)
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        kernel.backward(outputGradient, layerName: summaryName)
    }

    public func outputShape(for inputShape: TensorShape) throws(ShapeError) -> TensorShape {
        _ = try layout(for: inputShape)
        return inputShape
    }

    /// 7 per element with per-sample statistics, 3 in evaluation with running statistics.
    public func forwardFLOPs(for inputShape: TensorShape) -> Int {
        NormalizationKernel.forwardFLOPs(
            elements: Tensor.elementCount(of: requireOutputShape(for: inputShape)),
            batchStatistics: kernel.usesBatchStatistics(isTraining: isTraining)
        )
    }

    public var summaryName: String { "InstanceNorm(\(channels))" }

    /// The layout of `shape`; per-sample statistics need more than one spatial value.
    private func layout(for shape: TensorShape) throws(ShapeError) -> NormalizationLayout {
        let layout = NormalizationLayout(inputShape: shape, channels: channels, ranks: 3...4, grouping: .perSample(groups: channels))
        guard let layout else {
            throw ShapeError(layer: summaryName, problem: "input \(describe(shape)): expected [N, \(channels), L] or [N, \(channels), H, W]")
        }
        try checkInput(
            !kernel.usesBatchStatistics(isTraining: isTraining) || layout.elementsPerGroup > 1,
            "input \(describe(shape)): per-sample statistics need more than one spatial value, got \(layout.elementsPerGroup)")
        return layout
    }
}
