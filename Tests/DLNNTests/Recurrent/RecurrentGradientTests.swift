import Testing
@testable import DLNN

/// Every backward of `RNN`, `LSTM` and `GRU` against central differences of a Double reference
/// (`RecurrentReference`): the output, the final state, and the gradients with respect to the
/// input, the initial state and every parameter, for L = R·output + R_h·h_n (+ R_c·c_n).
@Suite struct RecurrentGradientTests {
    static let (length, rows, inputSize, hiddenSize) = (4, 2, 3, 3)

    static func makeLayer(_ kind: RecurrentReference.Kind, layers: Int, bidirectional: Bool) -> RecurrentNetwork {
        var generator = SeededGenerator(seed: 11)
        switch kind {
        case .tanh, .relu:
            return RNN(inputSize: inputSize, hiddenSize: hiddenSize, layers: layers, nonlinearity: kind == .tanh ? .tanh : .relu,
                       bidirectional: bidirectional, generator: &generator)
        case .lstm: return LSTM(inputSize: inputSize, hiddenSize: hiddenSize, layers: layers, bidirectional: bidirectional, generator: &generator)
        case .gru: return GRU(inputSize: inputSize, hiddenSize: hiddenSize, layers: layers, bidirectional: bidirectional, generator: &generator)
        }
    }

    @Test(arguments: [RecurrentReference.Kind.tanh, .relu, .lstm, .gru], [(1, false), (2, false), (1, true), (2, true)])
    func backwardMatchesFiniteDifferences(kind: RecurrentReference.Kind, configuration: (layers: Int, bidirectional: Bool)) {
        checkBackward(kind: kind, layers: configuration.layers, bidirectional: configuration.bidirectional, lengths: nil)
    }

    /// Samples of lengths 4, 1 and 0 of T = 4 (a full one, a one-step one and an empty one).
    @Test(arguments: [RecurrentReference.Kind.tanh, .lstm, .gru])
    func backwardWithLengthsMatchesFiniteDifferences(kind: RecurrentReference.Kind) {
        checkBackward(kind: kind, layers: 2, bidirectional: true, lengths: [4, 1, 0], rows: 3)
    }

    func checkBackward(kind: RecurrentReference.Kind, layers: Int, bidirectional: Bool, lengths: [Int]?, rows: Int = Self.rows) {
        let configuration = (layers: layers, bidirectional: bidirectional)
        let layer = Self.makeLayer(kind, layers: configuration.layers, bidirectional: configuration.bidirectional)
        let reference = RecurrentReference(
            kind: kind, inputSize: Self.inputSize, hiddenSize: Self.hiddenSize,
            layers: configuration.layers, directions: layer.directionCount)
        let stateShape: TensorShape = [configuration.layers * layer.directionCount, rows, Self.hiddenSize]
        let x = randomInput([Self.length, rows, Self.inputSize], seed: 1)
        let h0 = randomInput(stateShape, seed: 2)
        let c0 = kind == .lstm ? randomInput(stateShape, seed: 3) : nil
        let (output, finalState) = layer.forward(x, initialState: RecurrentState(hidden: h0, cell: c0), lengths: lengths)
        let r = randomInput(output.shape, seed: 4), rh = randomInput(stateShape, seed: 5)
        let rc = kind == .lstm ? randomInput(stateShape, seed: 6) : nil
        let expectedOutput = (output.scalars.map(Double.init), finalState.hidden.scalars.map(Double.init), finalState.cell.map(doubles))
        layer.zeroGradients()
        let gradients = layer.backward(r, finalStateGradient: RecurrentState(hidden: rh, cell: rc))

        let theta = layer.parameters.map { doubles($0.value) }
        func loss(x: [Double], h0: [Double], c0: [Double]?, theta: [[Double]]) -> Double {
            let result = reference.run(x, length: Self.length, h0: h0, c0: c0, parameters: theta, lengths: lengths)
            return innerProduct(result.output, doubles(r)) + innerProduct(result.h, doubles(rh)) + (rc.map { innerProduct(result.c, doubles($0)) } ?? 0)
        }
        let (xs, hs, cs) = (doubles(x), doubles(h0), c0.map(doubles))
        let referenceResult = reference.run(xs, length: Self.length, h0: hs, c0: cs, parameters: theta, lengths: lengths)
        let tolerance = 1e-4
        #expect(relativeError(expectedOutput.0, referenceResult.output) < tolerance, "\(layer.summaryName) output")
        #expect(relativeError(expectedOutput.1, referenceResult.h) < tolerance, "\(layer.summaryName) h_n")
        if let c = expectedOutput.2 { #expect(relativeError(c, referenceResult.c) < tolerance, "\(layer.summaryName) c_n") }

        let numericX = numericGradient(of: { loss(x: $0, h0: hs, c0: cs, theta: theta) }, at: xs)
        #expect(relativeError(doubles(gradients.inputGradient), numericX) < tolerance, "\(layer.summaryName) ∂L/∂x")
        let numericH0 = numericGradient(of: { loss(x: xs, h0: $0, c0: cs, theta: theta) }, at: hs)
        #expect(relativeError(doubles(gradients.initialStateGradient.hidden), numericH0) < tolerance, "\(layer.summaryName) ∂L/∂h0")
        if let cs {
            let numericC0 = numericGradient(of: { loss(x: xs, h0: hs, c0: $0, theta: theta) }, at: cs)
            #expect(relativeError(doubles(gradients.initialStateGradient.cell!), numericC0) < tolerance, "\(layer.summaryName) ∂L/∂c0")
        }
        for (p, parameter) in layer.parameters.enumerated() {
            let numeric = numericGradient(of: { value in
                var perturbed = theta
                perturbed[p] = value
                return loss(x: xs, h0: hs, c0: cs, theta: perturbed)
            }, at: theta[p])
            #expect(relativeError(doubles(parameter.gradient), numeric) < tolerance, "\(layer.summaryName) ∂L/∂\(parameter.name)")
        }
    }

    /// The plain `Layer` path (zero initial state, no final-state gradient) through the repository's `checkGradients`.
    @Test(arguments: [RecurrentReference.Kind.tanh, .lstm, .gru])
    func layerBackwardMatchesFiniteDifferences(kind: RecurrentReference.Kind) {
        let layer = Self.makeLayer(kind, layers: 2, bidirectional: true)
        let reference = RecurrentReference(kind: kind, inputSize: Self.inputSize, hiddenSize: Self.hiddenSize, layers: 2, directions: 2)
        let zeros = [Double](repeating: 0, count: 4 * Self.rows * Self.hiddenSize)
        checkGradients(of: layer, input: randomInput([Self.length, Self.rows, Self.inputSize], seed: 8)) { x, theta in
            reference.run(x, length: Self.length, h0: zeros, c0: kind == .lstm ? zeros : nil, parameters: theta).output
        }
    }
}
