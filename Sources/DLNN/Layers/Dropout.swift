/// Inverted dropout (Srivastava et al., 2014): in training, zeroes each element with probability
/// p and scales the survivors by 1/(1 − p), so the expected output equals the input and
/// evaluation needs no rescaling.
///
///     training:    y = x ⊙ m / (1 − p),  mᵢ ~ Bernoulli(1 − p)    ∂L/∂x = g ⊙ m / (1 − p)
///     evaluation:  y = x                                        ∂L/∂x = g
///
/// The mask is drawn from the layer's own `SeededGenerator`, one uniform draw u per element
/// (kept when u ≥ p), so two layers created with the same seed produce the same masks, call
/// after call. Any input shape; 1 FLOP per element in training, none in evaluation.
public final class Dropout: Layer {
    /// The probability p of zeroing an element, in [0, 1).
    public let probability: Float
    /// The source of the masks; save and restore it to resume a run exactly.
    public var generator: SeededGenerator
    public var isTraining = true
    /// m / (1 − p) of the last training forward pass: 0 or 1/(1 − p) per element.
    private var scaledMask = Tensor.zeros([0])
    private var output = Tensor.zeros([0])
    private var inputGradient = Tensor.zeros([0])
    /// Whether the last forward pass applied a mask (training with p > 0).
    private var maskIsActive = false

    /// Creates a dropout layer that zeroes elements with `probability` (PyTorch's default 0.5),
    /// drawing its masks from a generator seeded with `seed`.
    public init(probability: Float = 0.5, seed: UInt64) {
        require(probability >= 0 && probability < 1, "Dropout: probability must be in [0, 1), got \(probability)")
        self.probability = probability
        generator = SeededGenerator(seed: seed)
    }

    /// Training: y = x ⊙ m / (1 − p) with a fresh mask; evaluation (or p = 0): y = x. Any shape.
    public func forward(_ input: Tensor) -> Tensor {
        maskIsActive = isTraining && probability > 0
        guard maskIsActive else { return input }
        let p = probability, scale = 1 / (1 - probability)
        var generator = generator
        scaledMask.resize(to: input.shape)
        output.resize(to: input.shape)
        scaledMask.withUnsafeMutableBufferPointer { m in
            for i in m.indices { m[i] = generator.nextUnitFloat() >= p ? scale : 0 }
        }
        self.generator = generator
        input.withUnsafeBufferPointer { x in
            scaledMask.withUnsafeBufferPointer { m in
                output.withUnsafeMutableBufferPointer { y in
                    for i in x.indices { y[i] = x[i] * m[i] }
                }
            }
        }
        return output
    }

    /// dx = g ⊙ m / (1 − p) with the mask of the last forward pass, or dx = g when it applied none.
    public func backward(_ outputGradient: Tensor) -> Tensor {
        guard maskIsActive else { return outputGradient }
        require(
            outputGradient.shape == scaledMask.shape,
            "\(summaryName): " +
            "output gradient \(describe(outputGradient.shape)) does not match the last output \(describe(scaledMask.shape))"
        )
        inputGradient.resize(to: outputGradient.shape)
        outputGradient.withUnsafeBufferPointer { g in
            scaledMask.withUnsafeBufferPointer { m in
                inputGradient.withUnsafeMutableBufferPointer { dx in
                    for i in g.indices { dx[i] = g[i] * m[i] }
                }
            }
        }
        return inputGradient
    }

    public func outputShape(for inputShape: TensorShape) throws(ShapeError) -> TensorShape { inputShape }

    public func forwardFLOPs(for inputShape: TensorShape) -> Int {
        isTraining && probability > 0 ? Tensor.elementCount(of: inputShape) : 0
    }

    public var summaryName: String { "Dropout(\(probability))" }
}
