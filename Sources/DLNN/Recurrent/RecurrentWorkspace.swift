/// Where a `RecurrentDirection` keeps its caches: blocks of one contiguous buffer, as llm.c lays
/// out its activations, so a forward and backward pass through time touch one allocation.
///
/// Per time step t (blocks indexed by t, not by visiting order), with W = G·H:
/// P_t then ∂L/∂P_t [N, W], q_t [N, W], ∂L/∂q_t [N, W], the cell's cache [N, C], the state the
/// step started from h_{t−1} and c_{t−1} [N, H], and c_t [N, H]; then five running [N, H]
/// rows: the state (forward) or its gradient (backward), the cell state or its gradient, the
/// direct part of ∂L/∂h_{t−1}, and the two state gradients of finished samples.
struct RecurrentWorkspace {
    let length: Int
    let rows: Int
    let hiddenSize: Int
    /// W = G·H, the columns of the projections.
    let width: Int
    /// C, the columns of the cell's cache per row (`RecurrentCell.cacheBlockCount`·H).
    let cacheWidth: Int
    /// N·H, the elements of one state.
    var stateSize: Int { rows * hiddenSize }

    init(length: Int, rows: Int, hiddenSize: Int, gateCount: Int, cacheBlockCount: Int) {
        (self.length, self.rows, self.hiddenSize) = (length, rows, hiddenSize)
        (width, cacheWidth) = (gateCount * hiddenSize, cacheBlockCount * hiddenSize)
    }

    private var projectionBlock: Int { length * rows * width }
    private var cacheBlock: Int { length * rows * cacheWidth }
    private var stateBlock: Int { length * stateSize }

    /// The number of floats the workspace needs.
    var count: Int { 3 * projectionBlock + cacheBlock + 3 * stateBlock + 5 * stateSize }

    /// The whole-sequence blocks and running rows in the workspace starting at `base`.
    func blocks(_ base: UnsafeMutablePointer<Float>) -> Blocks {
        let inputProjections = base
        let recurrentProjections = inputProjections + projectionBlock
        let recurrentProjectionGradients = recurrentProjections + projectionBlock
        let gates = recurrentProjectionGradients + projectionBlock
        let previousHiddenStates = gates + cacheBlock
        let previousCellStates = previousHiddenStates + stateBlock
        let cellStates = previousCellStates + stateBlock
        let hidden = cellStates + stateBlock
        return Blocks(
            inputProjections: inputProjections, recurrentProjections: recurrentProjections,
            recurrentProjectionGradients: recurrentProjectionGradients, gates: gates,
            previousHiddenStates: previousHiddenStates, previousCellStates: previousCellStates, cellStates: cellStates,
            hidden: hidden, cellState: hidden + stateSize, directHiddenGradient: hidden + 2 * stateSize,
            savedHiddenGradient: hidden + 3 * stateSize, savedCellGradient: hidden + 4 * stateSize)
    }

    /// Pointers to the workspace's blocks.
    struct Blocks {
        let inputProjections, recurrentProjections, recurrentProjectionGradients, gates: UnsafeMutablePointer<Float>
        let previousHiddenStates, previousCellStates, cellStates: UnsafeMutablePointer<Float>
        /// The running rows [N, H].
        let hidden, cellState, directHiddenGradient: UnsafeMutablePointer<Float>
        /// The state gradients of samples whose sequence has ended, kept across a step [N, H].
        let savedHiddenGradient, savedCellGradient: UnsafeMutablePointer<Float>

        /// The rows of time step `t` in each per-step block.
        func step(_ t: Int, _ layout: RecurrentWorkspace) -> Step {
            let projection = t * layout.rows * layout.width, state = t * layout.stateSize
            return Step(
                inputProjection: inputProjections + projection, recurrentProjection: recurrentProjections + projection,
                recurrentProjectionGradient: recurrentProjectionGradients + projection, gates: gates + t * layout.rows * layout.cacheWidth,
                previousHidden: previousHiddenStates + state, previousCell: previousCellStates + state, cell: cellStates + state)
        }
    }

    /// Pointers to one time step's rows.
    struct Step {
        let inputProjection, recurrentProjection, recurrentProjectionGradient, gates: UnsafeMutablePointer<Float>
        let previousHidden, previousCell, cell: UnsafeMutablePointer<Float>
    }
}
