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
/// The cache is the activated gates i, f, g, o and tanh c_t (five blocks), so backward evaluates
/// no transcendental function.
struct LSTMCell: RecurrentCell {
    var gateCount: Int { 4 }
    var cacheBlockCount: Int { 5 }
    var carriesCellState: Bool { true }
    var name: String { "LSTM" }

    func forward(_ step: RecurrentStepForward) {
        let hiddenSize = step.hiddenSize, width = 4 * hiddenSize
        for n in 0..<step.rows {
            let (p, q) = (step.inputProjection + n * width, step.recurrentProjection + n * width)
            let (pi, pf, pg, po) = (p, p + hiddenSize, p + 2 * hiddenSize, p + 3 * hiddenSize)
            let (qi, qf, qg, qo) = (q, q + hiddenSize, q + 2 * hiddenSize, q + 3 * hiddenSize)
            let i = step.gates + n * 5 * hiddenSize
            let (f, g, o, tanhC) = (i + hiddenSize, i + 2 * hiddenSize, i + 3 * hiddenSize, i + 4 * hiddenSize)
            let cPrevious = step.previousCell! + n * hiddenSize, c = step.cell! + n * hiddenSize
            let h = step.hidden + n * hiddenSize
            for j in 0..<hiddenSize {
                let (input, forget) = (sigmoid(pi[j] + qi[j]), sigmoid(pf[j] + qf[j]))
                let (candidate, output) = (hyperbolicTangent(pg[j] + qg[j]), sigmoid(po[j] + qo[j]))
                let cell = forget * cPrevious[j] + input * candidate, squashedCell = hyperbolicTangent(cell)
                (i[j], f[j], g[j], o[j], tanhC[j]) = (input, forget, candidate, output, squashedCell)
                c[j] = cell
                h[j] = output * squashedCell
            }
        }
    }

    func backward(_ step: RecurrentStepBackward) {
        let hiddenSize = step.hiddenSize, width = 4 * hiddenSize
        for n in 0..<step.rows {
            let i = step.gates + n * 5 * hiddenSize
            let (f, g, o, tanhC) = (i + hiddenSize, i + 2 * hiddenSize, i + 3 * hiddenSize, i + 4 * hiddenSize)
            let da = step.inputProjectionGradient + n * width
            let (dai, daf, dag, dao) = (da, da + hiddenSize, da + 2 * hiddenSize, da + 3 * hiddenSize)
            let row = n * hiddenSize
            let (dh, dc, cPrevious) = (step.hiddenGradient + row, step.cellGradient! + row, step.previousCell! + row)
            for j in 0..<hiddenSize {
                let (input, forget, candidate, output, squashedCell) = (i[j], f[j], g[j], o[j], tanhC[j])
                let dcTotal = dc[j] + dh[j] * output * (1 - squashedCell * squashedCell)
                dai[j] = dcTotal * candidate * input * (1 - input)
                daf[j] = dcTotal * cPrevious[j] * forget * (1 - forget)
                dag[j] = dcTotal * input * (1 - candidate * candidate)
                dao[j] = dh[j] * squashedCell * output * (1 - output)
                dc[j] = dcTotal * forget
            }
        }
        step.recurrentProjectionGradient.update(from: step.inputProjectionGradient, count: step.rows * width)
        step.directPreviousHiddenGradient.update(repeating: 0, count: step.rows * hiddenSize)
    }
}
