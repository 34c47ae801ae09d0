/// A fully connected layer: y = x·Wᵀ + b.
///
/// Shapes: input x [N, in], weight W [out, in] (PyTorch's `nn.Linear` layout, so weights move
/// between the two without transposing), bias b [out], output y [N, out]. Images must be
/// flattened first (`Flatten`).
///
/// Weights start from `weightInitializer` (default `.heNormal`, σ = √(2 / in)); the bias starts at zero.
/// A frozen parameter (`isTrainable == false`) gets no gradient, which saves its GEMM.
public final class Dense: Layer {
    /// Features per input row.
    public let inputSize: Int
    /// Features per output row.
    public let outputSize: Int
    /// W, shape [out, in].
    public let weight: Parameter
    /// b, shape [out]; `nil` for a layer created with `bias: false`.
    public let bias: Parameter?
    public var isTraining = true

    /// x of the last forward pass, until `backward` has used it.
    private var forwardInput = ForwardInput()
    private var output = Tensor.zeros([0, 0])
    private var inputGradient = Tensor.zeros([0, 0])

    /// Creates a layer mapping `inputSize` features to `outputSize`, drawing the weight from
    /// `weightInitializer` with `generator`.
    public init(
        inputSize: Int, outputSize: Int, bias: Bool = true,
        weightInitializer: Initializer = .heNormal, generator: inout SeededGenerator
    ) {
        require(inputSize > 0 && outputSize > 0, "Dense(\(inputSize) → \(outputSize)): sizes must be positive")
        self.inputSize = inputSize
        self.outputSize = outputSize
        weight = Parameter(name: "weight", value: weightInitializer.makeTensor([outputSize, inputSize], using: &generator))
        self.bias = bias ? Parameter(name: "bias", value: Tensor.zeros([outputSize])) : nil
    }

    public var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }

    public var summaryName: String { "Dense(\(inputSize) → \(outputSize)\(bias == nil ? ", no bias" : ""))" }

    public func outputShape(for inputShape: TensorShape) throws(ShapeError) -> TensorShape {
        try checkValidInput(inputShape)
        return [inputShape[0], outputSize]
    }

    /// Throws a `ShapeError` naming the layer and the shape unless it is [N, in].
    private func checkValidInput(_ inputShape: TensorShape) throws(ShapeError) {
        try checkInput(
            inputShape.count == 2 && inputShape[1] == inputSize,
            "input \(describe(inputShape)): expected [N, \(inputSize)]\(inputShape.count > 2 ? " (use Flatten first)" : "")")
    }

    /// 2·N·in·out for the product, N·out for the bias.
    public func forwardFLOPs(for inputShape: TensorShape) -> Int {
        let rows = requireOutputShape(for: inputShape)[0]
        return 2 * rows * inputSize * outputSize + (bias == nil ? 0 : rows * outputSize)
    }

    /// y [N, out] = x [N, in]·Wᵀ + b: every row of y starts as b, then one GEMM adds x·Wᵀ (β = 1).
    public func forward(_ input: Tensor) -> Tensor {
        requireValidShape { () throws(ShapeError) in try checkValidInput(input.shape) }
        let rows = input.shape[0]
        output.resize(to: TensorShape(rows, outputSize))
        forwardInput.keep(input)
        if let bias {
            bias.value.withUnsafeBufferPointer { b in
                output.withUnsafeMutableBufferPointer { y in
                    for n in 0..<rows {
                        (y.baseAddress! + n * outputSize).update(from: b.baseAddress!, count: outputSize)
                    }
                }
            }
        }
        gemm(input, weight.value, into: &output, transposeB: true, beta: bias == nil ? 0 : 1)
        return output
    }

    /// With g = ∂L/∂y [N, out]: ∂L/∂W [out, in] += gᵀ·x (GEMM, β = 1), ∂L/∂b [out] += Σₙ gₙ,
    /// and ∂L/∂x [N, in] = g·W.
    public func backward(_ outputGradient: Tensor) -> Tensor {
        let rows = accumulateGradients(outputGradient)
        inputGradient.resize(to: TensorShape(rows, inputSize))
        gemm(outputGradient, weight.value, into: &inputGradient)
        return inputGradient
    }

    /// ∂L/∂W and ∂L/∂b as in `backward(_:)`, without the GEMM for ∂L/∂x.
    public func accumulateParameterGradients(_ outputGradient: Tensor) {
        _ = accumulateGradients(outputGradient)
    }

    /// Adds gᵀ·x into ∂L/∂W and Σₙ gₙ into ∂L/∂b, then lets go of x (so that the layer before can
    /// overwrite its output buffer in the next step without a copy); returns N.
    private func accumulateGradients(_ outputGradient: Tensor) -> Int {
        let input = forwardInput.take(layer: summaryName)
        let rows = input.shape[0]
        require(
            outputGradient.shape.count == 2 && outputGradient.shape[0] == rows && outputGradient.shape[1] == outputSize,
            "\(summaryName).backward: output gradient \(describe(outputGradient.shape)): expected [\(rows), \(outputSize)]")
        if weight.isTrainable && rows > 0 {
            // ∂L/∂W [out, in] += gᵀ [out, N] · x [N, in], written straight into the parameter's gradient.
            outputGradient.withUnsafeBufferPointer { g in
                input.withUnsafeBufferPointer { x in
                    weight.withUnsafeMutableGradient { dw in
                        BLAS.gemm(
                            transposeA: true, transposeB: false, m: outputSize, n: inputSize, k: rows,
                            a: g.baseAddress!, lda: outputSize, b: x.baseAddress!, ldb: inputSize,
                            beta: 1, c: dw.baseAddress!, ldc: inputSize)
                    }
                }
            }
        }
        if let bias, bias.isTrainable {
            outputGradient.withUnsafeBufferPointer { g in
                bias.withUnsafeMutableGradient { db in
                    for n in 0..<rows {
                        BLAS.axpy(count: outputSize, alpha: 1, x: g.baseAddress! + n * outputSize, y: db.baseAddress!)
                    }
                }
            }
        }
        return rows
    }
}
