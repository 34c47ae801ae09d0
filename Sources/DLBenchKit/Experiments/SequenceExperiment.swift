import DLNN
import DLReport
import Foundation

/// The recurrent cells compared by `dlbench sequences`.
enum SequenceCell: String, CaseIterable, Sendable {
    case rnn, lstm, gru

    var displayName: String {
        switch self {
        case .rnn: "RNN (tanh)"
        case .lstm: "LSTM"
        case .gru: "GRU"
        }
    }

    /// A one-layer network of this cell, PyTorch's default initialization.
    func network(inputSize: Int, hiddenSize: Int, generator: inout SeededGenerator) -> RecurrentNetwork {
        switch self {
        case .rnn: RNN(inputSize: inputSize, hiddenSize: hiddenSize, generator: &generator)
        case .lstm: LSTM(inputSize: inputSize, hiddenSize: hiddenSize, generator: &generator)
        case .gru: GRU(inputSize: inputSize, hiddenSize: hiddenSize, generator: &generator)
        }
    }

    /// A many-to-one model: the network, its last step, and a dense head of `outputs`.
    func lastStepModel(inputSize: Int, hiddenSize: Int, outputs: Int, generator: inout SeededGenerator) -> Sequential {
        Sequential(named: [
            ("rnn", network(inputSize: inputSize, hiddenSize: hiddenSize, generator: &generator)),
            ("last", LastTimeStep()),
            ("head", Dense(inputSize: hiddenSize, outputSize: outputs, weightInitializer: .xavierUniform(), generator: &generator)),
        ])
    }
}

/// Seconds since `start`.
func secondsSince(_ start: DispatchTime) -> Double {
    Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
}

/// √(Σ g²) over the gradients of `parameters`.
func globalGradientNorm(_ parameters: [Parameter]) -> Double {
    parameters.reduce(0.0) { total, parameter in
        parameter.gradient.withUnsafeBufferPointer { g in g.reduce(total) { $0 + Double($1) * Double($1) } }
    }.squareRoot()
}

/// Records the global gradient norm of every step (before clipping) and its loss.
final class GradientNormRecorder: TrainingCallback {
    private let parameters: [Parameter]
    private(set) var norms: [Double] = []

    init(_ parameters: [Parameter]) { self.parameters = parameters }

    func afterBackward(_ context: TrainingContext) {
        norms.append(globalGradientNorm(parameters))
    }
}

/// "seed 1" or "seeds 1–3 (n = 3)", for the setting lines.
func seedText(_ seeds: [UInt64]) -> String {
    guard let first = seeds.first, let last = seeds.last else { return "no seed" }
    return seeds.count == 1 ? "seed \(first)" : "seeds \(first)–\(last) (n = \(seeds.count))"
}
