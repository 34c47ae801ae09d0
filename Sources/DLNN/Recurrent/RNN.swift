/// Elman's recurrent network (PyTorch's `nn.RNN`): per layer and direction
///
///     h_t = φ(x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh),   φ = tanh (default) or ReLU
///
/// with `weight_ih_l{l}` [H, I], `weight_hh_l{l}` [H, H]. Layout, stacking, directions, dropout
/// and states are `RecurrentNetwork`'s.
public final class RNN: RecurrentNetwork {
    /// The nonlinearity φ, PyTorch's `nonlinearity` argument.
    public enum Nonlinearity: Sendable {
        case tanh
        case relu
    }

    /// Creates `layers` stacked Elman layers of `hiddenSize` units over `inputSize` features,
    /// drawing the weights from U(−1/√H, 1/√H) and the dropout seeds with `generator`.
    public init(
        inputSize: Int, hiddenSize: Int, layers: Int = 1, nonlinearity: Nonlinearity = .tanh,
        bidirectional: Bool = false, dropout: Float = 0, generator: inout SeededGenerator
    ) {
        super.init(
            cell: ElmanCell(nonlinearity: nonlinearity), inputSize: inputSize, hiddenSize: hiddenSize, layers: layers,
            bidirectional: bidirectional, dropout: dropout, generator: &generator)
    }
}
