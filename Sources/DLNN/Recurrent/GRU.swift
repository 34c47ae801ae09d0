/// The gated recurrent unit (Cho et al., 2014) as PyTorch's `nn.GRU` computes it: per layer and
/// direction, with gates in the order r, z, n stacked in `weight_ih_l{l}` [3H, I] and
/// `weight_hh_l{l}` [3H, H],
///
///     r = σ(W_ir x_t + b_ir + W_hr h_{t−1} + b_hr)      z = σ(W_iz x_t + b_iz + W_hz h_{t−1} + b_hz)
///     n = tanh(W_in x_t + b_in + r ⊙ (W_hn h_{t−1} + b_hn))
///     h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}
///
/// b_hn sits inside the reset product, as in PyTorch (and cuDNN). Layout, stacking, directions,
/// dropout and states are `RecurrentNetwork`'s.
public final class GRU: RecurrentNetwork {
    /// Creates `layers` stacked GRU layers of `hiddenSize` units over `inputSize` features,
    /// drawing the weights from U(−1/√H, 1/√H) and the dropout seeds with `generator`.
    public init(
        inputSize: Int, hiddenSize: Int, layers: Int = 1, bidirectional: Bool = false, dropout: Float = 0,
        generator: inout SeededGenerator
    ) {
        super.init(
            cell: GRUCell(), inputSize: inputSize, hiddenSize: hiddenSize, layers: layers,
            bidirectional: bidirectional, dropout: dropout, generator: &generator)
    }
}
