import Foundation

/// Adds the sinusoidal position code of Vaswani et al. (2017) to a time-major sequence, so that
/// attention, which is blind to order, can tell the steps apart:
///
///     y[t, n, 2i]     = x[t, n, 2i]     + sin(t / 10000^(2i/E))
///     y[t, n, 2i + 1] = x[t, n, 2i + 1] + cos(t / 10000^(2i/E))        ∂L/∂x = ∂L/∂y
///
/// for x [T, N, E]. No parameters; the code for the longest sequence seen so far is kept.
public final class SinusoidalPositionalEncoding: Layer {
    /// E, the features per time step.
    public let embeddingSize: Int
    public var isTraining = true
    /// The code [T, E] for the longest T seen.
    private var code = Tensor.zeros([0, 0])
    private var output = Tensor.zeros([0])

    /// Creates the encoding for `embeddingSize` features per step.
    public init(embeddingSize: Int) {
        require(embeddingSize > 0, "SinusoidalPositionalEncoding: embedding size \(embeddingSize) must be positive")
        self.embeddingSize = embeddingSize
    }

    public var summaryName: String { "SinusoidalPositionalEncoding(\(embeddingSize))" }

    public func outputShape(for inputShape: TensorShape) throws(ShapeError) -> TensorShape {
        try checkInput(
            inputShape.count == 3 && inputShape[2] == embeddingSize,
            "input \(describe(inputShape)): expected [T, N, \(embeddingSize)] (time-major)")
        return inputShape
    }

    /// y = x + PE[t] for every step t and sample.
    public func forward(_ input: Tensor) -> Tensor {
        let shape = requireOutputShape(for: input.shape)
        let (length, rows) = (shape[0], shape[1])
        if code.shape[0] < length { code = Self.code(length: length, embeddingSize: embeddingSize) }
        output.resize(to: shape)
        input.withUnsafeBufferPointer { x in
            code.withUnsafeBufferPointer { pe in
                output.withUnsafeMutableBufferPointer { y in
                    for t in 0..<length {
                        for n in 0..<rows {
                            let row = (t * rows + n) * embeddingSize
                            for j in 0..<embeddingSize { y[row + j] = x[row + j] + pe[t * embeddingSize + j] }
                        }
                    }
                }
            }
        }
        return output
    }

    /// ∂L/∂x = ∂L/∂y: the code is a constant.
    public func backward(_ outputGradient: Tensor) -> Tensor { outputGradient }

    /// PE [T, E]: sin at even features, cos at odd ones, of t / 10000^(2i/E).
    static func code(length: Int, embeddingSize: Int) -> Tensor {
        Tensor(shape: [length, embeddingSize]) { pe in
            for t in 0..<length {
                for j in 0..<embeddingSize {
                    let angle = Double(t) / pow(10000, Double(j - j % 2) / Double(embeddingSize))
                    pe[t * embeddingSize + j] = Float(j % 2 == 0 ? sin(angle) : cos(angle))
                }
            }
        }
    }
}
