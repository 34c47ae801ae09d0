import Testing
@testable import DLNN

@Suite struct ParameterBufferTests {
    /// Four parameters of awkward sizes, the same values on every call.
    private func makeParameters(seed: UInt64 = 3) -> [Parameter] {
        var generator = SeededGenerator(seed: seed)
        return [[3, 5], [7], [2, 3, 2, 2], [1]].enumerated().map { index, shape in
            Parameter(name: "p\(index)", value: .randomNormal(TensorShape(shape), using: &generator))
        }
    }

    /// A gradient that depends on θ, so that every step sees a new one: g = θ³ − 0.3·θ + 0.1·i.
    private func setGradients(of parameters: [Parameter]) {
        for parameter in parameters {
            parameter.gradient = parameter.value.map { $0 * $0 * $0 - 0.3 * $0 } + parameter.value.map { _ in 0.1 }
        }
    }

    @Test func packingKeepsValuesAndGradientsAndLaysThemOutInOrder() {
        let parameters = makeParameters()
        for parameter in parameters { parameter.gradient = parameter.value * 2 }
        let values = parameters.map(\.value), gradients = parameters.map(\.gradient)
        let buffer = ParameterBuffer.pack(parameters)
        #expect(buffer.count == 15 + 7 + 24 + 1)
        #expect(parameters.map(\.offset) == [0, 15, 22, 46])
        #expect(parameters.allSatisfy { $0.buffer === buffer })
        #expect(parameters.map(\.value) == values)
        #expect(parameters.map(\.gradient) == gradients)
        #expect(buffer.values.scalars == values.flatMap(\.scalars))
        // Packing what already fills a buffer in order changes nothing.
        #expect(ParameterBuffer.pack(parameters) === buffer)
    }

    @Test func writesThroughAParameterReachTheBufferAndEarlierReadsStayAsTheyWere() {
        let parameters = makeParameters()
        let buffer = ParameterBuffer.pack(parameters)
        let before = parameters[1].value
        parameters[1].withUnsafeMutableValue { $0.update(repeating: 4) }
        #expect(parameters[1].value.scalars == Array(repeating: 4, count: 7))
        #expect(Array(buffer.values.scalars[15..<22]) == Array(repeating: 4, count: 7))
        #expect(before != parameters[1].value)
        parameters[2].zeroGradient()
        parameters[2].withUnsafeMutableGradient { $0[5] = 1 }
        #expect(buffer.gradients.scalars[27] == 1)
    }

    /// The whole-buffer sweep (one group: runs of parameters) against one call per parameter (one
    /// group each, the same hyper-parameters), over six steps: equal bit for bit.
    @Test(arguments: ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam", "amsgrad", "adamw"])
    func sweepingRunsEqualsUpdatingEachParameter(optimizer name: String) {
        func make(_ groups: [ParameterGroup]) -> any Optimizer {
            switch name {
            case "sgd": SGD(groups, learningRate: 0.05)
            case "momentum": SGD(groups, learningRate: 0.05, momentum: 0.9)
            case "nesterov": SGD(groups, learningRate: 0.05, momentum: 0.9, nesterov: true)
            case "adagrad": AdaGrad(groups, learningRate: 0.05)
            case "rmsprop": RMSProp(groups, learningRate: 0.01)
            case "adadelta": Adadelta(groups)
            case "adam": Adam(groups, learningRate: 0.01)
            case "amsgrad": AMSGrad(groups, learningRate: 0.01)
            default: AdamW(groups, learningRate: 0.01)
            }
        }
        let swept = makeParameters(), separate = makeParameters()
        let decay: Float = name == "sgd" ? 0 : 0.01
        let whole = make([ParameterGroup(parameters: swept, weightDecay: decay)])
        let each = make(separate.map { ParameterGroup(parameters: [$0], weightDecay: decay) })
        for _ in 0..<6 {
            setGradients(of: swept)
            setGradients(of: separate)
            whole.step()
            each.step()
        }
        #expect(swept.map(\.value) == separate.map(\.value))
        #expect(swept.map(\.value) != makeParameters().map(\.value))
    }

    @Test func aFrozenParameterInTheMiddleStaysAndTheOthersMove() {
        let parameters = makeParameters()
        parameters[1].isTrainable = false
        let start = parameters.map(\.value)
        let optimizer = Adam(parameters, learningRate: 0.1)
        setGradients(of: parameters)
        optimizer.step()
        #expect(parameters[1].value == start[1])
        for index in [0, 2, 3] { #expect(parameters[index].value != start[index]) }
        // Unfrozen late, it starts its own bias corrections at t = 1 while the others are at t = 2.
        parameters[1].isTrainable = true
        setGradients(of: parameters)
        optimizer.step()
        #expect(optimizer.state().scalars["1.step"] == 1 && optimizer.state().scalars["0.step"] == 2)
    }

    @Test func anOptimizerWhoseParametersWereRepackedStillUpdatesThem() {
        let parameters = makeParameters()
        let first = SGD(parameters, learningRate: 0.1)
        _ = SGD(Array(parameters.reversed()), learningRate: 0.1)   // moves them into a buffer of its own
        #expect(parameters[0].buffer !== first.parameterBuffer)
        let before = parameters.map(\.value)
        setGradients(of: parameters)
        let gradients = parameters.map(\.gradient)
        first.step()
        #expect(parameters[0].buffer === first.parameterBuffer)
        for (index, parameter) in parameters.enumerated() {
            #expect(parameter.value == before[index] - gradients[index] * 0.1)
        }
    }

    @Test func clippingAPackedBufferEqualsClippingEachParameter() {
        let packed = makeParameters(), loose = makeParameters()
        ParameterBuffer.pack(packed)
        packed[2].isTrainable = false
        loose[2].isTrainable = false
        setGradients(of: packed)
        setGradients(of: loose)
        #expect(clipGradients(of: packed, byGlobalNorm: 0.5) == clipGradients(of: loose, byGlobalNorm: 0.5))
        #expect(packed.map(\.gradient) == loose.map(\.gradient))
        clipGradients(of: packed, byValue: 0.05)
        clipGradients(of: loose, byValue: 0.05)
        #expect(packed.map(\.gradient) == loose.map(\.gradient))
    }
}
