import Foundation
import Testing
@testable import DLNN

/// Saving and restoring optimizer state resumes training bit for bit.
@Suite struct OptimizerStateTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let make: @Sendable ([ParameterGroup]) -> any Optimizer
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "SGD") { SGD($0, learningRate: 0.05) },
        Case(name: "SGD Nesterov") { SGD($0, learningRate: 0.05, momentum: 0.9, nesterov: true) },
        Case(name: "AdaGrad") { AdaGrad($0, learningRate: 0.1) },
        Case(name: "RMSProp centered with momentum") { RMSProp($0, momentum: 0.5, centered: true) },
        Case(name: "Adadelta") { Adadelta($0) },
        Case(name: "Adam") { Adam($0, learningRate: 0.01) },
        Case(name: "AMSGrad") { AMSGrad($0, learningRate: 0.01) },
        Case(name: "AdamW") { AdamW($0, learningRate: 0.01) },
        Case(name: "Nadam") { Nadam($0, learningRate: 0.01) },
        Case(name: "SWATS") { SWATS($0, learningRate: 0.01) },
        // Switches at step 2, so restoring after step 1 crosses the switch and after step 5 resumes SGD.
        Case(name: "SWATS switching") { SWATS($0, learningRate: 0.01, switchTolerance: 1e-3) },
    ]

    /// A model of three trainable parameters in two groups (different rates and decays) and a frozen one.
    private final class Model {
        let weight: Parameter, bias: Parameter, head: Parameter, frozen: Parameter

        init(copying other: Model? = nil) {
            weight = Parameter(name: "weight", value: other?.weight.value ?? Tensor(rows: [[0.5, -1, 2], [1.5, 0.25, -0.75]]))
            bias = Parameter(name: "bias", value: other?.bias.value ?? Tensor([0.1, -0.2, 0.3]))
            head = Parameter(name: "head", value: other?.head.value ?? Tensor([2, -3]))
            frozen = Parameter(name: "frozen", value: other?.frozen.value ?? Tensor([7, 8]), isTrainable: false)
        }

        var groups: [ParameterGroup] {
            [
                ParameterGroup(parameters: [weight, frozen, bias], weightDecay: 0.01),
                ParameterGroup(parameters: [head], learningRateScale: 0.5),
            ]
        }

        /// g = a·θ + b elementwise, with fixed a and b that differ per element, so steps differ.
        func computeGradients() {
            for (offset, parameter) in [weight, bias, head, frozen].enumerated() {
                parameter.gradient = Tensor(
                    shape: parameter.value.shape,
                    scalars: parameter.value.scalars.enumerated().map { i, x in
                        Float(i % 3 + 1 + offset) * x + 0.1 * Float(i) - 0.3
                    }
                )
            }
        }

        var values: [Tensor] { [weight.value, bias.value, head.value, frozen.value] }
    }

    private func train(_ model: Model, _ optimizer: any Optimizer, steps: Int) {
        for _ in 0..<steps {
            model.computeGradients()
            optimizer.step()
        }
    }

    @Test(arguments: cases, [1, 5])
    func resumingEqualsTrainingWithoutInterruption(_ testCase: Case, savedAfter k: Int) throws {
        let total = 12
        let reference = Model()
        let uninterrupted = testCase.make(reference.groups)
        train(reference, uninterrupted, steps: total)

        let first = Model()
        let firstOptimizer = testCase.make(first.groups)
        train(first, firstOptimizer, steps: k)
        let saved = firstOptimizer.state()
        // Through JSON, as a checkpoint stores the scalars, to check they survive exactly.
        var restored = try JSONDecoder().decode(OptimizerState.self, from: JSONEncoder().encode(saved))
        #expect(restored.tensors.isEmpty)
        restored.tensors = saved.tensors
        #expect(restored == saved)

        let resumed = Model(copying: first)
        let resumedOptimizer = testCase.make(resumed.groups)
        try resumedOptimizer.load(restored)
        train(resumed, resumedOptimizer, steps: total - k)

        #expect(resumed.values == reference.values)
        #expect(resumedOptimizer.state() == uninterrupted.state())
        #expect(resumedOptimizer.stepCount == total)
    }

    @Test func stateUsesPyTorchSlotNamesAndSkipsFrozenParameters() {
        let model = Model()
        let optimizer = Adam(model.groups)
        train(model, optimizer, steps: 2)
        let state = optimizer.state()
        // Index 1 is the frozen parameter: it has no state.
        #expect(Set(state.tensors.keys) == ["0.exp_avg", "0.exp_avg_sq", "2.exp_avg", "2.exp_avg_sq", "3.exp_avg", "3.exp_avg_sq"])
        #expect(state.scalars == ["learning_rate": Double(Float(1e-3)), "0.step": 2, "2.step": 2, "3.step": 2])
        #expect(state.stepCount == 2)
        #expect(state.tensors["0.exp_avg"]!.shape == [2, 3])
        #expect(model.frozen.value == Tensor([7, 8]))
    }

    @Test func loadRejectsMismatchedStateAndLeavesTheOptimizerUnchanged() {
        let model = Model()
        let adam = Adam(model.groups)
        train(model, adam, steps: 1)
        let adamState = adam.state()

        let sgd = SGD(model.groups, learningRate: 0.1, momentum: 0.9)
        train(model, sgd, steps: 3)
        let before = sgd.state()
        #expect(throws: OptimizerStateError.missingTensor(key: "0.momentum_buffer")) { try sgd.load(adamState) }
        #expect(sgd.state() == before)

        let other = Adam([Parameter(name: "weight", value: Tensor([1, 2, 3]))])
        #expect(throws: OptimizerStateError.shapeMismatch(key: "0.exp_avg", expected: [3], found: [2, 3])) {
            try other.load(adamState)
        }

        var extra = adamState
        extra.tensors["0.momentum_buffer"] = Tensor.zeros([2, 3])
        #expect(throws: OptimizerStateError.unexpectedTensor(key: "0.momentum_buffer")) { try adam.load(extra) }

        var missingStep = adamState
        missingStep.scalars["0.step"] = nil
        #expect(throws: OptimizerStateError.missingScalar(key: "0.step")) { try adam.load(missingStep) }

        var fractionalStep = adamState
        fractionalStep.scalars["0.step"] = 1.5
        #expect(throws: OptimizerStateError.invalidScalar(key: "0.step", value: 1.5)) { try adam.load(fractionalStep) }

        let swats = SWATS(model.groups)
        #expect(throws: OptimizerStateError.missingTensor(key: "0.momentum_buffer")) { try swats.load(adamState) }

        #expect(
            OptimizerStateError.shapeMismatch(key: "0.exp_avg", expected: [3], found: [2, 3]).description
                == "optimizer state: tensor \"0.exp_avg\" has shape [2, 3], its parameter has shape [3]"
        )
    }
}
