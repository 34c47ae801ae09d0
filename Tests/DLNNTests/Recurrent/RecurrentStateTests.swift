import Testing
@testable import DLNN

/// States in and out: a sequence run in two chunks, the first's final state carried into the
/// second (truncated BPTT, stateful generation), gives the whole sequence's output, final state
/// and — with ∂L/∂(initial state) of the second chunk fed back as ∂L/∂(final state) of the first —
/// its gradients; and dropout between layers acts in training only, reproducibly.
@Suite struct RecurrentStateTests {
    static func makeLayers(dropout: Float = 0) -> [RecurrentNetwork] {
        var generator = SeededGenerator(seed: 3)
        return [
            RNN(inputSize: 3, hiddenSize: 4, layers: 2, generator: &generator),
            LSTM(inputSize: 3, hiddenSize: 4, layers: 2, dropout: dropout, generator: &generator),
            GRU(inputSize: 3, hiddenSize: 4, layers: 2, dropout: dropout, generator: &generator),
        ]
    }

    @Test func chunksWithCarriedStateEqualTheWholeSequence() {
        for layer in Self.makeLayers() {
            let x = randomInput([6, 2, 3], seed: 1), g = randomInput([6, 2, 4], seed: 2)
            let whole = layer.forward(x, initialState: nil)
            let wholeOutput = doubles(whole.output), wholeHidden = doubles(whole.finalState.hidden)
            layer.zeroGradients()
            let wholeGradient = doubles(layer.backward(g))
            let wholeParameterGradients = layer.parameters.map { doubles($0.gradient) }

            let first = layer.forward(x.slice(batch: 0..<3), initialState: nil)
            let firstOutput = doubles(first.output), carried = first.finalState
            // A second network call needs its own copy of the layer's caches: run chunk two on a twin.
            let twin = Self.twin(of: layer)
            let second = twin.forward(x.slice(batch: 3..<6), initialState: carried)
            #expect(relativeError(firstOutput + doubles(second.output), wholeOutput) < 1e-6, "\(layer.summaryName) output")
            #expect(relativeError(doubles(second.finalState.hidden), wholeHidden) < 1e-6, "\(layer.summaryName) h_n")

            layer.zeroGradients()
            twin.zeroGradients()
            let secondGradients = twin.backward(g.slice(batch: 3..<6), finalStateGradient: nil)
            let firstGradient = layer.backward(g.slice(batch: 0..<3), finalStateGradient: secondGradients.initialStateGradient).inputGradient
            #expect(relativeError(doubles(firstGradient) + doubles(secondGradients.inputGradient), wholeGradient) < 1e-5, "\(layer.summaryName) ∂L/∂x")
            for (p, parameter) in layer.parameters.enumerated() {
                let sum = zip(doubles(parameter.gradient), doubles(twin.parameters[p].gradient)).map { $0 + $1 }
                #expect(relativeError(sum, wholeParameterGradients[p]) < 1e-5, "\(layer.summaryName) ∂L/∂\(parameter.name)")
            }
        }
    }

    @Test func dropoutBetweenLayersActsInTrainingOnly() {
        let x = randomInput([5, 3, 3], seed: 4)
        for (plain, dropped) in zip(Self.makeLayers(), Self.makeLayers(dropout: 0.5)) where dropped.dropout > 0 {
            dropped.isTraining = false
            #expect(dropped.forward(x) == plain.forward(x), "\(dropped.summaryName): evaluation ignores dropout")
            dropped.isTraining = true
            let training = dropped.forward(x)
            #expect(training != plain.forward(x), "\(dropped.summaryName): training applies dropout")
            let again = Self.makeLayers(dropout: 0.5).first { $0.summaryName == dropped.summaryName }!
            #expect(again.forward(x) == training, "\(dropped.summaryName): the same seed gives the same masks")
        }
    }

    @Test func shapesAndNames() throws {
        var generator = SeededGenerator(seed: 1)
        let lstm = LSTM(inputSize: 5, hiddenSize: 7, layers: 2, bidirectional: true, generator: &generator)
        #expect(try lstm.outputShape(for: [9, 4, 5]) == [9, 4, 14])
        #expect(lstm.parameters.map(\.name) == [
            "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
            "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse",
            "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1",
            "weight_ih_l1_reverse", "weight_hh_l1_reverse", "bias_ih_l1_reverse", "bias_hh_l1_reverse",
        ])
        #expect(lstm.parameters.map(\.shape) == [[28, 5], [28, 7], [28], [28], [28, 5], [28, 7], [28], [28],
                                                 [28, 14], [28, 7], [28], [28], [28, 14], [28, 7], [28], [28]])
        let bound = 1 / Float(7).squareRoot()
        #expect(lstm.allParameters.allSatisfy { $0.value.scalars.allSatisfy { abs($0) <= bound } })
        #expect(throws: ShapeError.self) { try lstm.outputShape(for: [9, 4, 6]) }
        let state = lstm.forward(randomInput([3, 4, 5], seed: 1), initialState: nil).finalState
        #expect(state.hidden.shape == [4, 4, 7] && state.cell?.shape == [4, 4, 7])
    }

    /// A network of the same kind and configuration with the same parameter values.
    static func twin(of layer: RecurrentNetwork) -> RecurrentNetwork {
        let twin = makeLayers(dropout: layer.dropout).first { $0.summaryName == layer.summaryName }!
        for (a, b) in zip(twin.parameters, layer.parameters) { a.value = b.value }
        return twin
    }
}
