/// One post-norm Transformer encoder layer, PyTorch's `nn.TransformerEncoderLayer(E, heads, F,
/// dropout=0)` with its defaults (ReLU, `norm_first=False`, `batch_first=False`):
///
///     h = LayerNorm₁(x + SelfAttention(x))          x, h, y [T, N, E]
///     y = LayerNorm₂(h + W₂·ReLU(W₁·h + b₁) + b₂)    W₁ [F, E], W₂ [E, F]
///
/// built from the library's `MultiHeadAttention`, `Dense`, `ReLU` and `LayerNorm` as the children
/// `self_attn`, `linear1`, `activation`, `linear2`, `norm1`, `norm2` — PyTorch's names, so a
/// `state_dict` loads. Backward runs the chain back, adding the residual paths:
/// ∂L/∂h = ∂L/∂s₂ + ∂L/∂s₂ through the feed-forward, ∂L/∂x = ∂L/∂s₁ + ∂L/∂s₁ through attention.
/// No dropout. The dense weights start Xavier-uniform, biases 0.
public final class TransformerEncoderLayer: Layer {
    public let selfAttention: MultiHeadAttention
    public let linear1: Dense
    public let activation = ReLU()
    public let linear2: Dense
    public let norm1: LayerNorm
    public let norm2: LayerNorm
    public var isTraining = true {
        didSet { for child in children { child.layer.isTraining = isTraining } }
    }

    private var firstSum = Tensor.zeros([0])
    private var secondSum = Tensor.zeros([0])
    private var hiddenGradient = Tensor.zeros([0])
    private var inputGradient = Tensor.zeros([0])

    /// Creates a layer over `embeddingSize` features with `heads` attention heads and a
    /// feed-forward block of `feedForwardSize` units (PyTorch's `dim_feedforward`, default 2048).
    public init(embeddingSize: Int, heads: Int, feedForwardSize: Int = 2048, causal: Bool = false, generator: inout SeededGenerator) {
        selfAttention = MultiHeadAttention(embeddingSize: embeddingSize, heads: heads, causal: causal, generator: &generator)
        linear1 = Dense(inputSize: embeddingSize, outputSize: feedForwardSize, weightInitializer: .xavierUniform(), generator: &generator)
        linear2 = Dense(inputSize: feedForwardSize, outputSize: embeddingSize, weightInitializer: .xavierUniform(), generator: &generator)
        norm1 = LayerNorm(normalizedShape: [embeddingSize])
        norm2 = LayerNorm(normalizedShape: [embeddingSize])
    }

    public var children: [(name: String, layer: any Layer)] {
        [("self_attn", selfAttention), ("linear1", linear1), ("activation", activation), ("linear2", linear2),
         ("norm1", norm1), ("norm2", norm2)]
    }

    public var summaryName: String {
        "TransformerEncoderLayer(\(selfAttention.embeddingSize), \(selfAttention.heads) heads, feed-forward \(linear1.outputSize))"
    }

    public func outputShape(for inputShape: TensorShape) throws(ShapeError) -> TensorShape {
        try outputShape(ofChild: selfAttention, named: "self_attn", for: inputShape)
    }

    /// y [T, N, E] for x [T, N, E].
    public func forward(_ input: Tensor) -> Tensor {
        let shape = requireOutputShape(for: input.shape)
        let rows = shape[0] * shape[1]
        firstSum.resize(to: shape)
        firstSum.assign(input)
        firstSum.addScaled(selfAttention.forward(input), by: 1)
        let hidden = norm1.forward(firstSum)
        let feedForward = linear2.forward(activation.forward(linear1.forward(hidden.reshaped([rows, shape[2]]))))
        secondSum.resize(to: shape)
        secondSum.assign(hidden)
        secondSum.addScaled(feedForward, by: 1)
        return norm2.forward(secondSum)
    }

    /// ∂L/∂x for ∂L/∂y, adding every child's parameter gradients.
    public func backward(_ outputGradient: Tensor) -> Tensor {
        let shape = outputGradient.shape
        let secondSumGradient = norm2.backward(outputGradient)
        let throughFeedForward = linear1.backward(activation.backward(linear2.backward(secondSumGradient.reshaped([shape[0] * shape[1], shape[2]]))))
        hiddenGradient.resize(to: shape)
        hiddenGradient.assign(secondSumGradient)
        hiddenGradient.addScaled(throughFeedForward, by: 1)
        let firstSumGradient = norm1.backward(hiddenGradient)
        inputGradient.resize(to: shape)
        inputGradient.assign(firstSumGradient)
        inputGradient.addScaled(selfAttention.backward(firstSumGradient), by: 1)
        return inputGradient
    }
}
