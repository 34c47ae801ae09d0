/// Layer normalization (Ba, Kiros & Hinton, 2016): each sample standardized over its trailing
/// axes, then scaled and shifted element by element.
///
/// Input [N, …, D₁, …, D_k] whose trailing axes are `normalizedShape` = [D₁, …, D_k] (e.g. [F] after
/// `Dense`, [C, H, W] after `Conv2D`); output the same shape. Every leading index (the sample, and
/// any further leading axes such as a sequence position) is one group of m = D₁·…·D_k values:
///
///     μ = mean(x),  σ² = mean((x − μ)²)         (biased)
///     y_i = γ_i·(x_i − μ)/√(σ² + ε) + β_i        (i indexes `normalizedShape`)
///
/// Identical in training and evaluation; no running statistics. γ and β have `normalizedShape`,
/// as in PyTorch's `elementwise_affine` (so checkpoints interoperate); `GroupNorm` with one group
/// differs only in having one γ and β per channel.
///
/// Parameters (PyTorch names): `weight` γ = 1, `bias` β = 0, both of `normalizedShape` (none when
/// `affine` is false). The backward pass is the full gradient through μ and σ² (see `NormalizationKernel`).
public final class LayerNorm: Layer {
    /// The trailing axes each group spans, e.g. [C, H, W].
    public let normalizedShape: TensorShape
    /// Has no effect: layer normalization is the same in training and evaluation.
    public var isTraining = true
    private let kernel: NormalizationKernel

    /// A layer normalization over trailing axes `normalizedShape`.
    ///
    /// - Parameters:
    ///   - normalizedShape: The trailing axes normalized together, e.g. [C, H, W].
    ///   - epsilon: ε added to the variance, 1e-5 as in PyTorch.
    ///   - affine: Whether to learn γ and β (PyTorch's `elementwise_affine`).
    public init(normalizedShape: TensorShape, epsilon: Float = 1e-5, affine: Bool = true) {
        require(
            !normalizedShape.isEmpty && normalizedShape.allSatisfy { $0 > 0 },
            "LayerNorm: normalized shape \(describe(normalizedShape)) must have at least one axis, all positive"
        )
        require(epsilon >= 0, "LayerNorm(\(describe(normalizedShape))): epsilon \(epsilon) is negative")
        self.normalizedShape = normalizedShape
        kernel = NormalizationKernel(epsilon: epsilon, affineShape: affine ? normalizedShape : nil, running: nil)
    }

    /// ε, added to the variance.
    public var epsilon: Float { kernel.epsilon }
    /// γ, `weight` of `normalizedShape`; nil without the affine step.
    public var weight: Parameter? { kernel.weight }
    /// β, `bias` of `normalizedShape`; nil without the affine step.
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

    public var summaryName: String { "LayerNorm(\(describe(normalizedShape)))" }

    /// The input as [samples, D₁·…·D_k, 1]: one group per sample, one "channel" per normalized element.
    private func layout(for shape: TensorShape) throws(ShapeError) -> NormalizationLayout {
        try checkInput(
            shape.count > normalizedShape.count && shape.suffix(normalizedShape.count).elementsEqual(normalizedShape),
            "input \(describe(shape)): expected [N, \(normalizedShape.map(String.init).joined(separator: ", "))] (any leading axes, then \(describe(normalizedShape)))"
        )
        return NormalizationLayout(
            batchSize: shape.dropLast(normalizedShape.count).reduce(1, *),
            channels: Tensor.elementCount(of: normalizedShape), spatialSize: 1, grouping: .perSample(groups: 1)
        )
    }
}
