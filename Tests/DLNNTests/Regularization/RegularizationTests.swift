import Testing
@testable import DLNN

@Suite struct WeightPenaltyTests {
    /// θ = [1, −2, 0, 0.5] with gradient [0.1, 0.1, 0.1, 0.1] before the penalty.
    private func parameter() -> Parameter {
        let parameter = Parameter(name: "weight", value: Tensor(rows: [[1, -2], [0, 0.5]]))
        parameter.gradient = Tensor(repeating: 0.1, shape: [2, 2])
        return parameter
    }

    @Test func l1() {
        let weight = parameter()
        // 0.1·(1 + 2 + 0 + 0.5) = 0.35; gradient += 0.1·sign(θ), sign(0) = 0.
        #expect(abs(L1Penalty(strength: 0.1).apply(to: [weight]) - 0.35) < 1e-7)
        #expect(weight.gradient == Tensor(rows: [[0.2, 0], [0.1, 0.2]]))
    }

    @Test func l2() {
        let weight = parameter()
        // ½·0.1·(1 + 4 + 0 + 0.25) = 0.2625; gradient += 0.1·θ.
        #expect(abs(L2Penalty(strength: 0.1).apply(to: [weight]) - 0.2625) < 1e-7)
        #expect(weight.gradient == Tensor(rows: [[0.1 + 0.1, 0.1 - 0.2], [0.1, 0.1 + 0.05]]))
    }

    @Test func elasticNetIsTheSumOfItsTerms() {
        let weight = parameter()
        let frozen = Parameter(name: "bias", value: Tensor([100]), isTrainable: false)
        // 0.1·3.5 + ½·0.2·5.25 = 0.35 + 0.525; the frozen parameter adds nothing.
        #expect(abs(ElasticNet(l1Strength: 0.1, l2Strength: 0.2).apply(to: [weight, frozen]) - 0.875) < 1e-7)
        let expected: [Float] = [0.1 + 0.1 + 0.2, 0.1 - 0.1 - 0.4, 0.1, 0.1 + 0.1 + 0.1]
        for (actual, value) in zip(weight.gradient.scalars, expected) { #expect(abs(actual - value) < 1e-7) }
        #expect(frozen.gradient == Tensor([0]))
    }

    /// The gradient added is the derivative of the returned penalty (central differences in Double).
    @Test func gradientIsTheDerivativeOfThePenalty() {
        let values: [Double] = [0.3, -1.2, 2.5]
        let (l1, l2) = (0.05, 0.3)
        let weight = Parameter(name: "weight", value: Tensor(values.map(Float.init)))
        ElasticNet(l1Strength: Float(l1), l2Strength: Float(l2)).apply(to: [weight])
        func penalty(_ x: [Double]) -> Double { x.map { l1 * abs($0) + 0.5 * l2 * $0 * $0 }.reduce(0, +) }
        for i in values.indices {
            var plus = values, minus = values
            plus[i] += 1e-6
            minus[i] -= 1e-6
            let numeric = (penalty(plus) - penalty(minus)) / 2e-6
            #expect(abs(Double(weight.gradient.scalars[i]) - numeric) < 1e-6)
        }
    }
}

@Suite struct MaxNormConstraintTests {
    @Test func rescalesOnlyRowsAboveTheLimit() {
        // Rows (norms): [3, 4] (5), [0.6, 0.8] (1), [0, 0] (0).
        let weight = Parameter(name: "weight", value: Tensor(rows: [[3, 4], [0.6, 0.8], [0, 0]]))
        MaxNormConstraint(maximumNorm: 2).apply(to: [weight])
        let expected: [Float] = [1.2, 1.6, 0.6, 0.8, 0, 0]
        for (actual, value) in zip(weight.value.scalars, expected) { #expect(abs(actual - value) < 1e-6) }
    }

    @Test func aUnitOfAConvolutionIsItsWholeFilter() {
        // [out 2, in 1, 2, 2]: filter 0 has norm √(4·4) = 4, filter 1 has norm 1.
        let weight = Parameter(name: "weight", value: Tensor(shape: [2, 1, 2, 2], scalars: [2, 2, 2, 2, 0.5, 0.5, 0.5, 0.5]))
        MaxNormConstraint(maximumNorm: 3).apply(to: [weight])
        for (actual, value) in zip(weight.value.scalars, [Float](repeating: 1.5, count: 4) + [0.5, 0.5, 0.5, 0.5]) {
            #expect(abs(actual - value) < 1e-6)
        }
    }
}

@Suite struct GradientClippingTests {
    @Test func byGlobalNormScalesAllGradientsTogether() {
        let a = Parameter(name: "a", value: Tensor([0, 0])), b = Parameter(name: "b", value: Tensor([0]))
        a.gradient = Tensor([3, 0])
        b.gradient = Tensor([4])
        // Global norm √(9 + 16) = 5, clipped to 1: every element × 0.2.
        #expect(clipGradients(of: [a, b], byGlobalNorm: 1) == 5)
        #expect(abs(a.gradient.scalars[0] - 0.6) < 1e-7 && abs(b.gradient.scalars[0] - 0.8) < 1e-7)
        // Already within the limit: unchanged.
        #expect(abs(clipGradients(of: [a, b], byGlobalNorm: 2) - 1) < 1e-6)
        #expect(abs(b.gradient.scalars[0] - 0.8) < 1e-7)
    }

    @Test func byGlobalNormReportsANonFiniteNormWithoutTouchingTheGradients() {
        let a = Parameter(name: "a", value: Tensor([0, 0]))
        a.gradient = Tensor([.nan, 1])
        #expect(clipGradients(of: [a], byGlobalNorm: 1).isNaN)
        #expect(a.gradient.scalars[1] == 1)
    }

    @Test func byValueClampsEachElement() {
        let a = Parameter(name: "a", value: Tensor([0, 0, 0, 0]))
        a.gradient = Tensor([-5, 0.5, 2, -0.25])
        clipGradients(of: [a], byValue: 1)
        #expect(a.gradient == Tensor([-1, 0.5, 1, -0.25]))
    }
}

@Suite struct NonFiniteCheckTests {
    private final class TwoWeights: Layer {
        let first = Parameter(name: "weight", value: Tensor.zeros([2, 3]))
        let second = Parameter(name: "bias", value: Tensor.zeros([3]))
        var isTraining = true
        var parameters: [Parameter] { [first, second] }
        func forward(_ input: Tensor) -> Tensor { input }
        func backward(_ outputGradient: Tensor) -> Tensor { outputGradient }
        func outputShape(for inputShape: TensorShape) -> TensorShape { inputShape }
    }

    @Test func passesFiniteValues() throws {
        let check = NonFiniteCheck(TwoWeights())
        try check.check(loss: 2.5, step: 1)
        try check.checkGradients(step: 1)
    }

    @Test func namesTheStepAndTheLoss() {
        let check = NonFiniteCheck(TwoWeights())
        #expect(throws: NonFiniteValueError.loss(step: 7, value: .infinity)) { try check.check(loss: .infinity, step: 7) }
        #expect(
            NonFiniteValueError.loss(step: 7, value: .nan).description
                == "step 7: the loss is nan; stopping instead of training on garbage"
        )
    }

    @Test func namesTheStepTheParameterAndTheElement() {
        let model = TwoWeights()
        model.first.gradient[1, 2] = .nan
        model.second.gradient[0] = .infinity
        let check = NonFiniteCheck(parameters: [(path: "encoder.0.weight", parameter: model.first), (path: "encoder.0.bias", parameter: model.second)])
        let error = #expect(throws: NonFiniteValueError.self) { try check.checkGradients(step: 42) }
        #expect(error?.description == "step 42: the gradient of encoder.0.weight [2, 3] is nan at [1, 2]; stopping instead of training on garbage")
        // Frozen parameters are not checked.
        model.first.isTrainable = false
        #expect(throws: NonFiniteValueError.gradient(step: 43, parameter: "encoder.0.bias", shape: [3], index: 0, value: .infinity)) {
            try check.checkGradients(step: 43)
        }
    }
}
