import Foundation

/// Multi-head scaled dot-product self-attention (Vaswani et al., 2017) as PyTorch's
/// `nn.MultiheadAttention(E, heads)` computes it with query = key = value = x, in its default
/// time-major layout (`batch_first=False`): x [T, N, E] → y [T, N, E].
///
///     [Q K V] = x·W_inᵀ + b_in                 W_in = `in_proj_weight` [3E, E], b_in = `in_proj_bias` [3E]
///     per sample n and head h (columns h·d..<(h+1)·d of Q, K, V, d = E / heads):
///         S = Q_h·K_hᵀ / √d  [T, T]      A = softmax over each row of S      O_h = A·V_h  [T, d]
///     y = O·W_oᵀ + b_o                         the child `out_proj` (`Dense`, `out_proj.weight` [E, E])
///
/// With `causal`, step i attends to steps j ≤ i only (the rest of row i of A is 0), as PyTorch's
/// `attn_mask = nn.Transformer.generate_square_subsequent_mask(T)`. Backward, per sample and head:
///
///     ∂L/∂V_h = Aᵀ·∂L/∂O_h     ∂L/∂A = ∂L/∂O_h·V_hᵀ     ∂L/∂S = A ⊙ (∂L/∂A − rowsum(∂L/∂A ⊙ A))
///     ∂L/∂Q_h = ∂L/∂S·K_h / √d     ∂L/∂K_h = ∂L/∂Sᵀ·Q_h / √d
///
/// and the projections' gradients as for `Dense`. The products of one sample run over its heads
/// with `BLAS.gemmBatched` (the heads are d columns apart). Weights start as PyTorch's:
/// `in_proj_weight` Xavier-uniform, biases 0; `out_proj.weight` Xavier-uniform too (PyTorch's
/// `Linear` default is U(−1/√E, 1/√E)). No dropout on the attention weights.
public final class MultiHeadAttention: Layer {
    /// E, the features per time step.
    public let embeddingSize: Int
    /// The number of heads; d = E / heads features each.
    public let heads: Int
    /// Whether step i attends only to steps j ≤ i.
    public let causal: Bool
    /// W_in [3E, E]: the query, key and value projections stacked.
    public let inProjectionWeight: Parameter
    /// b_in [3E].
    public let inProjectionBias: Parameter
    /// The output projection, child `out_proj`.
    public let outProjection: Dense
    public var isTraining = true {
        didSet { outProjection.isTraining = isTraining }
    }

    private var forwardInput = ForwardInput()
    /// [Q K V] [T, N, 3E] and its gradient.
    private var projections = Tensor.zeros([0])
    private var projectionGradients = Tensor.zeros([0])
    /// A for every sample and head [N, heads, T, T].
    private var attention = Tensor.zeros([0])
    /// ∂L/∂A, then ∂L/∂S [N, heads, T, T].
    private var attentionGradient = Tensor.zeros([0])
    /// O [T, N, E].
    private var context = Tensor.zeros([0])
    private var inputGradient = Tensor.zeros([0])

    /// Creates self-attention over `embeddingSize` features split into `heads` heads, drawing the
    /// weights with `generator`.
    public init(embeddingSize: Int, heads: Int, causal: Bool = false, generator: inout SeededGenerator) {
        require(
            embeddingSize > 0 && heads > 0 && embeddingSize % heads == 0,
            "MultiHeadAttention: embedding size \(embeddingSize) must be a positive multiple of heads \(heads)")
        (self.embeddingSize, self.heads, self.causal) = (embeddingSize, heads, causal)
        inProjectionWeight = Parameter(
            name: "in_proj_weight", value: Initializer.xavierUniform().makeTensor([3 * embeddingSize, embeddingSize], using: &generator))
        inProjectionBias = Parameter(name: "in_proj_bias", value: Tensor.zeros([3 * embeddingSize]))
        outProjection = Dense(inputSize: embeddingSize, outputSize: embeddingSize, weightInitializer: .xavierUniform(), generator: &generator)
    }

    public var parameters: [Parameter] { [inProjectionWeight, inProjectionBias] }
    public var children: [(name: String, layer: any Layer)] { [("out_proj", outProjection)] }

    public var summaryName: String { "MultiHeadAttention(\(embeddingSize), \(heads) heads\(causal ? ", causal" : ""))" }

    public func outputShape(for inputShape: TensorShape) throws(ShapeError) -> TensorShape {
        try checkInput(
            inputShape.count == 3 && inputShape[2] == embeddingSize,
            "input \(describe(inputShape)): expected [T, N, \(embeddingSize)] (time-major)")
        return inputShape
    }

    /// 2·T·N·E·4E for the projections, 4·N·T²·E for the two products with A.
    public func forwardFLOPs(for inputShape: TensorShape) -> Int {
        let shape = requireOutputShape(for: inputShape)
        return 8 * shape[0] * shape[1] * embeddingSize * embeddingSize + 4 * shape[1] * shape[0] * shape[0] * embeddingSize
    }

    /// y [T, N, E] for x [T, N, E].
    public func forward(_ input: Tensor) -> Tensor {
        let shape = requireOutputShape(for: input.shape)
        let (length, rows, e) = (shape[0], shape[1], embeddingSize)
        let d = e / heads, scale = 1 / Float(d).squareRoot()
        forwardInput.keep(input)
        projections.resize(to: TensorShape(length, rows, 3 * e))
        attention.resize(to: TensorShape(rows, heads, length, length))
        context.resize(to: shape)
        projections.withUnsafeMutableBufferPointer { qkv in
            input.withUnsafeBufferPointer { x in
                Projection.apply(inProjectionWeight, inProjectionBias, to: x.baseAddress!, rows: length * rows, into: qkv.baseAddress!)
            }
            attention.withUnsafeMutableBufferPointer { a in
                context.withUnsafeMutableBufferPointer { o in
                    for n in 0..<rows {
                        let (q, k, v) = queryKeyValue(in: qkv.baseAddress!, sample: n)
                        let scores = a.baseAddress! + n * heads * length * length
                        // S = Q·Kᵀ/√d for every head, then row softmax (over j ≤ i when causal).
                        BLAS.gemmBatched(
                            transposeA: false, transposeB: true, m: length, n: length, k: d, alpha: scale,
                            a: q, lda: rows * 3 * e, strideA: d, b: k, ldb: rows * 3 * e, strideB: d,
                            c: scores, ldc: length, strideC: length * length, batchCount: heads)
                        for row in 0..<(heads * length) {
                            let s = scores + row * length, visible = causal ? row % length + 1 : length
                            softmaxRow(s, into: s, count: visible)
                            (s + visible).update(repeating: 0, count: length - visible)
                        }
                        BLAS.gemmBatched(
                            transposeA: false, transposeB: false, m: length, n: d, k: length,
                            a: scores, lda: length, strideA: length * length, b: v, ldb: rows * 3 * e, strideB: d,
                            c: o.baseAddress! + n * e, ldc: rows * e, strideC: d, batchCount: heads)
                    }
                }
            }
        }
        return outProjection.forward(context.reshaped([length * rows, e])).reshaped(shape)
    }

    /// ∂L/∂x [T, N, E] for ∂L/∂y, adding the gradients of W_in, b_in and `out_proj`.
    public func backward(_ outputGradient: Tensor) -> Tensor {
        let input = forwardInput.take(layer: summaryName)
        let (length, rows, e) = (input.shape[0], input.shape[1], embeddingSize)
        require(outputGradient.shape == input.shape, "\(summaryName).backward: output gradient \(describe(outputGradient.shape)): expected \(describe(input.shape))")
        let d = e / heads, scale = 1 / Float(d).squareRoot()
        let contextGradient = outProjection.backward(outputGradient.reshaped([length * rows, e]))
        attentionGradient.resize(to: attention.shape)
        inputGradient.resize(to: input.shape)
        projectionGradients.resize(to: projections.shape)
        projectionGradients.withUnsafeMutableBufferPointer { dqkv in
            projections.withUnsafeBufferPointer { qkv in
                attention.withUnsafeBufferPointer { a in
                    attentionGradient.withUnsafeMutableBufferPointer { da in
                        contextGradient.withUnsafeBufferPointer { dO in
                            for n in 0..<rows {
                                let (q, k, v) = queryKeyValue(in: UnsafeMutablePointer(mutating: qkv.baseAddress!), sample: n)
                                let (dq, dk, dv) = queryKeyValue(in: dqkv.baseAddress!, sample: n)
                                let (weights, dWeights) = (a.baseAddress! + n * heads * length * length, da.baseAddress! + n * heads * length * length)
                                let dOut = dO.baseAddress! + n * e
                                // ∂L/∂V = Aᵀ·∂L/∂O and ∂L/∂A = ∂L/∂O·Vᵀ.
                                BLAS.gemmBatched(
                                    transposeA: true, transposeB: false, m: length, n: d, k: length,
                                    a: weights, lda: length, strideA: length * length, b: dOut, ldb: rows * e, strideB: d,
                                    c: dv, ldc: rows * 3 * e, strideC: d, batchCount: heads)
                                BLAS.gemmBatched(
                                    transposeA: false, transposeB: true, m: length, n: length, k: d,
                                    a: dOut, lda: rows * e, strideA: d, b: v, ldb: rows * 3 * e, strideB: d,
                                    c: dWeights, ldc: length, strideC: length * length, batchCount: heads)
                                // ∂L/∂S = A ⊙ (∂L/∂A − rowsum(∂L/∂A ⊙ A)); masked entries have A = 0.
                                for row in 0..<(heads * length) {
                                    let (aRow, gRow) = (weights + row * length, dWeights + row * length)
                                    let dotProduct = BLAS.dot(count: length, x: aRow, y: gRow)
                                    for j in 0..<length { gRow[j] = aRow[j] * (gRow[j] - dotProduct) }
                                }
                                // ∂L/∂Q = ∂L/∂S·K/√d and ∂L/∂K = ∂L/∂Sᵀ·Q/√d.
                                BLAS.gemmBatched(
                                    transposeA: false, transposeB: false, m: length, n: d, k: length, alpha: scale,
                                    a: dWeights, lda: length, strideA: length * length, b: k, ldb: rows * 3 * e, strideB: d,
                                    c: dq, ldc: rows * 3 * e, strideC: d, batchCount: heads)
                                BLAS.gemmBatched(
                                    transposeA: true, transposeB: false, m: length, n: d, k: length, alpha: scale,
                                    a: dWeights, lda: length, strideA: length * length, b: q, ldb: rows * 3 * e, strideB: d,
                                    c: dk, ldc: rows * 3 * e, strideC: d, batchCount: heads)
                            }
                        }
                    }
                }
            }
            input.withUnsafeBufferPointer { x in
                Projection.accumulateGradients(
                    inProjectionWeight, inProjectionBias, outputGradient: dqkv.baseAddress!, input: x.baseAddress!, rows: length * rows)
            }
            inputGradient.withUnsafeMutableBufferPointer { dx in
                Projection.inputGradient(inProjectionWeight, outputGradient: dqkv.baseAddress!, rows: length * rows, into: dx.baseAddress!)
            }
        }
        return inputGradient
    }

    /// The first row of sample n's Q, K and V in a [T, N, 3E] buffer; head h starts h·d further,
    /// and rows are N·3E apart.
    private func queryKeyValue(in qkv: UnsafeMutablePointer<Float>, sample n: Int) -> (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) {
        let q = qkv + n * 3 * embeddingSize
        return (q, q + embeddingSize, q + 2 * embeddingSize)
    }
}
