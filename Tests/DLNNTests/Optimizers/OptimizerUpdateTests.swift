import Testing
@testable import DLNN

/// The first three updates of every optimizer against the formula evaluated by hand in Double.
@Suite struct OptimizerUpdateTests {
    private func expectFirstUpdates(
        _ makeOptimizer: ([Parameter]) -> any Optimizer, match reference: some ReferenceRule,
        tolerance: Double = 1e-6, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let (actual, expected) = firstUpdates(optimizer: makeOptimizer, reference: reference)
        #expect(largestRelativeError(actual, expected) < tolerance, "actual \(actual), expected \(expected)", sourceLocation: sourceLocation)
        // The updates move θ by more than the tolerance, so the test is not vacuous.
        #expect(largestRelativeError([TinyProblem.start], [expected[0]]) > 100 * tolerance, sourceLocation: sourceLocation)
    }

    @Test func sgd() {
        expectFirstUpdates({ SGD($0, learningRate: 0.1) }, match: ReferenceSGD(learningRate: 0.1))
        expectFirstUpdates(
            { SGD($0, learningRate: 0.1, weightDecay: 0.05) },
            match: ReferenceSGD(learningRate: 0.1, weightDecay: 0.05)
        )
    }

    @Test func sgdWithHeavyBallMomentum() {
        expectFirstUpdates(
            { SGD($0, learningRate: 0.1, momentum: 0.9) }, match: ReferenceSGD(learningRate: 0.1, momentum: 0.9)
        )
    }

    @Test func sgdWithNesterovMomentum() {
        expectFirstUpdates(
            { SGD($0, learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.05) },
            match: ReferenceSGD(learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.05)
        )
    }

    /// Heavy ball in PyTorch's form equals v′ ← μv′ − ηg, θ ← θ + v′ while η is constant.
    @Test func heavyBallMatchesTheVelocityFormWithConstantRate() {
        let parameter = Parameter(name: "theta", value: Tensor(TinyProblem.start.map(Float.init)))
        let optimizer = SGD([parameter], learningRate: 0.1, momentum: 0.9)
        var theta = TinyProblem.start, velocity = [0.0, 0, 0]
        for _ in 0..<5 {
            parameter.gradient = Tensor(TinyProblem.gradient(parameter.value.scalars.map(Double.init)).map(Float.init))
            optimizer.step()
            let g = TinyProblem.gradient(theta)
            for i in theta.indices {
                velocity[i] = 0.9 * velocity[i] - 0.1 * g[i]
                theta[i] += velocity[i]
            }
        }
        #expect(largestRelativeError([parameter.value.scalars.map(Double.init)], [theta]) < 1e-5)
    }

    @Test func adaGrad() {
        expectFirstUpdates({ AdaGrad($0, learningRate: 0.1) }, match: ReferenceAdaGrad(learningRate: 0.1))
    }

    @Test func rmsProp() {
        expectFirstUpdates({ RMSProp($0) }, match: ReferenceRMSProp())
    }

    @Test func rmsPropWithMomentumCentered() {
        expectFirstUpdates(
            { RMSProp($0, rho: 0.9, momentum: 0.8, centered: true) },
            match: ReferenceRMSProp(rho: 0.9, momentum: 0.8, centered: true)
        )
    }

    @Test func adadelta() {
        expectFirstUpdates({ Adadelta($0) }, match: ReferenceAdadelta())
    }

    @Test func adam() {
        expectFirstUpdates({ Adam($0, learningRate: 0.1) }, match: ReferenceAdam(learningRate: 0.1))
    }

    @Test func adamWithoutBiasCorrection() {
        expectFirstUpdates(
            { Adam($0, learningRate: 0.1, biasCorrection: false) },
            match: ReferenceAdam(learningRate: 0.1, biasCorrection: false)
        )
    }

    @Test func amsgrad() {
        expectFirstUpdates({ AMSGrad($0, learningRate: 0.1) }, match: ReferenceAdam(learningRate: 0.1, amsgrad: true))
    }

    /// The second-moment maximum is what AMSGrad adds: with a gradient that shrinks, v decreases
    /// while v_max keeps the first value, so the steps differ from Adam's.
    @Test func amsgradKeepsTheLargestSecondMoment() {
        let parameter = Parameter(name: "x", value: Tensor([0]))
        let optimizer = AMSGrad([parameter], learningRate: 0.1)
        for g: Float in [10, 1, 1] {
            parameter.gradient = Tensor([g])
            optimizer.step()
        }
        let state = optimizer.state()
        let v = 0.999 * (0.999 * 0.001 * 100 + 0.001) + 0.001
        #expect(abs(Double(state.tensors["0.exp_avg_sq"]!.scalars[0]) - v) < 1e-7)
        #expect(abs(Double(state.tensors["0.max_exp_avg_sq"]!.scalars[0]) - v) < 1e-7)
        parameter.gradient = Tensor([0])
        optimizer.step()
        #expect(state.tensors["0.max_exp_avg_sq"]!.scalars[0] == optimizer.state().tensors["0.max_exp_avg_sq"]!.scalars[0])
        #expect(optimizer.state().tensors["0.exp_avg_sq"]!.scalars[0] < state.tensors["0.exp_avg_sq"]!.scalars[0])
    }

    @Test func adamW() {
        expectFirstUpdates(
            { AdamW($0, learningRate: 0.1, weightDecay: 0.5) },
            match: ReferenceAdam(learningRate: 0.1, decoupledWeightDecay: 0.5)
        )
    }

    @Test func nadam() {
        expectFirstUpdates({ Nadam($0, learningRate: 0.1) }, match: ReferenceNadam(learningRate: 0.1))
    }

    /// Before its switch SWATS takes exactly Adam's steps.
    @Test func swatsStartsAsAdam() {
        expectFirstUpdates(
            { SWATS($0, learningRate: 0.1) }, match: ReferenceAdam(learningRate: 0.1, epsilon: 1e-9)
        )
    }

    /// The first step by hand: Adam's m̂/√v̂ = g/|g|, so each coordinate moves by exactly η·sign(g).
    @Test func adamFirstStepIsTheRateTimesTheSignOfTheGradient() {
        let parameter = Parameter(name: "theta", value: Tensor([1, -2, 0.5]))
        parameter.gradient = Tensor([1.2, -6.1, 0.55])
        Adam([parameter], learningRate: 0.1).step()
        for (actual, expected) in zip(parameter.value.scalars, [Float(0.9), -1.9, 0.4]) {
            #expect(abs(actual - expected) < 1e-6)
        }
    }
}
