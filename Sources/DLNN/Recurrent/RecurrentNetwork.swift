/// A stack of recurrent layers over a whole time-major sequence, one or two directions each, as
/// PyTorch's `nn.RNN`, `nn.LSTM` and `nn.GRU` are; use one of those three subclasses, `RNN`,
/// `LSTM` or `GRU`, which tell it the cell.
///
/// Shapes: input x [T, N, I] (time-major, PyTorch's `batch_first=False`, so each time step is a
/// contiguous [N, I] view); output [T, N, D·H], where D = 2 when `bidirectional` (forward then
/// reverse features, as PyTorch concatenates them) and 1 otherwise; states [L·D, N, H]
/// (`RecurrentState`). Layer l > 0 reads layer l − 1's output, through dropout with probability
/// `dropout` in training (never after the last layer).
///
/// Parameters carry PyTorch's names, layouts and order, so `loadWeights(from:)` reads a
/// `state_dict` saved by PyTorch: per layer l and direction, `weight_ih_l{l}` [G·H, I_l],
/// `weight_hh_l{l}` [G·H, H], `bias_ih_l{l}`, `bias_hh_l{l}` [G·H], with the suffix `_reverse`
/// for the reverse direction; all start from U(−1/√H, 1/√H), PyTorch's default.
///
/// `forward(_:)` starts from a zero state and `backward(_:)` takes no gradient for the final state;
/// `forward(_:initialState:)` and `backward(_:finalStateGradient:)` carry states in and out.
public class RecurrentNetwork: Layer {
    /// I, the features per time step of the input.
    public let inputSize: Int
    /// H, the features of each direction's state.
    public let hiddenSize: Int
    /// L, the number of stacked layers.
    public let layers: Int
    /// Whether each layer also runs from the last step to the first (D = 2).
    public let bidirectional: Bool
    /// The dropout probability between layers, in training.
    public let dropout: Float
    public var isTraining = true {
        didSet { for layer in dropoutLayers { layer.isTraining = isTraining } }
    }

    /// Entry l·D + d: layer l, direction d.
    let directions: [RecurrentDirection]
    private let dropoutLayers: [Dropout]
    private let cell: any RecurrentCell
    /// Each layer's output [T, N, 2H] when bidirectional.
    private var layerOutputs: [Tensor]
    private var finalState = RecurrentState(hidden: Tensor.zeros([0]))
    private var directionGradient = Tensor.zeros([0])
    private var layerInputGradient = Tensor.zeros([0])
    private var initialStateGradient = RecurrentState(hidden: Tensor.zeros([0]))

    /// D, the number of directions.
    public var directionCount: Int { bidirectional ? 2 : 1 }

    init(
        cell: any RecurrentCell, inputSize: Int, hiddenSize: Int, layers: Int, bidirectional: Bool, dropout: Float,
        generator: inout SeededGenerator
    ) {
        require(inputSize > 0 && hiddenSize > 0 && layers > 0, "\(cell.name): input size \(inputSize), hidden size \(hiddenSize) and layers \(layers) must be positive")
        require(dropout >= 0 && dropout < 1, "\(cell.name): dropout must be in [0, 1), got \(dropout)")
        (self.cell, self.inputSize, self.hiddenSize, self.layers) = (cell, inputSize, hiddenSize, layers)
        (self.bidirectional, self.dropout) = (bidirectional, dropout)
        let directionCount = bidirectional ? 2 : 1
        var directions: [RecurrentDirection] = []
        for layer in 0..<layers {
            for direction in 0..<directionCount {
                directions.append(RecurrentDirection(
                    cell: cell, inputSize: layer == 0 ? inputSize : directionCount * hiddenSize, hiddenSize: hiddenSize,
                    reversed: direction == 1, suffix: "_l\(layer)" + (direction == 1 ? "_reverse" : ""), generator: &generator))
            }
        }
        self.directions = directions
        layerOutputs = Array(repeating: Tensor.zeros([0]), count: layers)
        dropoutLayers = (1..<layers).map { _ in Dropout(probability: dropout, seed: generator.next()) }
    }

    public var parameters: [Parameter] { directions.flatMap(\.parameters) }

    public var summaryName: String {
        "\(cell.name)(\(inputSize) → \(hiddenSize)\(layers > 1 ? ", \(layers) layers" : "")\(bidirectional ? ", bidirectional" : ""))"
    }

    public func outputShape(for inputShape: TensorShape) throws(ShapeError) -> TensorShape {
        try checkInput(
            inputShape.count == 3 && inputShape[2] == inputSize,
            "input \(describe(inputShape)): expected [T, N, \(inputSize)] (time-major)")
        return [inputShape[0], inputShape[1], directionCount * hiddenSize]
    }

    /// 2·T·N·G·H·(I_l + H) per layer and direction for the two products; the pointwise work is not counted.
    public func forwardFLOPs(for inputShape: TensorShape) -> Int {
        let output = requireOutputShape(for: inputShape)
        return directions.reduce(0) { total, direction in
            total + 2 * output[0] * output[1] * cell.gateCount * hiddenSize * (direction.inputSize + hiddenSize)
        }
    }

    /// The output [T, N, D·H] from a zero initial state.
    public func forward(_ input: Tensor) -> Tensor {
        forward(input, initialState: nil).output
    }

    /// The output [T, N, D·H] for x [T, N, I] starting from `initialState` (zero when `nil`),
    /// and the state after the last step: for direction d of layer l, h after its last step
    /// (t = T − 1 forward, t = 0 reverse), as PyTorch's `h_n` (and `c_n`).
    ///
    /// With `lengths` (one per sample, each in 0…T), sample n's steps t ≥ lengths[n] are padding:
    /// they output zeros and leave its state as it was, so its final state is the one after its
    /// own last step and the reverse direction starts from its own last step — what PyTorch
    /// computes on `pack_padded_sequence(x, lengths, enforce_sorted=False)`, padded back with zeros.
    public func forward(_ input: Tensor, initialState: RecurrentState?, lengths: [Int]? = nil) -> (output: Tensor, finalState: RecurrentState) {
        let shape = requireOutputShape(for: input.shape)
        if let lengths {
            require(
                lengths.count == shape[1] && lengths.allSatisfy { (0...shape[0]).contains($0) },
                "\(summaryName): lengths \(lengths): expected \(shape[1]) lengths in 0...\(shape[0])")
        }
        let stateShape: TensorShape = [layers * directionCount, input.shape[1], hiddenSize]
        if let initialState { checkState(initialState, shape: stateShape, what: "initial state") }
        let start = initialState ?? RecurrentState(hidden: Tensor.zeros(stateShape), cell: cell.carriesCellState ? Tensor.zeros(stateShape) : nil)
        finalState.hidden.resize(to: stateShape)
        if cell.carriesCellState {
            if finalState.cell == nil { finalState.cell = Tensor.zeros(stateShape) }
            finalState.cell!.resize(to: stateShape)
        }
        var layerInput = input
        for layer in 0..<layers {
            if layer > 0 { layerInput = dropoutLayers[layer - 1].forward(layerInput) }
            var outputs: [Tensor] = []
            for d in 0..<directionCount {
                let index = layer * directionCount + d
                let result = directions[index].forward(
                    layerInput, initialHidden: start.hidden.entry(index), initialCell: start.cell?.entry(index), lengths: lengths)
                outputs.append(result.output)
                copy(result.hidden, into: &finalState.hidden, entry: index)
                if let cellState = result.cell { copy(cellState, into: &finalState.cell!, entry: index) }
            }
            layerInput = bidirectional ? interleave(outputs[0], outputs[1], into: &layerOutputs[layer], shape: shape) : outputs[0]
        }
        return (layerInput, finalState)
    }

    /// ∂L/∂x for ∂L/∂output, with no gradient flowing into the final state.
    public func backward(_ outputGradient: Tensor) -> Tensor {
        backward(outputGradient, finalStateGradient: nil).inputGradient
    }

    /// Given ∂L/∂output [T, N, D·H] and ∂L/∂(final state) (zero when `nil`, as when the final
    /// state is not used), adds the parameter gradients and returns ∂L/∂x [T, N, I] and
    /// ∂L/∂(initial state), of the state's shape.
    public func backward(_ outputGradient: Tensor, finalStateGradient: RecurrentState?) -> (inputGradient: Tensor, initialStateGradient: RecurrentState) {
        require(
            outputGradient.rank == 3 && outputGradient.shape[2] == directionCount * hiddenSize,
            "\(summaryName).backward: output gradient \(describe(outputGradient.shape)): expected [T, N, \(directionCount * hiddenSize)]")
        let (length, rows) = (outputGradient.shape[0], outputGradient.shape[1])
        let stateShape: TensorShape = [layers * directionCount, rows, hiddenSize]
        if let finalStateGradient { checkState(finalStateGradient, shape: stateShape, what: "final state gradient") }
        let zeroState = Tensor.zeros([rows, hiddenSize])
        initialStateGradient.hidden.resize(to: stateShape)
        if cell.carriesCellState {
            if initialStateGradient.cell == nil { initialStateGradient.cell = Tensor.zeros(stateShape) }
            initialStateGradient.cell!.resize(to: stateShape)
        }
        var gradient = outputGradient
        for layer in (0..<layers).reversed() {
            for d in 0..<directionCount {
                let index = layer * directionCount + d
                let directionOutputGradient = bidirectional
                    ? deinterleave(gradient, direction: d, into: &directionGradient, shape: [length, rows, hiddenSize]) : gradient
                let result = directions[index].backward(
                    directionOutputGradient,
                    finalHiddenGradient: finalStateGradient?.hidden.entry(index) ?? zeroState,
                    finalCellGradient: finalStateGradient?.cell?.entry(index))
                copy(result.hidden, into: &initialStateGradient.hidden, entry: index)
                if let cellGradient = result.cell { copy(cellGradient, into: &initialStateGradient.cell!, entry: index) }
                if d == 0 {
                    layerInputGradient.resize(to: result.input.shape)
                    layerInputGradient.assign(result.input)
                } else {
                    layerInputGradient.addScaled(result.input, by: 1)
                }
            }
            gradient = layer > 0 ? dropoutLayers[layer - 1].backward(layerInputGradient) : layerInputGradient
        }
        return (gradient, initialStateGradient)
    }

    private func checkState(_ state: RecurrentState, shape: TensorShape, what: String) {
        require(state.hidden.shape == shape, "\(summaryName): \(what) h \(describe(state.hidden.shape)): expected \(describe(shape))")
        require(
            (state.cell != nil) == cell.carriesCellState && (state.cell.map { $0.shape == shape } ?? true),
            "\(summaryName): \(what) c \(state.cell.map { describe($0.shape) } ?? "nil"): expected \(cell.carriesCellState ? describe(shape) : "nil")")
    }
}

/// Copies `source` [N, H] into entry `index` of `state` [L·D, N, H].
private func copy(_ source: Tensor, into state: inout Tensor, entry index: Int) {
    source.withUnsafeBufferPointer { s in
        state.withUnsafeMutableBufferPointer(entries: index..<(index + 1)) { _ = $0.update(fromContentsOf: s) }
    }
}

/// [T, N, 2H] from the forward and reverse outputs [T, N, H] each, forward features first.
private func interleave(_ forward: Tensor, _ reverse: Tensor, into output: inout Tensor, shape: TensorShape) -> Tensor {
    let hiddenSize = forward.shape[2], rows = shape[0] * shape[1]
    output.resize(to: shape)
    forward.withUnsafeBufferPointer { f in
        reverse.withUnsafeBufferPointer { r in
            output.withUnsafeMutableBufferPointer { y in
                for row in 0..<rows {
                    (y.baseAddress! + 2 * row * hiddenSize).update(from: f.baseAddress! + row * hiddenSize, count: hiddenSize)
                    (y.baseAddress! + (2 * row + 1) * hiddenSize).update(from: r.baseAddress! + row * hiddenSize, count: hiddenSize)
                }
            }
        }
    }
    return output
}

/// Direction `direction`'s half [T, N, H] of a [T, N, 2H] gradient.
private func deinterleave(_ gradient: Tensor, direction: Int, into half: inout Tensor, shape: TensorShape) -> Tensor {
    let hiddenSize = shape[2], rows = shape[0] * shape[1]
    half.resize(to: shape)
    gradient.withUnsafeBufferPointer { g in
        half.withUnsafeMutableBufferPointer { h in
            for row in 0..<rows {
                (h.baseAddress! + row * hiddenSize).update(from: g.baseAddress! + (2 * row + direction) * hiddenSize, count: hiddenSize)
            }
        }
    }
    return half
}
