/// The state of a recurrent network between two calls, as PyTorch lays it out: `hidden` h
/// [L·D, N, H] and, for an LSTM, `cell` c [L·D, N, H], with entry l·D + d for layer l and
/// direction d (0 forward, 1 reverse).
///
/// The final state of one call is the initial state of the next (truncated backpropagation
/// through time, stateful generation); the same type carries the gradients with respect to a
/// state.
public struct RecurrentState: Sendable {
    /// h [L·D, N, H].
    public var hidden: Tensor
    /// c [L·D, N, H] for an LSTM, `nil` otherwise.
    public var cell: Tensor?

    /// A state from h and, for an LSTM, c.
    public init(hidden: Tensor, cell: Tensor? = nil) {
        self.hidden = hidden
        self.cell = cell
    }
}
