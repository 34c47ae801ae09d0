import Testing
@testable import DLNN

/// A LeNet-shaped tree with a residual block in it: `features` (0 Conv2D, 1 ReLU, 2 Residual),
/// `classifier` (0 Flatten, 1 Dense).
private func model(seed: UInt64 = 1) -> Sequential {
    var generator = SeededGenerator(seed: seed)
    return Sequential(named: [
        ("features", Sequential(
            Conv2D(inputChannels: 1, outputChannels: 2, kernelSize: 3, padding: 1, generator: &generator),
            ReLU(),
            Residual(Conv2D(inputChannels: 2, outputChannels: 2, kernelSize: 3, padding: 1, generator: &generator), activation: ReLU()))),
        ("classifier", Sequential(Flatten(), Dense(inputSize: 2 * 4 * 4, outputSize: 3, generator: &generator))),
    ])
}

@Suite struct ModulePathTests {
    @Test func namedModulesListsTheTreeParentsFirst() {
        #expect(model().namedModules().map(\.path) == [
            "", "features", "features.0", "features.1", "features.2", "features.2.body", "features.2.activation",
            "classifier", "classifier.0", "classifier.1",
        ])
    }

    @Test func findsLayersByPath() throws {
        let model = model()
        #expect(try model.layer(at: "") === model)
        #expect(try model.layer(at: "classifier.1").summaryName == "Dense(32 → 3)")
        #expect(try model.layer(at: "features.2.body") is Conv2D)
    }

    @Test func replacesAHeadAndItsParametersAppearUnderItsPath() throws {
        let model = model()
        var generator = SeededGenerator(seed: 9)
        let head = Dense(inputSize: 32, outputSize: 5, generator: &generator)
        let old = try model.replace("classifier.1", with: head)
        #expect(old.summaryName == "Dense(32 → 3)")
        #expect(try model.layer(at: "classifier.1") === head)
        #expect(try model.outputShape(for: [2, 1, 4, 4]) == [2, 5])
        #expect(model.namedParameters().filter { $0.path.hasPrefix("classifier.1.") }.map(\.parameter) .elementsEqual([head.weight, head.bias!], by: ===))
    }

    @Test func replacesInsideResidualAndLowRankLayer() throws {
        let model = model()
        try model.replace("features.2.activation", with: Tanh())
        #expect(try model.layer(at: "features.2.activation") is Tanh)
        var generator = SeededGenerator(seed: 2)
        let lowRank = LowRankLayer(
            first: Dense(inputSize: 4, outputSize: 2, bias: false, generator: &generator),
            second: Dense(inputSize: 2, outputSize: 3, generator: &generator), rank: 2, originalSummary: "Dense(4 → 3)")
        let replacement = Dense(inputSize: 2, outputSize: 3, generator: &generator)
        try lowRank.replace("1", with: replacement)
        #expect(lowRank.second === replacement)
    }

    @Test func theReplacementTakesTheReplacedLayersMode() throws {
        let model = model()
        model.setTraining(false)
        let dropout = Dropout(probability: 0.5, seed: 1)
        try model.replace("features.1", with: dropout)
        #expect(!dropout.isTraining)
    }

    @Test func aReplacedLayerIsTrainedBySequentialsBackward() throws {
        // The cached first trainable layer must follow the new tree: a head-only model whose
        // parameter-free front is replaced by a convolution must reach the convolution.
        var generator = SeededGenerator(seed: 3)
        let model = Sequential(named: [("front", Sequential(Flatten())), ("head", Dense(inputSize: 4, outputSize: 2, generator: &generator))])
        let input = Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4])
        model.accumulateParameterGradients(model.forward(input))
        let conv = Conv2D(inputChannels: 1, outputChannels: 1, kernelSize: 1, generator: &generator)
        try model.replace("front", with: Sequential(conv, Flatten()))
        model.accumulateParameterGradients(model.forward(input))
        #expect(conv.weight.gradient.scalars != [0])
    }

    @Test func pathErrorsNameWhatIsWrong() {
        let model = model()
        var generator = SeededGenerator(seed: 4)
        let dense = Dense(inputSize: 32, outputSize: 3, generator: &generator)
        #expect(throws: ModulePathError(path: "classifier.9", problem: .noChild(
            name: "9", parent: "classifier", layer: "Sequential", children: ["0", "1"]))) {
            try model.replace("classifier.9", with: dense)
        }
        #expect(throws: ModulePathError(path: "classifier.1.weight", problem: .noChild(
            name: "weight", parent: "classifier.1", layer: "Dense(32 → 3)", children: []))) {
            try model.layer(at: "classifier.1.weight")
        }
        for path in ["", "classifier.", ".1", "features..0"] {
            #expect(throws: ModulePathError(path: path, problem: .empty)) { try model.replace(path, with: dense) }
            #expect(throws: ModulePathError(path: path, problem: .empty)) { try model.freeze([path]) }
        }
        let error = ModulePathError(path: "features.9", problem: .noChild(name: "9", parent: "features", layer: "Sequential", children: ["0", "1", "2"]))
        #expect(error.description == #"no layer at "features.9": features (Sequential) has no child "9"; its children are 0, 1, 2"#)
    }

    @Test func onlyContainersReplaceChildren() {
        /// A container that lists a child but cannot replace it.
        final class Wrapper: Layer {
            let inner = ReLU()
            var isTraining = true
            var children: [(name: String, layer: any Layer)] { [(name: "inner", layer: inner)] }
            func forward(_ input: Tensor) -> Tensor { inner.forward(input) }
            func backward(_ outputGradient: Tensor) -> Tensor { inner.backward(outputGradient) }
            func outputShape(for inputShape: TensorShape) -> TensorShape { inputShape }
        }
        let model = Sequential(Wrapper())
        #expect(throws: ModulePathError(path: "0.inner", problem: .notAContainer(path: "0", layer: "Wrapper"))) {
            try model.replace("0.inner", with: Tanh())
        }
        #expect(ModulePathError(path: "0.inner", problem: .notAContainer(path: "0", layer: "Wrapper")).description
            == #"no layer at "0.inner": 0 (Wrapper) cannot replace its children (it is not a ContainerLayer)"#)
    }

    @Test func aResidualWithoutShortcutHasNoShortcutToReplace() {
        let block = Residual(ReLU())
        #expect(throws: ModulePathError(path: "shortcut", problem: .noChild(name: "shortcut", parent: "", layer: "Residual", children: ["body"]))) {
            try block.replace("shortcut", with: ReLU())
        }
    }
}
