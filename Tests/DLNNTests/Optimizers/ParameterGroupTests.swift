import Testing
@testable import DLNN

@Suite struct ParameterGroupTests {
    /// Each group's rate is η·scale and its coupled decay adds λ·θ to the gradient:
    /// θ ← θ − η·s·(g + λ·θ).
    @Test func groupsScaleTheRateAndApplyTheirOwnDecay() {
        let lower = Parameter(name: "weight", value: Tensor([2, -4]))
        let upper = Parameter(name: "weight", value: Tensor([1]))
        let bias = Parameter(name: "bias", value: Tensor([3]))
        let optimizer = SGD([
            ParameterGroup(parameters: [lower], learningRateScale: 0.1, weightDecay: 0.5),
            ParameterGroup(parameters: [upper], weightDecay: 0.5),
            ParameterGroup(parameters: [bias]),
        ], learningRate: 0.2)
        for parameter in [lower, upper, bias] { parameter.gradient = Tensor(repeating: 1, shape: parameter.value.shape) }
        optimizer.step()
        // lower: θ − 0.02·(1 + 0.5θ); upper: θ − 0.2·(1 + 0.5θ); bias: θ − 0.2.
        #expect(lower.value == Tensor([2 - 0.02 * 2, -4 - 0.02 * (1 - 2)]))
        #expect(upper.value == Tensor([1 - 0.2 * 1.5]))
        #expect(bias.value == Tensor([3 - 0.2]))
    }

    /// AdamW shrinks θ by 1 − η·s·λ apart from the adaptive step, whose first value is η·s·sign(g).
    @Test func adamWDecayIsDecoupledAndScaledByTheGroupRate() {
        let weight = Parameter(name: "weight", value: Tensor([10]))
        let optimizer = AdamW([ParameterGroup(parameters: [weight], learningRateScale: 0.5, weightDecay: 0.1)], learningRate: 0.2)
        weight.gradient = Tensor([1000])
        optimizer.step()
        #expect(abs(weight.value.scalars[0] - (10 * (1 - 0.1 * 0.1) - 0.1)) < 1e-5)
    }

    @Test func frozenParametersAreSkippedAndCanBeUnfrozenLater() {
        let frozen = Parameter(name: "weight", value: Tensor([1, 2]), isTrainable: false)
        let optimizer = Adam([frozen], learningRate: 0.1)
        frozen.gradient = Tensor([1, 1])
        optimizer.step()
        #expect(frozen.value == Tensor([1, 2]))
        #expect(optimizer.state().tensors.isEmpty)
        // Unfrozen at step 2, its bias corrections start from t = 1: a first Adam step of η·sign(g).
        frozen.isTrainable = true
        optimizer.step()
        #expect(optimizer.state().scalars["0.step"] == 1)
        #expect(abs(frozen.value.scalars[0] - 0.9) < 1e-6 && abs(frozen.value.scalars[1] - 1.9) < 1e-6)
    }

    @Test func learningRateIsTheBaseThatSchedulesSet() {
        let parameter = Parameter(name: "x", value: Tensor([0]))
        let optimizer = SGD([ParameterGroup(parameters: [parameter], learningRateScale: 0.5)], learningRate: 1)
        let schedule = StepDecay(initialRate: 1, factor: 0.5, everyEpochs: 1)
        for _ in 0..<3 {
            optimizer.learningRate = schedule.learningRate(at: optimizer.stepCount)
            parameter.gradient = Tensor([1])
            optimizer.step()
        }
        // Steps of 0.5·(1, 0.5, 0.25).
        #expect(parameter.value == Tensor([-0.875]))
        #expect(optimizer.stepCount == 3)
    }

    @Test func groupHyperParametersCanChange() {
        let parameter = Parameter(name: "x", value: Tensor([0]))
        let optimizer = SGD([parameter], learningRate: 1)
        optimizer.parameterGroups[0].learningRateScale = 0.25
        parameter.gradient = Tensor([1])
        optimizer.step()
        #expect(parameter.value == Tensor([-0.25]))
    }

    @Test func zeroGradientsClearsEveryGroup() {
        let a = Parameter(name: "a", value: Tensor([1])), b = Parameter(name: "b", value: Tensor([1, 2]), isTrainable: false)
        let optimizer = SGD([ParameterGroup(parameters: [a]), ParameterGroup(parameters: [b])], learningRate: 0.1)
        a.gradient = Tensor([3])
        b.gradient = Tensor([4, 5])
        optimizer.zeroGradients()
        #expect(a.gradient == Tensor([0]) && b.gradient == Tensor([0, 0]))
    }

    @Test func aParameterInTwoGroupsIsAProgrammerError() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let shared = Parameter(name: "weight", value: Tensor([1]))
            _ = Adam([ParameterGroup(parameters: [shared]), ParameterGroup(parameters: [shared])])
        }.map { result in
            #expect(String(decoding: result.standardErrorContent, as: UTF8.self).contains("Adam: a parameter appears twice in the parameter groups"))
        }
    }
}
