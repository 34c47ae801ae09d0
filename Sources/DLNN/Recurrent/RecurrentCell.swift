/// The pointwise part of one recurrent time step — what tells an Elman RNN, an LSTM and a GRU
/// apart — given the two projections that `RecurrentDirection` computes with GEMMs:
///
///     p = x_t·W_ihᵀ + b_ih   [N, G·H]   (all steps in one GEMM)
///     q = h_{t−1}·W_hhᵀ + b_hh  [N, G·H]   (one GEMM per step)
///
/// G is `gateCount`, H the hidden size; gate k of row n occupies columns k·H..<(k+1)·H, in
/// PyTorch's order. A cell caches what its backward needs in `gates` ([N, C·H], C its
/// `cacheBlockCount`) and, when it carries a cell state (LSTM), in `cell`.
///
/// The pointwise loops of a cell vectorize when they are written over the gate blocks'
/// pointers, one index j per loop, with `sigmoid` and `hyperbolicTangent` (no libm calls, no
/// `k·H + j` index arithmetic, which checks for overflow, in the loop).
protocol RecurrentCell: Sendable {
    /// G, the number of gate blocks in W_ih and W_hh.
    var gateCount: Int { get }
    /// C, the blocks of H columns per row the cell caches for its backward pass.
    var cacheBlockCount: Int { get }
    /// Whether the state is (h, c) rather than h alone.
    var carriesCellState: Bool { get }
    /// The name for summaries, e.g. `LSTM`.
    var name: String { get }
    /// h_t (and c_t) from p, q and h_{t−1} (and c_{t−1}).
    func forward(_ step: RecurrentStepForward)
    /// ∂L/∂p, ∂L/∂q, the direct part of ∂L/∂h_{t−1} (the rest is ∂L/∂q·W_hh) and ∂L/∂c_{t−1}.
    func backward(_ step: RecurrentStepBackward)
}

/// The rows of one time step that a cell reads and writes in the forward pass, each [N, ·].
struct RecurrentStepForward {
    let rows: Int
    let hiddenSize: Int
    /// p [N, G·H].
    let inputProjection: UnsafePointer<Float>
    /// q [N, G·H].
    let recurrentProjection: UnsafePointer<Float>
    /// h_{t−1} [N, H].
    let previousHidden: UnsafePointer<Float>
    /// c_{t−1} [N, H]; `nil` without a cell state.
    let previousCell: UnsafePointer<Float>?
    /// The cell's cache for backward [N, C·H], written.
    let gates: UnsafeMutablePointer<Float>
    /// h_t [N, H], written.
    let hidden: UnsafeMutablePointer<Float>
    /// c_t [N, H], written; `nil` without a cell state.
    let cell: UnsafeMutablePointer<Float>?
}

/// The rows of one time step that a cell reads and writes in the backward pass, each [N, ·].
struct RecurrentStepBackward {
    let rows: Int
    let hiddenSize: Int
    /// ∂L/∂h_t [N, H]: from the output at t and from step t + 1.
    let hiddenGradient: UnsafePointer<Float>
    /// ∂L/∂c_t [N, H] on entry, ∂L/∂c_{t−1} on return; `nil` without a cell state.
    let cellGradient: UnsafeMutablePointer<Float>?
    /// The forward pass's values at this step.
    let gates: UnsafePointer<Float>
    let recurrentProjection: UnsafePointer<Float>
    let previousHidden: UnsafePointer<Float>
    let hidden: UnsafePointer<Float>
    let previousCell: UnsafePointer<Float>?
    let cell: UnsafePointer<Float>?
    /// ∂L/∂p [N, G·H], written.
    let inputProjectionGradient: UnsafeMutablePointer<Float>
    /// ∂L/∂q [N, G·H], written.
    let recurrentProjectionGradient: UnsafeMutablePointer<Float>
    /// The part of ∂L/∂h_{t−1} [N, H] that does not pass through q, written (zero unless GRU).
    let directPreviousHiddenGradient: UnsafeMutablePointer<Float>
}
