/// Long short-term memory (Hochreiter & Schmidhuber, 1997; PyTorch's `nn.LSTM`): per layer and
/// direction, with gates in PyTorch's order i, f, g, o stacked in `weight_ih_l{l}` [4H, I] and
/// `weight_hh_l{l}` [4H, H],
///
///     i = σ(W_ii x_t + b_ii + W_hi h_{t−1} + b_hi)      f = σ(W_if x_t + b_if + W_hf h_{t−1} + b_hf)
///     g = tanh(W_ig x_t + b_ig + W_hg h_{t−1} + b_hg)   o = σ(W_io x_t + b_io + W_ho h_{t−1} + b_ho)
///     c_t = f ⊙ c_{t−1} + i ⊙ g                          h_t = o ⊙ tanh(c_t)
///
/// The state is (h, c): `RecurrentState.cell` is c [L·D, N, H]. Layout, stacking, directions,
/// dropout and states are `RecurrentNetwork`'s.
public final class LSTM: RecurrentNetwork {
    /// Creates `layers` stacked LSTM layers of `hiddenSize` units over `inputSize` features,
    /// drawing the weights from U(−1/√H, 1/√H) and the dropout seeds with `generator`.
    public init(
        inputSize: Int, hiddenSize: Int, layers: Int = 1, bidirectional: Bool = false, dropout: Float = 0,
        generator: inout SeededGenerator
    ) {
        super.init(
            cell: LSTMCell(), inputSize: inputSize, hiddenSize: hiddenSize, layers: layers,
            bidirectional: bidirectional, dropout: dropout, generator: &generator)
    }
}
