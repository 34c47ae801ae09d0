/// A lookup table from integer indices to vectors (PyTorch's `nn.Embedding`): row i of the
/// weight is the vector of index i.
///
///     y[…, :] = W[x[…], :]                 W [V, E] (`weight`), x any shape of indices in 0..<V
///     ∂L/∂W[i, :] += Σ over positions with x = i of ∂L/∂y[…, :]
///
/// The indices come as a `Tensor` of whole numbers (exact up to 2²⁴), so an embedding can open a
/// `Sequential`: [T, N] token indices give [T, N, E], the time-major input of `LSTM` and friends.
/// Indices have no gradient; `backward(_:)` returns zeros of the input's shape. The weight starts
/// from N(0, 1), PyTorch's default.
public final class Embedding: Layer {
    /// V, the number of indices.
    public let vocabularySize: Int
    /// E, the features of each vector.
    public let embeddingSize: Int
    /// W, shape [V, E].
    public let weight: Parameter
    public var isTraining = true

    /// The indices of the last forward pass, until `backward` has used them.
    private var forwardInput = ForwardInput()
    private var output = Tensor.zeros([0])
    private var inputGradient = Tensor.zeros([0])

    /// Creates a table of `vocabularySize` vectors of `embeddingSize` features drawn from N(0, 1) with `generator`.
    public init(vocabularySize: Int, embeddingSize: Int, generator: inout SeededGenerator) {
        require(vocabularySize > 0 && embeddingSize > 0, "Embedding(\(vocabularySize) → \(embeddingSize)): sizes must be positive")
        (self.vocabularySize, self.embeddingSize) = (vocabularySize, embeddingSize)
        weight = Parameter(name: "weight", value: Tensor.randomNormal([vocabularySize, embeddingSize], using: &generator))
    }

    public var parameters: [Parameter] { [weight] }

    public var summaryName: String { "Embedding(\(vocabularySize) → \(embeddingSize))" }

    public func outputShape(for inputShape: TensorShape) throws(ShapeError) -> TensorShape {
        try checkInput(inputShape.count < TensorShape.inlineRank, "input \(describe(inputShape)): at most \(TensorShape.inlineRank - 1) axes of indices")
        return inputShape + [embeddingSize]
    }

    /// y [x.shape…, E]: row x[k] of W for every index x[k]; stops on an index outside 0..<V.
    public func forward(_ input: Tensor) -> Tensor {
        output.resize(to: requireOutputShape(for: input.shape))
        forwardInput.keep(input)
        input.withUnsafeBufferPointer { x in
            weight.value.withUnsafeBufferPointer { w in
                output.withUnsafeMutableBufferPointer { y in
                    for k in x.indices {
                        let index = row(x[k], at: k)
                        (y.baseAddress! + k * embeddingSize).update(from: w.baseAddress! + index * embeddingSize, count: embeddingSize)
                    }
                }
            }
        }
        return output
    }

    /// Adds ∂L/∂y[k, :] into row x[k] of ∂L/∂W for every position k; returns zeros (indices have no gradient).
    public func backward(_ outputGradient: Tensor) -> Tensor {
        let input = forwardInput.take(layer: summaryName)
        accumulate(outputGradient, indices: input)
        inputGradient.resize(to: input.shape)
        inputGradient.fill(with: 0)
        return inputGradient
    }

    /// The gradient of W as in `backward(_:)`, without the zeros.
    public func accumulateParameterGradients(_ outputGradient: Tensor) {
        accumulate(outputGradient, indices: forwardInput.take(layer: summaryName))
    }

    private func accumulate(_ outputGradient: Tensor, indices input: Tensor) {
        require(
            outputGradient.shape == input.shape + [embeddingSize],
            "\(summaryName).backward: output gradient \(describe(outputGradient.shape)): expected \(describe(input.shape + [embeddingSize]))")
        guard weight.isTrainable else { return }
        input.withUnsafeBufferPointer { x in
            outputGradient.withUnsafeBufferPointer { g in
                weight.withUnsafeMutableGradient { dw in
                    for k in x.indices {
                        BLAS.axpy(
                            count: embeddingSize, alpha: 1, x: g.baseAddress! + k * embeddingSize,
                            y: dw.baseAddress! + row(x[k], at: k) * embeddingSize)
                    }
                }
            }
        }
    }

    /// The table row of index `value` at position `k`; stops unless it is a whole number in 0..<V.
    private func row(_ value: Float, at k: Int) -> Int {
        let index = Int(exactly: value)
        require(index.map { (0..<vocabularySize).contains($0) } ?? false,
                "\(summaryName): index \(value) at position \(k) is not a whole number in 0..<\(vocabularySize)")
        return index!
    }
}
