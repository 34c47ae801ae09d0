/// How a layer fills a parameter tensor when it is created.
///
/// The fans are computed as PyTorch's `_calculate_fan_in_and_fan_out` does, from the weight's
/// shape alone: for a `Dense` weight [out, in], fan_in = in and fan_out = out; for a `Conv2D`
/// weight [Cout, Cin/groups, kh, kw], fan_in = Cin/groups·kh·kw and fan_out = Cout·kh·kw
/// (so groups shrink fan_in but not fan_out, as in PyTorch). Initializers that use the fans need
/// a tensor of rank 2 or more.
///
/// `Dense` and `Conv2D` default to `.heNormal` for weights (they are usually followed by ReLU)
/// and always start their biases at zero.
public enum Initializer: Sendable, Equatable {
    /// Every element 0.
    case zeros
    /// Every element `value`.
    case constant(Float)
    /// Glorot & Bengio (2010): U(−a, a) with a = gain·√(6 / (fan_in + fan_out)).
    /// PyTorch's `xavier_uniform_`; keeps activation and gradient variance for tanh/linear layers.
    case xavierUniform(gain: Float = 1)
    /// Glorot & Bengio (2010): N(0, σ²) with σ = gain·√(2 / (fan_in + fan_out)). PyTorch's `xavier_normal_`.
    case xavierNormal(gain: Float = 1)
    /// He et al. (2015), "MSRA": U(−a, a) with a = √2·√(3 / fan_in) = √(6 / fan_in), the ReLU gain √2.
    /// PyTorch's `kaiming_uniform_(nonlinearity: "relu")`.
    case heUniform
    /// He et al. (2015), "MSRA": N(0, σ²) with σ = √2 / √fan_in, the ReLU gain √2.
    /// PyTorch's `kaiming_normal_(nonlinearity: "relu")`.
    case heNormal
    /// LeCun et al. (1998): N(0, σ²) with σ = 1 / √fan_in; for SELU and tanh-like activations.
    case lecunNormal
    /// N(0, σ²) with a fixed σ whatever the fans: PyTorch's `normal_(0, std)`. The "small random"
    /// (σ = 0.01) and "large random" (σ = 1) initializations of the course, which make a deep
    /// network's activations vanish or explode because σ ignores the layer's fan-in.
    case normal(standardDeviation: Float)

    /// The fan-in and fan-out of a weight of `shape` [out, in, k…]: fan_in = in·∏k, fan_out = out·∏k.
    public static func fans(of shape: TensorShape) -> (fanIn: Int, fanOut: Int) {
        require(shape.count >= 2, "Initializer: fan-in and fan-out need a shape [out, in, …], got \(describe(shape))")
        let receptiveField = shape.dropFirst(2).reduce(1, *)
        return (shape[1] * receptiveField, shape[0] * receptiveField)
    }

    /// A new tensor of `shape` drawn from this initializer with `generator`.
    /// `.zeros` and `.constant` draw nothing, so they leave the generator where it was.
    public func makeTensor(_ shape: TensorShape, using generator: inout SeededGenerator) -> Tensor {
        switch self {
        case .zeros:
            return Tensor.zeros(shape)
        case .constant(let value):
            return Tensor(repeating: value, shape: shape)
        case .xavierUniform(let gain):
            let (fanIn, fanOut) = Self.fans(of: shape)
            return uniform(shape, bound: gain * (6 / Float(fanIn + fanOut)).squareRoot(), using: &generator)
        case .xavierNormal(let gain):
            let (fanIn, fanOut) = Self.fans(of: shape)
            return normal(shape, standardDeviation: gain * (2 / Float(fanIn + fanOut)).squareRoot(), using: &generator)
        case .heUniform:
            return uniform(shape, bound: (6 / Float(Self.fans(of: shape).fanIn)).squareRoot(), using: &generator)
        case .heNormal:
            return normal(shape, standardDeviation: (2 / Float(Self.fans(of: shape).fanIn)).squareRoot(), using: &generator)
        case .lecunNormal:
            return normal(shape, standardDeviation: 1 / Float(Self.fans(of: shape).fanIn).squareRoot(), using: &generator)
        case .normal(let standardDeviation):
            return normal(shape, standardDeviation: standardDeviation, using: &generator)
        }
    }

    private func uniform(_ shape: TensorShape, bound: Float, using generator: inout SeededGenerator) -> Tensor {
        Tensor.randomUniform(shape, in: -bound..<bound, using: &generator)
    }

    private func normal(_ shape: TensorShape, standardDeviation: Float, using generator: inout SeededGenerator) -> Tensor {
        Tensor.randomNormal(shape, standardDeviation: standardDeviation, using: &generator)
    }
}
