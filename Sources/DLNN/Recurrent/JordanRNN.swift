import Foundation

/// Jordan's recurrent network (Jordan, 1986): the previous *output* y_{t−1}, not the hidden
/// state, is fed back. One layer, one direction, over a time-major sequence x [T, N, I]:
///
///     h_t = φ(x_t·W_ihᵀ + b_ih + y_{t−1}·W_yhᵀ + b_yh)     [N, H],  φ = tanh (default) or ReLU
///     y_t = tanh(h_t·W_hyᵀ + b_hy)                          [N, O]
///
/// The output is y [T, N, O]; the state carried between calls is y_T as `RecurrentState.hidden`
/// [1, N, O] (y_0 = 0 by default). The tanh keeps the fed-back output bounded; put a `Dense` after
/// the network for unbounded scores. PyTorch has no equivalent; the parameters follow `nn.RNN`'s
/// naming: `weight_ih` [H, I], `bias_ih` [H], `weight_yh` [H, O], `bias_yh` [H], `weight_hy`
/// [O, H], `bias_hy` [O], all from U(−1/√H, 1/√H).
///
/// Backward through time, with ∂L/∂y_t = g_t + ∂L/∂a_{t+1}·W_yh carried back:
///
///     ∂L/∂z_t = ∂L/∂y_t ⊙ (1 − y_t²)       ∂L/∂h_t = ∂L/∂z_t·W_hy       ∂L/∂a_t = ∂L/∂h_t ⊙ φ′
///     ∂L/∂W_hy += Σ_t ∂L/∂z_tᵀ·h_t    ∂L/∂W_ih += Σ_t ∂L/∂a_tᵀ·x_t    ∂L/∂W_yh += Σ_t ∂L/∂a_tᵀ·y_{t−1}
///     ∂L/∂x_t = ∂L/∂a_t·W_ih
public final class JordanRNN: Layer {
    /// I, the features per time step of the input.
    public let inputSize: Int
    /// H, the hidden units.
    public let hiddenSize: Int
    /// O, the features of the output, which is fed back.
    public let outputSize: Int
    public let weightIH: Parameter
    public let biasIH: Parameter
    public let weightYH: Parameter
    public let biasYH: Parameter
    public let weightHY: Parameter
    public let biasHY: Parameter
    public var isTraining = true

    private let cell: ElmanCell
    private var forwardInput = ForwardInput()
    private var workspace = Tensor.zeros([0])
    private var output = Tensor.zeros([0])
    private var finalOutput = Tensor.zeros([0])
    private var inputGradient = Tensor.zeros([0])
    private var initialOutputGradient = Tensor.zeros([0])

    /// Creates a Jordan network mapping `inputSize` features to `outputSize` through `hiddenSize`
    /// units, drawing the weights from U(−1/√H, 1/√H) with `generator`.
    public init(
        inputSize: Int, hiddenSize: Int, outputSize: Int, nonlinearity: RNN.Nonlinearity = .tanh, generator: inout SeededGenerator
    ) {
        require(inputSize > 0 && hiddenSize > 0 && outputSize > 0, "JordanRNN(\(inputSize) → \(hiddenSize) → \(outputSize)): sizes must be positive")
        (self.inputSize, self.hiddenSize, self.outputSize) = (inputSize, hiddenSize, outputSize)
        cell = ElmanCell(nonlinearity: nonlinearity)
        let bound = 1 / Float(hiddenSize).squareRoot()
        func uniform(_ name: String, _ shape: TensorShape) -> Parameter {
            Parameter(name: name, value: Tensor.randomUniform(shape, in: -bound..<bound, using: &generator))
        }
        weightIH = uniform("weight_ih", [hiddenSize, inputSize])
        biasIH = uniform("bias_ih", [hiddenSize])
        weightYH = uniform("weight_yh", [hiddenSize, outputSize])
        biasYH = uniform("bias_yh", [hiddenSize])
        weightHY = uniform("weight_hy", [outputSize, hiddenSize])
        biasHY = uniform("bias_hy", [outputSize])
    }

    public var parameters: [Parameter] { [weightIH, biasIH, weightYH, biasYH, weightHY, biasHY] }

    public var summaryName: String { "JordanRNN(\(inputSize) → \(hiddenSize) → \(outputSize))" }

    public func outputShape(for inputShape: TensorShape) throws(ShapeError) -> TensorShape {
        try checkInput(
            inputShape.count == 3 && inputShape[2] == inputSize,
            "input \(describe(inputShape)): expected [T, N, \(inputSize)] (time-major)")
        return [inputShape[0], inputShape[1], outputSize]
    }

    /// 2·T·N·H·(I + O) for the products into h, 2·T·N·O·H for the output.
    public func forwardFLOPs(for inputShape: TensorShape) -> Int {
        let shape = requireOutputShape(for: inputShape)
        return 2 * shape[0] * shape[1] * hiddenSize * (inputSize + 2 * outputSize)
    }

    /// y [T, N, O] from y_0 = 0.
    public func forward(_ input: Tensor) -> Tensor {
        forward(input, initialState: nil).output
    }

    /// y [T, N, O] for x [T, N, I] from y_0 = `initialState.hidden` [1, N, O] (zero when `nil`),
    /// and y_T as the final state.
    public func forward(_ input: Tensor, initialState: RecurrentState?) -> (output: Tensor, finalState: RecurrentState) {
        let shape = requireOutputShape(for: input.shape)
        let (length, rows) = (shape[0], shape[1])
        if let initialState {
            require(initialState.hidden.shape == TensorShape(1, rows, outputSize) && initialState.cell == nil,
                    "\(summaryName): initial state \(describe(initialState.hidden.shape)): expected [1, \(rows), \(outputSize)] and no cell state")
        }
        let layout = Layout(length: length, rows: rows, hiddenSize: hiddenSize, outputSize: outputSize)
        forwardInput.keep(input)
        workspace.resize(to: TensorShape(layout.count))
        output.resize(to: shape)
        finalOutput.resize(to: TensorShape(1, rows, outputSize))
        let outputRows = rows * outputSize
        workspace.withUnsafeMutableBufferPointer { buffer in
            let blocks = layout.blocks(buffer.baseAddress!)
            input.withUnsafeBufferPointer { x in
                Projection.apply(weightIH, biasIH, to: x.baseAddress!, rows: length * rows, into: blocks.preactivations)
            }
            if let initialState {
                initialState.hidden.withUnsafeBufferPointer { blocks.previousOutputs.update(from: $0.baseAddress!, count: outputRows) }
            } else {
                blocks.previousOutputs.update(repeating: 0, count: outputRows)
            }
            output.withUnsafeMutableBufferPointer { y in
                for t in 0..<length {
                    let (a, h) = (blocks.preactivations + t * rows * hiddenSize, blocks.hiddenStates + t * rows * hiddenSize)
                    let (yPrevious, yt) = (blocks.previousOutputs + t * outputRows, y.baseAddress! + t * outputRows)
                    if t > 0 { yPrevious.update(from: yt - outputRows, count: outputRows) }
                    Projection.apply(weightYH, biasYH, to: yPrevious, rows: rows, into: blocks.recurrentProjection)
                    // h_t = φ(a_t + q_t) is Elman's step; it reads p and q only, so the other rows are placeholders.
                    cell.forward(RecurrentStepForward(
                        rows: rows, hiddenSize: hiddenSize, inputProjection: a, recurrentProjection: blocks.recurrentProjection,
                        previousHidden: h, previousCell: nil, gates: blocks.recurrentProjection, hidden: h, cell: nil))
                    Projection.apply(weightHY, biasHY, to: h, rows: rows, into: yt)
                    for i in 0..<outputRows { yt[i] = hyperbolicTangent(yt[i]) }
                }
                finalOutput.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: y.baseAddress! + (length - 1) * outputRows, count: outputRows) }
            }
        }
        return (output, RecurrentState(hidden: finalOutput))
    }

    /// ∂L/∂x for ∂L/∂y, with no gradient flowing into y_T.
    public func backward(_ outputGradient: Tensor) -> Tensor {
        backward(outputGradient, finalStateGradient: nil).inputGradient
    }

    /// Given ∂L/∂y [T, N, O] and ∂L/∂y_T [1, N, O] (zero when `nil`), adds the parameter gradients
    /// and returns ∂L/∂x [T, N, I] and ∂L/∂y_0 [1, N, O].
    public func backward(_ outputGradient: Tensor, finalStateGradient: RecurrentState?) -> (inputGradient: Tensor, initialStateGradient: RecurrentState) {
        let input = forwardInput.take(layer: summaryName)
        let (length, rows) = (input.shape[0], input.shape[1])
        require(
            outputGradient.shape == TensorShape(length, rows, outputSize),
            "\(summaryName).backward: output gradient \(describe(outputGradient.shape)): expected [\(length), \(rows), \(outputSize)]")
        let layout = Layout(length: length, rows: rows, hiddenSize: hiddenSize, outputSize: outputSize)
        let (outputRows, stateRows) = (rows * outputSize, rows * hiddenSize)
        inputGradient.resize(to: TensorShape(length, rows, inputSize))
        initialOutputGradient.resize(to: TensorShape(1, rows, outputSize))
        workspace.withUnsafeMutableBufferPointer { buffer in
            let blocks = layout.blocks(buffer.baseAddress!)
            // blocks.outputGradient carries ∂L/∂y_t back through time.
            if let finalStateGradient {
                finalStateGradient.hidden.withUnsafeBufferPointer { blocks.outputGradient.update(from: $0.baseAddress!, count: outputRows) }
            } else {
                blocks.outputGradient.update(repeating: 0, count: outputRows)
            }
            outputGradient.withUnsafeBufferPointer { g in
                output.withUnsafeBufferPointer { y in
                    for t in (0..<length).reversed() {
                        let (da, h) = (blocks.preactivations + t * stateRows, blocks.hiddenStates + t * stateRows)
                        let (dz, yt) = (blocks.scoreGradients + t * outputRows, y.baseAddress! + t * outputRows)
                        BLAS.axpy(count: outputRows, alpha: 1, x: g.baseAddress! + t * outputRows, y: blocks.outputGradient)
                        for i in 0..<outputRows { dz[i] = blocks.outputGradient[i] * (1 - yt[i] * yt[i]) }
                        Projection.inputGradient(weightHY, outputGradient: dz, rows: rows, into: blocks.hiddenGradient)
                        // ∂L/∂a_t by Elman's step, which reads h_t only; q_t's row takes its copy and its zero direct part.
                        cell.backward(RecurrentStepBackward(
                            rows: rows, hiddenSize: hiddenSize, hiddenGradient: blocks.hiddenGradient, cellGradient: nil,
                            gates: h, recurrentProjection: h, previousHidden: h, hidden: h, previousCell: nil, cell: nil,
                            inputProjectionGradient: da, recurrentProjectionGradient: blocks.recurrentProjection,
                            directPreviousHiddenGradient: blocks.recurrentProjection))
                        Projection.inputGradient(weightYH, outputGradient: da, rows: rows, into: blocks.outputGradient)
                    }
                }
            }
            input.withUnsafeBufferPointer { x in
                Projection.accumulateGradients(weightIH, biasIH, outputGradient: blocks.preactivations, input: x.baseAddress!, rows: length * rows)
            }
            Projection.accumulateGradients(weightYH, biasYH, outputGradient: blocks.preactivations, input: blocks.previousOutputs, rows: length * rows)
            Projection.accumulateGradients(weightHY, biasHY, outputGradient: blocks.scoreGradients, input: blocks.hiddenStates, rows: length * rows)
            inputGradient.withUnsafeMutableBufferPointer { dx in
                Projection.inputGradient(weightIH, outputGradient: blocks.preactivations, rows: length * rows, into: dx.baseAddress!)
            }
            initialOutputGradient.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: blocks.outputGradient, count: outputRows) }
        }
        return (inputGradient, RecurrentState(hidden: initialOutputGradient))
    }

    /// The workspace: per step the pre-activations a_t (then ∂L/∂a_t) and h_t [N, H], y_{t−1} and
    /// ∂L/∂z_t [N, O]; then running rows q_t [N, H] (the cell's scratch in backward), ∂L/∂h_t [N, H]
    /// and ∂L/∂y_t [N, O].
    private struct Layout {
        let length, rows, hiddenSize, outputSize: Int
        var count: Int { length * rows * (2 * hiddenSize + 2 * outputSize) + rows * (2 * hiddenSize + outputSize) }

        func blocks(_ base: UnsafeMutablePointer<Float>) -> Blocks {
            let (hiddenBlock, outputBlock) = (length * rows * hiddenSize, length * rows * outputSize)
            let hiddenStates = base + hiddenBlock, previousOutputs = hiddenStates + hiddenBlock
            let scoreGradients = previousOutputs + outputBlock, recurrentProjection = scoreGradients + outputBlock
            let hiddenGradient = recurrentProjection + rows * hiddenSize
            return Blocks(
                preactivations: base, hiddenStates: hiddenStates, previousOutputs: previousOutputs, scoreGradients: scoreGradients,
                recurrentProjection: recurrentProjection, hiddenGradient: hiddenGradient, outputGradient: hiddenGradient + rows * hiddenSize)
        }
    }

    private struct Blocks {
        let preactivations, hiddenStates, previousOutputs, scoreGradients: UnsafeMutablePointer<Float>
        let recurrentProjection, hiddenGradient, outputGradient: UnsafeMutablePointer<Float>
    }
}
