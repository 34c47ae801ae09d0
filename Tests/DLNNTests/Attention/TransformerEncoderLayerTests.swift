import Foundation
import Testing
@testable import DLNN

/// `TransformerEncoderLayer` against PyTorch's `nn.TransformerEncoderLayer` (forward and every
/// gradient, on a fixture of `Tests/Fixtures/make_sequence_fixtures.py`), and
/// `SinusoidalPositionalEncoding` against its formula.
@Suite struct TransformerEncoderLayerTests {
    @Test func matchesPyTorch() throws {
        var generator = SeededGenerator(seed: 1)
        try expectMatchesPyTorchFixture(TransformerEncoderLayer(embeddingSize: 8, heads: 2, feedForwardSize: 16, generator: &generator), named: "Attention/transformer_encoder_layer")
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
