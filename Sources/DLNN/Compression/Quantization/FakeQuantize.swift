/// Fake quantization of activations for quantization-aware training (Jacob et al. 2018, §3;
/// Krishnamoorthi 2018, §3.2): the forward pass rounds to the int8 grid of scale s and returns
/// real numbers again, the backward pass is the straight-through estimator.
///
///     y = s · clamp(round(x / s), −127, 127)
///     ∂L/∂x = ∂L/∂y where |x| ≤ 127·s (inside the clipping range), 0 outside
///
/// The scale is learned from the data in training mode: s = m / 127 with m an exponential moving
/// average of each batch's max |x| (`momentum` the weight of the new batch; the first batch sets
/// m). It stays as it is in evaluation mode, and always when the layer is created with a fixed scale.
public final class FakeQuantize: Layer {
    /// The current scale s.
    public private(set) var scale: Float
    /// Whether the scale is fixed (given at creation) rather than tracked in training mode.
    public let isScaleFixed: Bool
    /// The weight of a new batch's maximum in the moving average.
    public let momentum: Float
    public var isTraining = true

    private var observedBatches = 0
    private var forwardInput = ForwardInput()
    /// The scale the last forward pass used, so backward clips where forward did.
    private var forwardScale: Float = 1
    private var output = Tensor.zeros([0])
    private var inputGradient = Tensor.zeros([0])

    /// A fake quantizer with the fixed scale `scale`, or (nil) one that tracks the activations' range.
    public init(scale: Float? = nil, momentum: Float = 0.1) {
        require(scale.map { $0 > 0 && $0.isFinite } ?? true, "FakeQuantize: scale \(scale ?? 0) must be positive and finite")
        require(momentum > 0 && momentum <= 1, "FakeQuantize: momentum \(momentum) must be in (0, 1]")
        self.scale = scale ?? 1
        isScaleFixed = scale != nil
        self.momentum = momentum
    }

    public var summaryName: String { "FakeQuantize(int8\(isScaleFixed ? ", s = \(scale)" : ""))" }

    public func outputShape(for inputShape: TensorShape) throws(ShapeError) -> TensorShape { inputShape }

    public func forward(_ input: Tensor) -> Tensor {
        if isTraining && !isScaleFixed {
            let batchMaximum = input.withUnsafeBufferPointer { $0.reduce(0) { Swift.max($0, abs($1)) } }
            let maximum = observedBatches == 0 ? batchMaximum : (1 - momentum) * scale * Int8Tensor.levels + momentum * batchMaximum
            scale = Int8Tensor.scale(forMaximum: maximum)
            observedBatches += 1
        }
        forwardScale = scale
        forwardInput.keep(input)
        output.resize(to: input.shape)
        let (s, inverse) = (scale, 1 / scale)
        input.withUnsafeBufferPointer { x in
            output.withUnsafeMutableBufferPointer { y in
                for i in 0..<x.count { y[i] = s * Float(Int8Tensor.quantize(x[i], inverseScale: inverse)) }
            }
        }
        return output
    }

    /// The straight-through estimator: the gradient inside |x| ≤ 127·s, zero outside.
    public func backward(_ outputGradient: Tensor) -> Tensor {
        let input = forwardInput.take(layer: summaryName)
        require(outputGradient.shape == input.shape, "\(summaryName).backward: output gradient \(describe(outputGradient.shape)): expected \(describe(input.shape))")
        let limit = Int8Tensor.levels * forwardScale
        inputGradient.resize(to: input.shape)
        input.withUnsafeBufferPointer { x in
            outputGradient.withUnsafeBufferPointer { g in
                inputGradient.withUnsafeMutableBufferPointer { dx in
                    for i in 0..<x.count { dx[i] = abs(x[i]) <= limit ? g[i] : 0 }
                }
            }
        }
        return inputGradient
    }
}
