import Foundation
@testable import DLNN

/// A double-precision recurrent network written straight from PyTorch's equations (plain loops,
/// no BLAS, no shared code with the library), for finite-difference checks.
struct RecurrentReference {
    enum Kind { case tanh, relu, lstm, gru }
    let kind: Kind
    let inputSize: Int
    let hiddenSize: Int
    let layers: Int
    let directions: Int

    var gateCount: Int {
        switch kind {
        case .tanh, .relu: 1
        case .lstm: 4
        case .gru: 3
        }
    }

    /// The output [T, N, D·H] and the final h (and c) [L·D, N, H] for x [T, N, I], the initial h
    /// (and c), and the parameters in PyTorch's order (per layer and direction: W_ih, W_hh, b_ih, b_hh).
    /// With `lengths`, sample n skips steps t ≥ lengths[n]: its state stays, its output is 0.
    func run(
        _ x: [Double], length: Int, h0: [Double], c0: [Double]?, parameters: [[Double]], lengths: [Int]? = nil
    ) -> (output: [Double], h: [Double], c: [Double]) {
        let (rows, hidden, width) = (x.count / (length * inputSize), hiddenSize, gateCount * hiddenSize)
        var layerInput = x, features = inputSize
        var finalH = [Double](repeating: 0, count: layers * directions * rows * hidden), finalC = finalH
        for layer in 0..<layers {
            var layerOutput = [Double](repeating: 0, count: length * rows * directions * hidden)
            for direction in 0..<directions {
                let index = layer * directions + direction
                let (wih, whh, bih, bhh) = (parameters[4 * index], parameters[4 * index + 1], parameters[4 * index + 2], parameters[4 * index + 3])
                var h = Array(h0[(index * rows * hidden)..<((index + 1) * rows * hidden)])
                var c = c0.map { Array($0[(index * rows * hidden)..<((index + 1) * rows * hidden)]) } ?? h.map { _ in 0 }
                for step in 0..<length {
                    let t = direction == 0 ? step : length - 1 - step
                    var newH = h, newC = c
                    for n in 0..<rows where t < (lengths?[n] ?? length) {
                        var p = [Double](repeating: 0, count: width), q = p
                        for g in 0..<width {
                            p[g] = bih[g]
                            for i in 0..<features { p[g] += wih[g * features + i] * layerInput[(t * rows + n) * features + i] }
                            q[g] = bhh[g]
                            for j in 0..<hidden { q[g] += whh[g * hidden + j] * h[n * hidden + j] }
                        }
                        for j in 0..<hidden {
                            let k = n * hidden + j
                            func sigmoid(_ v: Double) -> Double { 1 / (1 + exp(-v)) }
                            switch kind {
                            case .tanh: newH[k] = Foundation.tanh(p[j] + q[j])
                            case .relu: newH[k] = max(p[j] + q[j], 0)
                            case .lstm:
                                let i = sigmoid(p[j] + q[j]), f = sigmoid(p[hidden + j] + q[hidden + j])
                                let g = Foundation.tanh(p[2 * hidden + j] + q[2 * hidden + j]), o = sigmoid(p[3 * hidden + j] + q[3 * hidden + j])
                                newC[k] = f * c[k] + i * g
                                newH[k] = o * Foundation.tanh(newC[k])
                            case .gru:
                                let r = sigmoid(p[j] + q[j]), z = sigmoid(p[hidden + j] + q[hidden + j])
                                let candidate = Foundation.tanh(p[2 * hidden + j] + r * q[2 * hidden + j])
                                newH[k] = (1 - z) * candidate + z * h[k]
                            }
                        }
                    }
                    (h, c) = (newH, newC)
                    for n in 0..<rows where t < (lengths?[n] ?? length) {
                        for j in 0..<hidden { layerOutput[((t * rows + n) * directions + direction) * hidden + j] = h[n * hidden + j] }
                    }
                }
                finalH.replaceSubrange((index * rows * hidden)..<((index + 1) * rows * hidden), with: h)
                finalC.replaceSubrange((index * rows * hidden)..<((index + 1) * rows * hidden), with: c)
            }
            (layerInput, features) = (layerOutput, directions * hidden)
        }
        return (layerInput, finalH, finalC)
    }
}

/// Σᵢ aᵢ·bᵢ.
func innerProduct(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
