/// Elman's cell (PyTorch's `nn.RNN`), one gate block (G = 1):
///
///     h_t = φ(p + q) = φ(x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh),   φ = tanh or ReLU
///     ∂L/∂p = ∂L/∂q = ∂L/∂h_t ⊙ φ′,   φ′ = 1 − h_t² (tanh) or [h_t > 0] (ReLU)
struct ElmanCell: RecurrentCell {
    let nonlinearity: RNN.Nonlinearity
    var gateCount: Int { 1 }
    /// Backward reads h_t, which the direction keeps as its output.
    var cacheBlockCount: Int { 0 }
    var carriesCellState: Bool { false }
    var name: String { nonlinearity == .tanh ? "RNN" : "RNN(ReLU)" }

    func forward(_ step: RecurrentStepForward) {
        let (p, q, h) = (step.inputProjection, step.recurrentProjection, step.hidden)
        switch nonlinearity {
        case .tanh: for i in 0..<(step.rows * step.hiddenSize) { h[i] = hyperbolicTangent(p[i] + q[i]) }
        case .relu: for i in 0..<(step.rows * step.hiddenSize) { h[i] = max(p[i] + q[i], 0) }
        }
    }

    func backward(_ step: RecurrentStepBackward) {
        let (dh, h) = (step.hiddenGradient, step.hidden)
        let (dp, dq) = (step.inputProjectionGradient, step.recurrentProjectionGradient)
        let count = step.rows * step.hiddenSize
        for i in 0..<count {
            let derivative: Float = nonlinearity == .tanh ? 1 - h[i] * h[i] : (h[i] > 0 ? 1 : 0)
            dp[i] = dh[i] * derivative
            dq[i] = dp[i]
        }
        step.directPreviousHiddenGradient.update(repeating: 0, count: count)
    }
}
