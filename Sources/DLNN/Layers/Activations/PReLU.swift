/// The parametric ReLU (He et al., 2015): a leaky ReLU whose negative slope is learned.
///
///     y = x if x > 0 else a_c·x
///     ∂y/∂x = 1 if x > 0 else a_c        ∂y/∂a_c = 0 if x > 0 else x
///
/// As in PyTorch's `nn.PReLU`, the slopes are the parameter `weight`: one per channel (axis 1 of
/// an [N, C, …] input, so [N, C] and [N, C, H, W] both work) when created with `channels`, or a
/// single slope shared by every element (shape [1]) otherwise. The slope gradient sums x·g over
/// the non-positive inputs of each channel. Any input shape (rank ≥ 2 for per-channel slopes);
/// 2 FLOPs per element.
public final class PReLU: Layer {
    /// The slopes a, of shape [channels], or [1] when shared.
    public let weight: Parameter
    /// The number of per-channel slopes, or `nil` for one shared slope.
    public let channels: Int?
    public var isTraining = true
    private var workspace = ActivationWorkspace(saving: .input)
    /// The input seen as [outer, slopes, inner]: [N, C, H·W] per channel, [1, 1, count] shared.
    private var layout = (outer: 0, slopes: 0, inner: 0)

    /// Creates a PReLU with one slope per channel on axis 1, or one shared slope when `channels`
    /// is `nil`; every slope starts at `initialSlope` (PyTorch's default 0.25).
    public init(channels: Int? = nil, initialSlope: Float = 0.25) {
        require(channels.map { $0 > 0 } ?? true, "PReLU: channels must be positive, got \(channels ?? 0)")
        self.channels = channels
        weight = Parameter(name: "weight", value: Tensor(repeating: initialSlope, shape: [channels ?? 1]))
    }

    public var parameters: [Parameter] { [weight] }

    /// y = x for x > 0, a_c·x otherwise; input [N, C, …] with per-channel slopes, any shape when shared.
    public func forward(_ input: Tensor) -> Tensor {
        _ = requireOutputShape(for: input.shape)
        layout = self.layout(of: input.shape)
        let (outer, slopes, inner) = layout
        return weight.value.withUnsafeBufferPointer { a in
            workspace.forward(input) { x, y in
                for o in 0..<outer {
                    for c in 0..<slopes {
                        let slope = a[c], start = (o * slopes + c) * inner
                        for i in start..<(start + inner) { y[i] = x[i] > 0 ? x[i] : slope * x[i] }
                    }
                }
            }
        }
    }

    /// dx = g for x > 0, a_c·g otherwise; adds Σ x·g over the non-positive x of channel c to ∂a_c.
    public func backward(_ outputGradient: Tensor) -> Tensor {
        let (outer, slopes, inner) = layout
        return weight.value.withUnsafeBufferPointer { a in
            weight.withUnsafeMutableGradient { da in
                workspace.backward(outputGradient, layer: summaryName) { x, g, dx in
                    for o in 0..<outer {
                        for c in 0..<slopes {
                            let slope = a[c], start = (o * slopes + c) * inner
                            var slopeGradient: Float = 0
                            for i in start..<(start + inner) {
                                dx[i] = x[i] > 0 ? g[i] : slope * g[i]
                                slopeGradient += min(x[i], 0) * g[i]  // branch-free: random signs mispredict
                            }
                            da[c] += slopeGradient
                        }
                    }
                }
            }
        }
    }

    public func outputShape(for inputShape: TensorShape) throws(ShapeError) -> TensorShape {
        if let channels {
            try checkInput(
                inputShape.count >= 2 && inputShape[1] == channels,
                "input \(describe(inputShape)): expected [N, \(channels), …] (one slope per channel on axis 1)"
            )
        }
        return inputShape
    }

    public func forwardFLOPs(for inputShape: TensorShape) -> Int { 2 * Tensor.elementCount(of: inputShape) }

    public var summaryName: String { channels.map { "PReLU(\($0))" } ?? "PReLU" }

    private func layout(of shape: TensorShape) -> (outer: Int, slopes: Int, inner: Int) {
        guard let channels else { return (1, 1, Tensor.elementCount(of: shape)) }
        return (shape[0], channels, shape.dropFirst(2).reduce(1, *))
    }
}
