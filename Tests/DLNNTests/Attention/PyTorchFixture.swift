import Foundation
import Testing
@testable import DLNN

/// Loads `Tests/Fixtures/<name>.safetensors` (written by `make_sequence_fixtures.py`) into
/// `layer` by PyTorch's names, runs forward on its `input` and backward on its `output_grad`,
/// and expects the output, ∂L/∂input and every parameter gradient (`grad.<path>`) within
/// `tolerance` relative error; returns the largest error.
@discardableResult
func expectMatchesPyTorchFixture(
    _ layer: any Layer, named name: String, tolerance: Double = 1e-5, sourceLocation: SourceLocation = #_sourceLocation
) throws -> Double {
    let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/\(name).safetensors")
    let loaded = try layer.loadWeights(from: file, strict: false)
    #expect(loaded.missing.isEmpty, "\(name): parameters missing from the fixture: \(loaded.missing)", sourceLocation: sourceLocation)
    let tensors = try SafeTensors.read(from: file).tensors
    let output = layer.forward(tensors["input"]!)
    layer.zeroGradients()
    let inputGradient = layer.backward(tensors["output_grad"]!)
    var errors = [("output", relativeError(doubles(output), doubles(tensors["output"]!))),
                  ("grad.input", relativeError(doubles(inputGradient), doubles(tensors["grad.input"]!)))]
    for (path, parameter) in layer.namedParameters() {
        errors.append(("grad.\(path)", relativeError(doubles(parameter.gradient), doubles(tensors["grad.\(path)"]!))))
    }
    for (what, error) in errors { #expect(error < tolerance, "\(name): \(what) relative error \(error)", sourceLocation: sourceLocation) }
    let largest = errors.map(\.1).max()!
    print("PyTorch fixture \(name): max relative error \(largest)")
    return largest
}
