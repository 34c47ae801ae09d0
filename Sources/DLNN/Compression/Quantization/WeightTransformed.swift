/// What `WeightTransformed` does to a layer's weight in the forward pass.
public enum WeightTransform: String, Equatable, Sendable {
    /// Per-output-channel int8 fake quantization, Ŵ_c = s_c · round(W_c / s_c), s_c = max|W_c| / 127
    /// (quantization-aware training). No weight lies outside its channel's range, so the
    /// straight-through estimator passes ∂L/∂Ŵ unchanged: ∂L/∂W = ∂L/∂Ŵ.
    case fakeQuantized = "fake-quantized int8"
    /// Scaled binary weights (BinaryConnect, Courbariaux et al. 2015, with XNOR-Net's per-filter
    /// scale, Rastegari et al. 2016): Ŵ_c = α_c · sign(W_c), α_c = mean|W_c|, sign(0) = +1. The
    /// straight-through estimator treats α_c as a constant and sign as the identity on [−1, 1]
    /// (the derivative of hard tanh): ∂L/∂W_ci = α_c · ∂L/∂Ŵ_ci · 1[|W_ci| ≤ 1]. Keep the shadow
    /// weights in [−1, 1] with `BinaryWeightClipping` (BinaryConnect's clip).
    case binary
}

/// A `Dense` or `Conv2D` whose forward pass uses a transformed weight Ŵ = f(W) — fake-quantized
/// or binary — while the real-valued W ("shadow weights") is what the optimizer updates, through
/// the straight-through estimator of `transform`. Optionally the input is fake-quantized too
/// (`FakeQuantize`), for quantization-aware training of the whole int8 layer.
///
/// The wrapper lists the inner layer's parameters as its own (`weight`, `bias`) and no children,
/// so parameter paths, checkpoints and optimizers see the float model's names. Forward and
/// backward write Ŵ into the weight, run the inner layer, and write W back; the inner layer's
/// weight gradient (∂L/∂Ŵ, added to what was accumulated before) is then mapped by the estimator.
public final class WeightTransformed: Layer {
    /// The wrapped `Dense` or `Conv2D`.
    public let layer: any Layer
    public let transform: WeightTransform
    /// The fake quantizer of the input, if any.
    public let inputQuantizer: FakeQuantize?
    private let weight: Parameter
    private let channels: Int
    private var shadow: [Float]
    private var transformed: [Float]
    private var accumulated: [Float]

    /// Wraps `layer` (a `Dense` or a `Conv2D`); throws `QuantizationError.unsupported` for any other layer.
    public init(_ layer: any Layer, transform: WeightTransform, quantizesInput: Bool = false) throws(QuantizationError) {
        guard let weight = (layer as? Dense)?.weight ?? (layer as? Conv2D)?.weight else {
            throw .unsupported("\(layer.summaryName): only Dense and Conv2D weights can be \(transform.rawValue)")
        }
        self.layer = layer
        self.transform = transform
        self.weight = weight
        channels = weight.shape[0]
        inputQuantizer = quantizesInput ? FakeQuantize() : nil
        shadow = [Float](repeating: 0, count: weight.count)
        transformed = shadow
        accumulated = shadow
    }

    public var parameters: [Parameter] { layer.parameters }

    public var isTraining: Bool {
        get { layer.isTraining }
        set {
            layer.isTraining = newValue
            inputQuantizer?.isTraining = newValue
        }
    }

    public var summaryName: String { "\(layer.summaryName) [\(transform.rawValue)\(inputQuantizer == nil ? "" : ", int8 input")]" }

    public func outputShape(for inputShape: TensorShape) throws(ShapeError) -> TensorShape { try layer.outputShape(for: inputShape) }

    public func forwardFLOPs(for inputShape: TensorShape) -> Int { layer.forwardFLOPs(for: inputShape) }

    /// The transformed weight Ŵ = f(W) of the current shadow weights, shape of W.
    public var transformedWeight: Tensor {
        computeTransformed()
        return Tensor(shape: weight.shape, scalars: transformed)
    }

    public func forward(_ input: Tensor) -> Tensor {
        let x = inputQuantizer?.forward(input) ?? input
        computeTransformed()
        return withTransformedWeight { layer.forward(x) }
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        weight.withUnsafeMutableGradient { g in
            _ = accumulated.withUnsafeMutableBufferPointer { $0.update(fromContentsOf: g) }
            g.update(repeating: 0)
        }
        let inputGradient = withTransformedWeight { layer.backward(outputGradient) }
        weight.withUnsafeMutableGradient { g in
            if transform == .binary {
                let size = g.count / channels
                for c in 0..<channels {
                    let alpha = scale(ofChannel: c, size: size)
                    for i in c * size..<(c + 1) * size { g[i] = abs(shadow[i]) <= 1 ? alpha * g[i] : 0 }
                }
            }
            for i in 0..<g.count { g[i] += accumulated[i] }
        }
        return inputQuantizer?.backward(inputGradient) ?? inputGradient
    }

    /// α_c = mean|Ŵ_c| read back from Ŵ (whose magnitudes are all α_c).
    private func scale(ofChannel c: Int, size: Int) -> Float { abs(transformed[c * size]) }

    /// Ŵ from W into `transformed`, W into `shadow`.
    private func computeTransformed() {
        weight.value.withUnsafeBufferPointer { w in
            _ = shadow.withUnsafeMutableBufferPointer { $0.update(fromContentsOf: w) }
        }
        let size = shadow.count / channels
        for c in 0..<channels {
            let row = c * size..<(c + 1) * size
            switch transform {
            case .fakeQuantized:
                let s = Int8Tensor.scale(forMaximum: shadow[row].reduce(0) { Swift.max($0, abs($1)) })
                for i in row { transformed[i] = s * Float(Int8Tensor.quantize(shadow[i], inverseScale: 1 / s)) }
            case .binary:
                let alpha = shadow[row].reduce(0) { $0 + abs($1) } / Float(size)
                for i in row { transformed[i] = shadow[i] >= 0 ? alpha : -alpha }
            }
        }
    }

    /// Runs `body` with Ŵ in the weight, then puts W back.
    private func withTransformedWeight<R>(_ body: () -> R) -> R {
        weight.withUnsafeMutableValue { _ = $0.update(fromContentsOf: transformed) }
        defer { weight.withUnsafeMutableValue { _ = $0.update(fromContentsOf: shadow) } }
        return body()
    }
}
