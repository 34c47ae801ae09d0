import Foundation

/// Hochreiter & Schmidhuber's cell (PyTorch's `nn.LSTM`), four gate blocks in the order i, f, g, o:
///
///     a = p + q
///     i = σ(a_i)   f = σ(a_f)   g = tanh(a_g)   o = σ(a_o)
///     c_t = f ⊙ c_{t−1} + i ⊙ g        h_t = o ⊙ tanh(c_t)
///
/// Backward, with δc = ∂L/∂c_t + ∂L/∂h_t ⊙ o ⊙ (1 − tanh²c_t):
///
///     ∂L/∂a_i = δc ⊙ g ⊙ i(1 − i)     ∂L/∂a_f = δc ⊙ c_{t−1} ⊙ f(1 − f)
///     ∂L/∂a_g = δc ⊙ i ⊙ (1 − g²)     ∂L/∂a_o = ∂L/∂h_t ⊙ tanh c_t ⊙ o(1 − o)
///     ∂L/∂c_{t−1} = δc ⊙ f,           ∂L/∂p = ∂L/∂q = ∂L/∂a
///
/// The activated gates i, f, g, o are the cache.
struct LSTMCell: RecurrentCell {
    var gateCount: Int { 4 }
    var carriesCellState: Bool { true }
    var name: String { "LSTM" }

    func forward(_ step: RecurrentStepForward) {
        let hiddenSize = step.hiddenSize, width = 4 * hiddenSize
        let (cPrevious, c) = (step.previousCell!, step.cell!)
        for n in 0..<step.rows {
            let p = step.inputProjection + n * width, q = step.recurrentProjection + n * width
            let gates = step.gates + n * width
            for j in 0..<hiddenSize {
                let i = sigmoid(p[j] + q[j])
                let f = sigmoid(p[hiddenSize + j] + q[hiddenSize + j])
                let g = tanh(p[2 * hiddenSize + j] + q[2 * hiddenSize + j])
                let o = sigmoid(p[3 * hiddenSize + j] + q[3 * hiddenSize + j])
                (gates[j], gates[hiddenSize + j], gates[2 * hiddenSize + j], gates[3 * hiddenSize + j]) = (i, f, g, o)
                let k = n * hiddenSize + j
                c[k] = f * cPrevious[k] + i * g
                step.hidden[k] = o * tanh(c[k])
            }
        }
    }

    func backward(_ step: RecurrentStepBackward) {
        let hiddenSize = step.hiddenSize, width = 4 * hiddenSize
        let (dc, cPrevious, c) = (step.cellGradient!, step.previousCell!, step.cell!)
        for n in 0..<step.rows {
            let gates = step.gates + n * width
            let da = step.inputProjectionGradient + n * width
            for j in 0..<hiddenSize {
                let (i, f, g, o) = (gates[j], gates[hiddenSize + j], gates[2 * hiddenSize + j], gates[3 * hiddenSize + j])
                let k = n * hiddenSize + j
                let tanhC = tanh(c[k]), dh = step.hiddenGradient[k]
                let dcTotal = dc[k] + dh * o * (1 - tanhC * tanhC)
                da[j] = dcTotal * g * i * (1 - i)
                da[hiddenSize + j] = dcTotal * cPrevious[k] * f * (1 - f)
                da[2 * hiddenSize + j] = dcTotal * i * (1 - g * g)
                da[3 * hiddenSize + j] = dh * tanhC * o * (1 - o)
                dc[k] = dcTotal * f
            }
        }
        step.recurrentProjectionGradient.update(from: step.inputProjectionGradient, count: step.rows * width)
        step.directPreviousHiddenGradient.update(repeating: 0, count: step.rows * hiddenSize)
    }
}
