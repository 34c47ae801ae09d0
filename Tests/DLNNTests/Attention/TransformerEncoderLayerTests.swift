import Foundation
import Testing
@testable import DLNN

/// `TransformerEncoderLayer` against PyTorch's `nn.TransformerEncoderLayer` (forward and every
/// gradient, on a fixture of `Tests/Fixtures/make_sequence_fixtures.py`), and
/// `SinusoidalPositionalEncoding` against its formula.
@Suite struct TransformerEncoderLayerTests {
    @Test func matchesPyTorch() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/Attention/transformer_encoder_layer.safetensors")
        var generator = SeededGenerator(seed: 1)
        let layer = TransformerEncoderLayer(embeddingSize: 8, heads: 2, feedForwardSize: 16, generator: &generator)
        let loaded = try layer.loadWeights(from: file, strict: false)
        #expect(loaded.missing.isEmpty)
        let tensors = try SafeTensors.read(from: file).tensors
        let output = layer.forward(tensors["input"]!)
        layer.zeroGradients()
        let inputGradient = layer.backward(tensors["output_grad"]!)
        var errors = [("output", relativeError(doubles(output), doubles(tensors["output"]!))),
                      ("grad.input", relativeError(doubles(inputGradient), doubles(tensors["grad.input"]!)))]
        for (path, parameter) in layer.namedParameters() {
            errors.append(("grad.\(path)", relativeError(doubles(parameter.gradient), doubles(tensors["grad.\(path)"]!))))
        }
        for (what, error) in errors { #expect(error < 1e-5, "\(what) relative error \(error)") }
        print("PyTorch fixture transformer_encoder_layer: max relative error \(errors.map(\.1).max()!)")
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
