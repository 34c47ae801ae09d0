import Foundation
import Testing
@testable import DLNN

/// `RNN`, `LSTM` and `GRU` against PyTorch on the fixtures of `Tests/Fixtures/make_sequence_fixtures.py`:
/// the state_dict loads by PyTorch's names, and the output, h_n, c_n and the gradients with
/// respect to the input, h0, c0 and every parameter equal PyTorch's (computed in float64 from
/// the same float32 numbers); with `lengths`, PyTorch's run on a packed sequence.
@Suite struct RecurrentPyTorchTests {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/Recurrent")
    static let (inputSize, hiddenSize) = (4, 6)

    static var cases: [(name: String, make: (inout SeededGenerator) -> RecurrentNetwork)] { [
        ("rnn_tanh", { RNN(inputSize: inputSize, hiddenSize: hiddenSize, generator: &$0) }),
        ("rnn_relu_2layers_bidirectional", {
            RNN(inputSize: inputSize, hiddenSize: hiddenSize, layers: 2, nonlinearity: .relu, bidirectional: true, generator: &$0)
        }),
        ("lstm", { LSTM(inputSize: inputSize, hiddenSize: hiddenSize, generator: &$0) }),
        ("lstm_2layers_bidirectional", { LSTM(inputSize: inputSize, hiddenSize: hiddenSize, layers: 2, bidirectional: true, generator: &$0) }),
        ("gru", { GRU(inputSize: inputSize, hiddenSize: hiddenSize, generator: &$0) }),
        ("gru_2layers_bidirectional", { GRU(inputSize: inputSize, hiddenSize: hiddenSize, layers: 2, bidirectional: true, generator: &$0) }),
        ("lstm_2layers_bidirectional_lengths", {
            LSTM(inputSize: inputSize, hiddenSize: hiddenSize, layers: 2, bidirectional: true, generator: &$0)
        }),
    ] }

    /// The tolerance on each relative error: float32 arithmetic against an exact answer.
    static let tolerance = 1e-5

    @Test(arguments: 0..<7)
    func matchesPyTorch(caseIndex: Int) throws {
        let (name, make) = Self.cases[caseIndex]
        var generator = SeededGenerator(seed: 1)
        let layer = make(&generator)
        let file = Self.fixtures.appendingPathComponent("\(name).safetensors")
        let loaded = try layer.loadWeights(from: file, strict: false)
        #expect(loaded.missing.isEmpty, "\(name): parameters missing from the fixture: \(loaded.missing)")
        let tensors = try SafeTensors.read(from: file).tensors
        func fixture(_ key: String) -> Tensor { tensors[key]! }
        let hasCell = tensors["c0"] != nil

        let lengths = tensors["lengths"]?.scalars.map { Int($0) }
        let (output, finalState) = layer.forward(
            fixture("input"), initialState: RecurrentState(hidden: fixture("h0"), cell: tensors["c0"]), lengths: lengths)
        var errors: [(String, Double)] = [("output", relativeError(doubles(output), doubles(fixture("output")))),
                                         ("h_n", relativeError(doubles(finalState.hidden), doubles(fixture("h_n"))))]
        if hasCell { errors.append(("c_n", relativeError(doubles(finalState.cell!), doubles(fixture("c_n"))))) }

        layer.zeroGradients()
        let gradients = layer.backward(
            fixture("output_grad"), finalStateGradient: RecurrentState(hidden: fixture("h_n_grad"), cell: tensors["c_n_grad"]))
        errors.append(("grad.input", relativeError(doubles(gradients.inputGradient), doubles(fixture("grad.input")))))
        errors.append(("grad.h0", relativeError(doubles(gradients.initialStateGradient.hidden), doubles(fixture("grad.h0")))))
        if hasCell { errors.append(("grad.c0", relativeError(doubles(gradients.initialStateGradient.cell!), doubles(fixture("grad.c0"))))) }
        for parameter in layer.parameters {
            errors.append(("grad.\(parameter.name)", relativeError(doubles(parameter.gradient), doubles(fixture("grad.\(parameter.name)")))))
        }
        for (what, error) in errors { #expect(error < Self.tolerance, "\(name): \(what) relative error \(error)") }
        print("PyTorch fixture \(name): max relative error \(errors.map(\.1).max()!)")
    }
}
