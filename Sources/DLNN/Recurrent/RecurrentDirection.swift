/// One layer of a recurrent network run in one direction over a time-major sequence: the
/// parameters `weight_ih_l{k}[_reverse]` [G·H, I], `weight_hh_l{k}…` [G·H, H], `bias_ih_l{k}…`
/// and `bias_hh_l{k}…` [G·H] (PyTorch's names and layouts), and the loop through time.
///
/// Forward over x [T, N, I] from h_0 (and c_0):
///
///     P = X·W_ihᵀ + b_ih          [T·N, G·H]   one GEMM for all steps
///     q_t = h_{t−1}·W_hhᵀ + b_hh  [N, G·H]     one GEMM per step
///     h_t (, c_t) = cell(P_t, q_t, h_{t−1}, c_{t−1})
///
/// for t = 0 … T−1, or T−1 … 0 when `reversed` (then h_{t−1} means the state after step t + 1).
/// Backward through time, with ∂L/∂P and ∂L/∂Q collected for all steps:
///
///     ∂L/∂h_{t−1} = ∂L/∂q_t·W_hh + the cell's direct part      (one GEMM per step)
///     ∂L/∂W_ih += ∂L/∂Pᵀ·X     ∂L/∂W_hh += ∂L/∂Qᵀ·H_prev     ∂L/∂X = ∂L/∂P·W_ih
///     ∂L/∂b_ih += Σ rows of ∂L/∂P     ∂L/∂b_hh += Σ rows of ∂L/∂Q
///
/// where H_prev [T·N, H] holds the state each step started from. The caches live in one
/// workspace kept from call to call (`RecurrentWorkspace`), so a steady state allocates nothing.
final class RecurrentDirection {
    let cell: any RecurrentCell
    let inputSize: Int
    let hiddenSize: Int
    let reversed: Bool
    let weightIH: Parameter
    let weightHH: Parameter
    let biasIH: Parameter
    let biasHH: Parameter

    private var forwardInput = ForwardInput()
    /// Each sample's length, or `nil` when all run T steps.
    private var lengths: [Int]?
    private var layout = RecurrentWorkspace(length: 0, rows: 0, hiddenSize: 0, gateCount: 1, cacheBlockCount: 0)
    private var workspace = Tensor.zeros([0])
    /// h_t for every t [T, N, H]: the output.
    private var hiddenStates = Tensor.zeros([0])
    private var finalHidden = Tensor.zeros([0])
    private var finalCell = Tensor.zeros([0])
    private var inputGradient = Tensor.zeros([0])
    private var initialHiddenGradient = Tensor.zeros([0])
    private var initialCellGradient = Tensor.zeros([0])

    /// Parameters named with `suffix` (`_l0`, `_l1_reverse`), drawn from U(−1/√H, 1/√H) as PyTorch does.
    init(cell: any RecurrentCell, inputSize: Int, hiddenSize: Int, reversed: Bool, suffix: String, generator: inout SeededGenerator) {
        self.cell = cell
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.reversed = reversed
        let rows = cell.gateCount * hiddenSize, bound = 1 / Float(hiddenSize).squareRoot()
        func uniform(_ name: String, _ shape: TensorShape) -> Parameter {
            Parameter(name: name + suffix, value: Tensor.randomUniform(shape, in: -bound..<bound, using: &generator))
        }
        weightIH = uniform("weight_ih", [rows, inputSize])
        weightHH = uniform("weight_hh", [rows, hiddenSize])
        biasIH = uniform("bias_ih", [rows])
        biasHH = uniform("bias_hh", [rows])
    }

    /// PyTorch's order: weight_ih, weight_hh, bias_ih, bias_hh.
    var parameters: [Parameter] { [weightIH, weightHH, biasIH, biasHH] }

    /// Whether sample n's sequence reaches step t (always without lengths).
    private func isRunning(_ n: Int, at t: Int) -> Bool {
        lengths.map { t < $0[n] } ?? true
    }

    /// The time steps in the order this direction visits them.
    private func timeSteps(_ length: Int) -> StrideTo<Int> {
        reversed ? stride(from: length - 1, to: -1, by: -1) : stride(from: 0, to: length, by: 1)
    }

    /// h [T, N, H] for x [T, N, I] from h_0 [N, H] (and c_0 [N, H]); returns h and the final
    /// state h_T (and c_T), each [N, H]. With `lengths`, sample n's steps t ≥ lengths[n] leave its
    /// state as it was and output zeros (PyTorch's packed sequences).
    func forward(_ input: Tensor, initialHidden: Tensor, initialCell: Tensor?, lengths: [Int]?) -> (output: Tensor, hidden: Tensor, cell: Tensor?) {
        let (length, rows) = (input.shape[0], input.shape[1])
        self.lengths = lengths
        layout = RecurrentWorkspace(
            length: length, rows: rows, hiddenSize: hiddenSize, gateCount: cell.gateCount, cacheBlockCount: cell.cacheBlockCount)
        forwardInput.keep(input)
        workspace.resize(to: TensorShape(layout.count))
        hiddenStates.resize(to: TensorShape(length, rows, hiddenSize))
        finalHidden.resize(to: TensorShape(rows, hiddenSize))
        finalCell.resize(to: TensorShape(rows, hiddenSize))
        let stateSize = layout.stateSize
        workspace.withUnsafeMutableBufferPointer { buffer in
            let blocks = layout.blocks(buffer.baseAddress!)
            // P = X·W_ihᵀ + b_ih for all T·N rows at once.
            input.withUnsafeBufferPointer { x in
                Projection.apply(weightIH, biasIH, to: x.baseAddress!, rows: length * rows, into: blocks.inputProjections)
            }
            initialHidden.withUnsafeBufferPointer { blocks.hidden.update(from: $0.baseAddress!, count: stateSize) }
            initialCell?.withUnsafeBufferPointer { blocks.cellState.update(from: $0.baseAddress!, count: stateSize) }
            hiddenStates.withUnsafeMutableBufferPointer { output in
                for t in timeSteps(length) {
                    let step = blocks.step(t, layout)
                    // blocks.hidden and blocks.cellState hold the running state h_{t−1}, c_{t−1}.
                    step.previousHidden.update(from: blocks.hidden, count: stateSize)
                    if cell.carriesCellState { step.previousCell.update(from: blocks.cellState, count: stateSize) }
                    Projection.apply(weightHH, biasHH, to: step.previousHidden, rows: rows, into: step.recurrentProjection)
                    let hidden = output.baseAddress! + t * stateSize
                    cell.forward(RecurrentStepForward(
                        rows: rows, hiddenSize: hiddenSize, inputProjection: step.inputProjection,
                        recurrentProjection: step.recurrentProjection, previousHidden: step.previousHidden,
                        previousCell: cell.carriesCellState ? step.previousCell : nil, gates: step.gates,
                        hidden: hidden, cell: cell.carriesCellState ? step.cell : nil))
                    for n in 0..<rows where isRunning(n, at: t) {
                        let row = n * hiddenSize
                        (blocks.hidden + row).update(from: hidden + row, count: hiddenSize)
                        if cell.carriesCellState { (blocks.cellState + row).update(from: step.cell + row, count: hiddenSize) }
                    }
                    for n in 0..<rows where !isRunning(n, at: t) { (hidden + n * hiddenSize).update(repeating: 0, count: hiddenSize) }
                }
            }
            finalHidden.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: blocks.hidden, count: stateSize) }
            if cell.carriesCellState { finalCell.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: blocks.cellState, count: stateSize) } }
        }
        return (hiddenStates, finalHidden, cell.carriesCellState ? finalCell : nil)
    }

    /// Given ∂L/∂h [T, N, H] and ∂L/∂h_T (and ∂L/∂c_T) [N, H], adds the parameter gradients and
    /// returns ∂L/∂x [T, N, I] and ∂L/∂h_0 (and ∂L/∂c_0) [N, H].
    func backward(_ outputGradient: Tensor, finalHiddenGradient: Tensor, finalCellGradient: Tensor?) -> (input: Tensor, hidden: Tensor, cell: Tensor?) {
        let input = forwardInput.take(layer: cell.name)
        let (length, rows, stateSize) = (layout.length, layout.rows, layout.stateSize)
        require(
            outputGradient.shape == TensorShape(length, rows, hiddenSize),
            "\(cell.name).backward: output gradient \(describe(outputGradient.shape)): expected [\(length), \(rows), \(hiddenSize)]")
        inputGradient.resize(to: TensorShape(length, rows, inputSize))
        initialHiddenGradient.resize(to: TensorShape(rows, hiddenSize))
        initialCellGradient.resize(to: TensorShape(rows, hiddenSize))
        workspace.withUnsafeMutableBufferPointer { buffer in
            let blocks = layout.blocks(buffer.baseAddress!)
            // blocks.hidden and blocks.cellState now carry ∂L/∂h and ∂L/∂c back through time.
            finalHiddenGradient.withUnsafeBufferPointer { blocks.hidden.update(from: $0.baseAddress!, count: stateSize) }
            if let finalCellGradient {
                finalCellGradient.withUnsafeBufferPointer { blocks.cellState.update(from: $0.baseAddress!, count: stateSize) }
            } else {
                blocks.cellState.update(repeating: 0, count: stateSize)
            }
            outputGradient.withUnsafeBufferPointer { g in
                hiddenStates.withUnsafeBufferPointer { h in
                    for t in timeSteps(length).reversed() {
                        let step = blocks.step(t, layout)
                        for n in 0..<rows where isRunning(n, at: t) {
                            let row = t * stateSize + n * hiddenSize
                            BLAS.axpy(count: hiddenSize, alpha: 1, x: g.baseAddress! + row, y: blocks.hidden + n * hiddenSize)
                        }
                        // A finished sample's state passed through unchanged: so does its gradient.
                        for n in 0..<rows where !isRunning(n, at: t) {
                            (blocks.savedHiddenGradient + n * hiddenSize).update(from: blocks.hidden + n * hiddenSize, count: hiddenSize)
                            if cell.carriesCellState {
                                (blocks.savedCellGradient + n * hiddenSize).update(from: blocks.cellState + n * hiddenSize, count: hiddenSize)
                            }
                        }
                        // The cell overwrites P_t with ∂L/∂P_t.
                        cell.backward(RecurrentStepBackward(
                            rows: rows, hiddenSize: hiddenSize, hiddenGradient: blocks.hidden,
                            cellGradient: cell.carriesCellState ? blocks.cellState : nil, gates: step.gates,
                            recurrentProjection: step.recurrentProjection, previousHidden: step.previousHidden,
                            hidden: h.baseAddress! + t * stateSize,
                            previousCell: cell.carriesCellState ? step.previousCell : nil,
                            cell: cell.carriesCellState ? step.cell : nil,
                            inputProjectionGradient: step.inputProjection,
                            recurrentProjectionGradient: step.recurrentProjectionGradient,
                            directPreviousHiddenGradient: blocks.directHiddenGradient))
                        let width = layout.width
                        for n in 0..<rows where !isRunning(n, at: t) {
                            (step.inputProjection + n * width).update(repeating: 0, count: width)
                            (step.recurrentProjectionGradient + n * width).update(repeating: 0, count: width)
                            (blocks.directHiddenGradient + n * hiddenSize).update(from: blocks.savedHiddenGradient + n * hiddenSize, count: hiddenSize)
                            if cell.carriesCellState {
                                (blocks.cellState + n * hiddenSize).update(from: blocks.savedCellGradient + n * hiddenSize, count: hiddenSize)
                            }
                        }
                        // ∂L/∂h_{t−1} = direct part + ∂L/∂q_t·W_hh.
                        blocks.hidden.update(from: blocks.directHiddenGradient, count: stateSize)
                        Projection.inputGradient(
                            weightHH, outputGradient: step.recurrentProjectionGradient, rows: rows, into: blocks.hidden, accumulate: true)
                    }
                }
            }
            input.withUnsafeBufferPointer { x in
                Projection.accumulateGradients(
                    weightIH, biasIH, outputGradient: blocks.inputProjections, input: x.baseAddress!, rows: length * rows)
            }
            Projection.accumulateGradients(
                weightHH, biasHH, outputGradient: blocks.recurrentProjectionGradients, input: blocks.previousHiddenStates,
                rows: length * rows)
            // ∂L/∂X = ∂L/∂P·W_ih.
            inputGradient.withUnsafeMutableBufferPointer { dx in
                Projection.inputGradient(weightIH, outputGradient: blocks.inputProjections, rows: length * rows, into: dx.baseAddress!)
            }
            initialHiddenGradient.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: blocks.hidden, count: stateSize) }
            if cell.carriesCellState { initialCellGradient.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: blocks.cellState, count: stateSize) } }
        }
        return (inputGradient, initialHiddenGradient, cell.carriesCellState ? initialCellGradient : nil)
    }
}
