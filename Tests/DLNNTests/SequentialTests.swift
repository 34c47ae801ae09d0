import Testing
@testable import DLNN

/// A layer y = a·x with one scalar parameter a, to test containers without the real layers.
private final class ScaleLayer: Layer {
    let scale: Parameter
    var isTraining = true
    private var input = Tensor.zeros([0])

    init(_ value: Float) {
        scale = Parameter(name: "weight", value: Tensor([value]))
    }

    var parameters: [Parameter] { [scale] }

    func forward(_ input: Tensor) -> Tensor {
        self.input = input
        return input * scale.value.scalars[0]
    }

    func backward(_ outputGradient: Tensor) -> Tensor {
        scale.gradient[0] += outputGradient.dot(input)
        return outputGradient * scale.value.scalars[0]
    }

    func outputShape(for inputShape: TensorShape) -> TensorShape { inputShape }
}

@Suite struct SequentialTests {
    @Test func namesParametersByPath() {
        let model = Sequential(named: [("features", Sequential(ScaleLayer(2), ScaleLayer(3))), ("classifier", ScaleLayer(4))])
        #expect(model.namedParameters().map(\.path) == ["features.0.weight", "features.1.weight", "classifier.weight"])
        #expect(model.parameterCount == 3)
    }

    @Test func chainsGradients() {
        let model = Sequential(ScaleLayer(2), ScaleLayer(3))
        checkGradients(of: model, input: Tensor([1, -2, 0.5])) { x, _ in x.map { $0 * 6 } }
        // d(Σ r·6x)/da = Σ r·3x for the first layer's scale.
        #expect(model.allParameters.allSatisfy { $0.gradient.scalars[0] != 0 })
    }

    @Test func setTrainingReachesDescendants() {
        let inner = ScaleLayer(1)
        let model = Sequential(Sequential(inner))
        model.setTraining(false)
        #expect(inner.isTraining == false)
    }

    @Test func parameterGradientsSkipTheLayersInFrontOfTheFirstParameter() {
        let (front, middle) = (CountingIdentity(), CountingIdentity())
        let (first, second) = (ScaleLayer(2), ScaleLayer(3))
        let model = Sequential(front, first, middle, second)
        let input = Tensor([1, -2, 0.5]), outputGradient = Tensor([0.3, 0.1, -1])
        expectParameterGradientsMatchBackward(of: model, input: input, outputGradient: outputGradient)
        #expect(front.backwardCount == 1 && middle.backwardCount == 2)
        // Without parameters there is nothing to do.
        let empty = Sequential(CountingIdentity())
        _ = empty.forward(input)
        empty.accumulateParameterGradients(outputGradient)
        #expect((empty.layers[0] as? CountingIdentity)?.backwardCount == 0)
    }

    @Test func settingTheModeOfAContainerReachesEveryDescendant() throws {
        let model = try Models.lenet5(seed: 1)
        let inner = try #require(model.layers.last as? Sequential)
        model.isTraining = false
        #expect(!inner.isTraining && inner.layers.allSatisfy { !$0.isTraining })
        model.isTraining = true
        #expect(inner.layers.allSatisfy { $0.isTraining })
    }

    @Test func anOptimizerOfNoParametersStopsWithAHint() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let model = Models.mlp(sizes: [4, 2])
            _ = SGD(model.parameters, learningRate: 0.1)
        }.map { result in
            let message = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(message.contains("SGD: no parameters to optimize; pass model.allParameters"))
        }
    }
}
