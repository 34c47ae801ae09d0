/// Batch normalization (Ioffe & Szegedy, 2015): each channel standardized over the batch and the
/// spatial axes, then scaled and shifted.
///
/// Input [N, C] (after `Dense`), [N, C, L] or [N, C, H, W] (after `Conv2D`); output the same shape.
/// For channel c, over the m = N·H·W values of that channel:
///
///     training:    μ_c = mean(x),  σ²_c = mean((x − μ_c)²)         (biased)
///     evaluation:  μ_c = running_mean_c,  σ²_c = running_var_c
///     y = γ_c·(x − μ_c)/√(σ²_c + ε) + β_c
///
/// In evaluation mode every sample is normalized with the same constants, so its output does not
/// depend on the other samples in its batch. Each training step updates the running statistics:
///
///     running_mean ← momentum·running_mean + (1 − momentum)·μ_c
///     running_var  ← momentum·running_var  + (1 − momentum)·σ²_c·m/(m − 1)   (unbiased)
///
/// **`momentum` is the weight of the old estimate** (default 0.9), the convention of Keras and of
/// exponential moving averages generally; PyTorch's `momentum` is the weight of the new batch, so
/// PyTorch's default `momentum=0.1` is `momentum: 0.9` here (ours = 1 − PyTorch's).
///
/// Without running statistics (`trackRunningStatistics: false`) the batch statistics are used in
/// evaluation too. **Frozen** (γ and β both `isTrainable == false`, as `Layer.freeze(_:)` leaves
/// them), the layer behaves as in evaluation mode even in training: it normalizes with the running
/// statistics and does not update them, the usual practice when fine-tuning (PyTorch's `bn.eval()`);
/// without the affine step there is nothing to freeze, so set `isTraining` instead. Training needs more than one value per channel (PyTorch refuses it as well):
/// with one value the variance is undefined.
///
/// Parameters (PyTorch names): `weight` γ [C] = 1, `bias` β [C] = 0 (none when `affine` is false).
/// Buffers: `running_mean` [C] = 0, `running_var` [C] = 1 (PyTorch's `num_batches_tracked` is not kept).
/// The backward pass is the full gradient through μ and σ² (see `NormalizationKernel`).
public final class BatchNorm: Layer {
    /// C, the number of channels (features for [N, C] input).
    public let features: Int
    /// The weight of the old running estimate in each update (ours = 1 − PyTorch's `momentum`).
    public let momentum: Float
    /// Training (batch statistics, running statistics updated) or evaluation (running statistics);
    /// a frozen layer normalizes as in evaluation in both.
    public var isTraining = true
    private let kernel: NormalizationKernel

    /// A batch normalization of `features` channels.
    ///
    /// - Parameters:
    ///   - features: Channels C of the [N, C], [N, C, L] or [N, C, H, W] input.
    ///   - momentum: Weight of the old running estimate, in [0, 1]; 0.9 is PyTorch's `momentum=0.1`.
    ///   - epsilon: ε added to the variance, 1e-5 as in PyTorch.
    ///   - affine: Whether to learn γ and β.
    ///   - trackRunningStatistics: Whether to keep running statistics for evaluation mode.
    public init(
        features: Int, momentum: Float = 0.9, epsilon: Float = 1e-5,
        affine: Bool = true, trackRunningStatistics: Bool = true
    ) {
        require(features > 0, "BatchNorm: features must be positive, got \(features)")
        require((0...1).contains(momentum), "BatchNorm(\(features)): momentum \(momentum) is not in [0, 1]")
        require(epsilon >= 0, "BatchNorm(\(features)): epsilon \(epsilon) is negative")
        self.features = features
        self.momentum = momentum
        kernel = NormalizationKernel(
            epsilon: epsilon,
            affineShape: affine ? [features] : nil,
            running: trackRunningStatistics ? RunningStatistics(channels: features, momentum: momentum) : nil
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

    /// Synchronized batch normalization (PyTorch's `SyncBatchNorm`) when set: in training, the
    /// mean and variance are those of the global batch of all replicas, and backward sums the
    /// terms through μ and σ² across them too. nil (the default) keeps per-replica statistics.
    /// Every replica must then run each training forward and backward pass in step.
    public var statisticsReduction: (any ReplicaReduction)? {
        get { kernel.statisticsReduction }
        set { kernel.statisticsReduction = newValue }
    }

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

    /// 7 per element in training (statistics and normalization), 3 in evaluation with running statistics.
    public func forwardFLOPs(for inputShape: TensorShape) -> Int {
        NormalizationKernel.forwardFLOPs(
            elements: Tensor.elementCount(of: requireOutputShape(for: inputShape)),
            batchStatistics: kernel.usesBatchStatistics(isTraining: isTraining)
        )
    }

    public var summaryName: String { "BatchNorm(\(features))" }

    /// The layout of `shape`; in training, batch statistics need more than one value per channel.
    private func layout(for shape: TensorShape) throws(ShapeError) -> NormalizationLayout {
        let layout = NormalizationLayout(inputShape: shape, channels: features, ranks: 2...4, grouping: .acrossBatch)
        guard let layout else {
            throw ShapeError(layer: summaryName, problem: "input \(describe(shape)): expected [N, \(features)], [N, \(features), L] or [N, \(features), H, W]")
        }
        try checkInput(
            !kernel.learnsStatistics(isTraining: isTraining) || layout.elementsPerGroup > 1,
            "input \(describe(shape)): training needs more than one value per channel, got \(layout.elementsPerGroup)")
        return layout
    }
}
