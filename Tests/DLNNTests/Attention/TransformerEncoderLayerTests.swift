import Foundation
import Testing
@testable import DLNN

/// `TransformerEncoderLayer` against PyTorch's `nn.TransformerEncoderLayer` (forward and every
/// gradient, on a fixture of `Tests/Fixtures/make_sequence_fixtures.py`) and against finite
/// differences of a Double reference composed from the attention reference, and
/// `SinusoidalPositionalEncoding` against its formula.
@Suite struct TransformerEncoderLayerTests {
    @Test func matchesPyTorch() throws {
        var generator = SeededGenerator(seed: 1)
        try expectMatchesPyTorchFixture(TransformerEncoderLayer(embeddingSize: 8, heads: 2, feedForwardSize: 16, generator: &generator), named: "Attention/transformer_encoder_layer")
    }

    @Test func backwardMatchesFiniteDifferences() {
        var generator = SeededGenerator(seed: 4)
        let (length, rows, e, heads, hidden) = (3, 2, 4, 2, 5)
        let layer = TransformerEncoderLayer(embeddingSize: e, heads: heads, feedForwardSize: hidden, generator: &generator)
        randomizeParameters(of: layer, seed: 5)
        /// LayerNorm over each row of E features, ε = 1e-5.
        func layerNorm(_ x: [Double], _ gamma: [Double], _ beta: [Double]) -> [Double] {
            stride(from: 0, to: x.count, by: e).flatMap { start -> [Double] in
                let row = x[start..<(start + e)], mean = row.reduce(0, +) / Double(e)
                let variance = row.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(e)
                return row.enumerated().map { j, v in gamma[j] * (v - mean) / (variance + 1e-5).squareRoot() + beta[j] }
            }
        }
        // θ in allParameters order: self_attn (4), linear1 (2), linear2 (2), norm1 (2), norm2 (2).
        checkGradients(of: WithAllParameters(layer), input: randomInput([length, rows, e], seed: 6)) { x, theta in
            let attention = MultiHeadAttentionTests.reference(
                x, Array(theta[0..<4]), length: length, rows: rows, embeddingSize: e, heads: heads, causal: false)
            let h = layerNorm(zip(x, attention).map(+), theta[8], theta[9])
            let inner = Reference.dense(h, weight: theta[4], bias: theta[5], inputSize: e, outputSize: hidden).map { max($0, 0) }
            let feedForward = Reference.dense(inner, weight: theta[6], bias: theta[7], inputSize: hidden, outputSize: e)
            return layerNorm(zip(h, feedForward).map(+), theta[10], theta[11])
        }
    }

    @Test func positionalEncodingAddsSinesAndCosines() {
        let encoding = SinusoidalPositionalEncoding(embeddingSize: 4)
        let x = randomInput([3, 2, 4], seed: 1)
        let y = encoding.forward(x)
        for t in 0..<3 {
            for n in 0..<2 {
                for j in 0..<4 {
                    let angle = Double(t) / pow(10000, Double(j - j % 2) / 4)
                    let expected = Double(x.scalars[(t * 2 + n) * 4 + j]) + (j % 2 == 0 ? sin(angle) : cos(angle))
                    #expect(abs(Double(y.scalars[(t * 2 + n) * 4 + j]) - expected) < 1e-6)
                }
            }
        }
        #expect(encoding.backward(y) == y)
    }
}
