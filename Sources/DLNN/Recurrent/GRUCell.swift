import Foundation

/// Cho et al.'s gated recurrent unit as PyTorch's `nn.GRU` computes it, three gate blocks in the
/// order r, z, n, with b_hn inside the reset product:
///
///     r = σ(p_r + q_r)    z = σ(p_z + q_z)    n = tanh(p_n + r ⊙ q_n)
///     h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}
///
/// where q_n = h_{t−1}·W_hnᵀ + b_hn. Backward, with δn = ∂L/∂h_t ⊙ (1 − z) ⊙ (1 − n²):
///
///     ∂L/∂p_n = δn                 ∂L/∂q_n = δn ⊙ r
///     ∂L/∂p_r = ∂L/∂q_r = δn ⊙ q_n ⊙ r(1 − r)
///     ∂L/∂p_z = ∂L/∂q_z = ∂L/∂h_t ⊙ (h_{t−1} − n) ⊙ z(1 − z)
///     ∂L/∂h_{t−1} = ∂L/∂h_t ⊙ z  (direct part)  + ∂L/∂q·W_hh
///
/// The activated gates r, z, n are the cache; q_n is read back from the cached q.
struct GRUCell: RecurrentCell {
    var gateCount: Int { 3 }
    var carriesCellState: Bool { false }
    var name: String { "GRU" }

    func forward(_ step: RecurrentStepForward) {
        let hiddenSize = step.hiddenSize, width = 3 * hiddenSize
        for n in 0..<step.rows {
            let p = step.inputProjection + n * width, q = step.recurrentProjection + n * width
            let gates = step.gates + n * width
            for j in 0..<hiddenSize {
                let r = sigmoid(p[j] + q[j])
                let z = sigmoid(p[hiddenSize + j] + q[hiddenSize + j])
                let candidate = tanh(p[2 * hiddenSize + j] + r * q[2 * hiddenSize + j])
                (gates[j], gates[hiddenSize + j], gates[2 * hiddenSize + j]) = (r, z, candidate)
                let k = n * hiddenSize + j
                step.hidden[k] = (1 - z) * candidate + z * step.previousHidden[k]
            }
        }
    }

    func backward(_ step: RecurrentStepBackward) {
        let hiddenSize = step.hiddenSize, width = 3 * hiddenSize
        for n in 0..<step.rows {
            let gates = step.gates + n * width, q = step.recurrentProjection + n * width
            let dp = step.inputProjectionGradient + n * width, dq = step.recurrentProjectionGradient + n * width
            for j in 0..<hiddenSize {
                let (r, z, candidate) = (gates[j], gates[hiddenSize + j], gates[2 * hiddenSize + j])
                let k = n * hiddenSize + j
                let dh = step.hiddenGradient[k]
                let dCandidate = dh * (1 - z) * (1 - candidate * candidate)
                let dr = dCandidate * q[2 * hiddenSize + j] * r * (1 - r)
                let dz = dh * (step.previousHidden[k] - candidate) * z * (1 - z)
                (dp[j], dp[hiddenSize + j], dp[2 * hiddenSize + j]) = (dr, dz, dCandidate)
                (dq[j], dq[hiddenSize + j], dq[2 * hiddenSize + j]) = (dr, dz, dCandidate * r)
                step.directPreviousHiddenGradient[k] = dh * z
            }
        }
    }
}
