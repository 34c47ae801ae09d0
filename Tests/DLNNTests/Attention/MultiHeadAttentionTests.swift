import Foundation
import Testing
@testable import DLNN

/// `MultiHeadAttention` against a Double reference of its equations (finite differences of every
/// parameter and the input, with and without the causal mask) and against PyTorch's
/// `nn.MultiheadAttention` on a fixture of `Tests/Fixtures/make_sequence_fixtures.py`.
@Suite struct MultiHeadAttentionTests {
    /// y [T, N, E] for x [T, N, E] and θ = (W_in, b_in, W_o, b_o).
    static func reference(_ x: [Double], _ theta: [[Double]], length: Int, rows: Int, embeddingSize e: Int, heads: Int, causal: Bool) -> [Double] {
        let d = e / heads
        var qkv = [Double](repeating: 0, count: length * rows * 3 * e)
        for r in 0..<(length * rows) {
            for o in 0..<(3 * e) {
                var sum = theta[1][o]
                for i in 0..<e { sum += theta[0][o * e + i] * x[r * e + i] }
                qkv[r * 3 * e + o] = sum
            }
        }
        var context = [Double](repeating: 0, count: length * rows * e)
        for n in 0..<rows {
            for h in 0..<heads {
                func at(_ t: Int, _ part: Int, _ j: Int) -> Double { qkv[(t * rows + n) * 3 * e + part * e + h * d + j] }
                for i in 0..<length {
                    let visible = causal ? i + 1 : length
                    var scores = (0..<visible).map { j in (0..<d).reduce(0.0) { $0 + at(i, 0, $1) * at(j, 1, $1) } / Double(d).squareRoot() }
                    let m = scores.max()!
                    scores = scores.map { exp($0 - m) }
                    let total = scores.reduce(0, +)
                    for c in 0..<d {
                        context[(i * rows + n) * e + h * d + c] = (0..<visible).reduce(0.0) { $0 + scores[$1] / total * at($1, 2, c) }
                    }
                }
            }
        }
        return Reference.dense(context, weight: theta[2], bias: theta[3], inputSize: e, outputSize: e)
    }

    @Test(arguments: [false, true])
    func backwardMatchesFiniteDifferences(causal: Bool) {
        var generator = SeededGenerator(seed: 2)
        let (length, rows, e, heads) = (4, 2, 6, 2)
        let layer = MultiHeadAttention(embeddingSize: e, heads: heads, causal: causal, generator: &generator)
        randomizeParameters(of: layer, seed: 3)
        checkGradients(of: WithAllParameters(layer), input: randomInput([length, rows, e], seed: 4)) { x, theta in
            Self.reference(x, theta, length: length, rows: rows, embeddingSize: e, heads: heads, causal: causal)
        }
    }

    @Test func matchesPyTorch() throws {
        var generator = SeededGenerator(seed: 1)
        try expectMatchesPyTorchFixture(MultiHeadAttention(embeddingSize: 8, heads: 2, causal: true, generator: &generator), named: "Attention/multihead_attention_causal")
    }
}
