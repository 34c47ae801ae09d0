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
    var cacheBlockCount: Int { 3 }
    var carriesCellState: Bool { false }
    var name: String { "GRU" }

    func forward(_ step: RecurrentStepForward) {
        let hiddenSize = step.hiddenSize, width = 3 * hiddenSize
        for n in 0..<step.rows {
            let (p, q) = (step.inputProjection + n * width, step.recurrentProjection + n * width)
            let (pr, pz, pn) = (p, p + hiddenSize, p + 2 * hiddenSize)
            let (qr, qz, qn) = (q, q + hiddenSize, q + 2 * hiddenSize)
            let r = step.gates + n * width
            let (z, candidate) = (r + hiddenSize, r + 2 * hiddenSize)
            let (hPrevious, h) = (step.previousHidden + n * hiddenSize, step.hidden + n * hiddenSize)
            for j in 0..<hiddenSize {
                let reset = sigmoid(pr[j] + qr[j]), update = sigmoid(pz[j] + qz[j])
                let new = hyperbolicTangent(pn[j] + reset * qn[j])
                (r[j], z[j], candidate[j]) = (reset, update, new)
                h[j] = (1 - update) * new + update * hPrevious[j]
            }
        }
    }

    func backward(_ step: RecurrentStepBackward) {
        let hiddenSize = step.hiddenSize, width = 3 * hiddenSize
        for n in 0..<step.rows {
            let r = step.gates + n * width
            let (z, candidate) = (r + hiddenSize, r + 2 * hiddenSize)
            let qn = step.recurrentProjection + n * width + 2 * hiddenSize
            let dp = step.inputProjectionGradient + n * width, dq = step.recurrentProjectionGradient + n * width
            let (dpr, dpz, dpn) = (dp, dp + hiddenSize, dp + 2 * hiddenSize)
            let (dqr, dqz, dqn) = (dq, dq + hiddenSize, dq + 2 * hiddenSize)
            let row = n * hiddenSize
            let (dh, hPrevious, dhPrevious) = (step.hiddenGradient + row, step.previousHidden + row, step.directPreviousHiddenGradient + row)
            for j in 0..<hiddenSize {
                let (reset, update, new, gradient) = (r[j], z[j], candidate[j], dh[j])
                let dCandidate = gradient * (1 - update) * (1 - new * new)
                let dr = dCandidate * qn[j] * reset * (1 - reset)
                let dz = gradient * (hPrevious[j] - new) * update * (1 - update)
                (dpr[j], dpz[j], dpn[j]) = (dr, dz, dCandidate)
                (dqr[j], dqz[j], dqn[j]) = (dr, dz, dCandidate * reset)
                dhPrevious[j] = gradient * update
            }
        }
    }
}
