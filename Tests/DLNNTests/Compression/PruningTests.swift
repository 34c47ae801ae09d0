import Foundation
import Testing
@testable import DLNN

@Suite struct PruningTests {
    /// Two Dense layers with hand-set weights: A holds the small magnitudes, B the large ones.
    private func handMadeModel() -> Sequential {
        var generator = SeededGenerator(seed: 0)
        let a = Dense(inputSize: 2, outputSize: 2, generator: &generator)
        let b = Dense(inputSize: 2, outputSize: 2, generator: &generator)
        a.weight.value = Tensor(shape: [2, 2], scalars: [-0.4, 0.1, 0.3, -0.2])
        b.weight.value = Tensor(shape: [2, 2], scalars: [2, -1, 4, -3])
        return Sequential(a, ReLU(), b)
    }

    @Test func globalThresholdPrunesTheSmallestWeightsOfTheWholeModel() {
        let model = handMadeModel()
        let masks = magnitudePrune(model, target: .global(sparsity: 0.5))
        #expect(masks.entries.map(\.layerPath) == ["0", "2"])
        #expect(masks.entries[0].kept == [false, false, false, false] && masks.entries[1].kept == [true, true, true, true])
        #expect((model.layers[0] as! Dense).weight.value.scalars == [0, 0, 0, 0])
        #expect(masks.keptFraction == 0.5 && masks.entries[0].keptFraction == 0)
    }

    @Test func perLayerThresholdsPruneEachLayerToItsOwnSparsity() {
        let model = handMadeModel()
        let masks = magnitudePrune(model, target: .perLayer(sparsities: ["2": 0.25], default: 0.5))
        #expect(masks.entries[0].kept == [true, false, true, false])
        #expect(masks.entries[1].kept == [true, false, true, true])
        #expect((model.layers[0] as! Dense).weight.value.scalars == [-0.4, 0, 0.3, 0])
        #expect((model.layers[2] as! Dense).weight.value.scalars == [2, 0, 4, -3])
        #expect(masks.keptFraction == 5.0 / 8)
    }

    @Test func iterativePruningOnlyShrinksTheMasks() {
        let model = handMadeModel()
        let schedule = PruningTarget.global(sparsity: 0.75).schedule(rounds: 3)
        #expect(schedule.count == 3 && schedule.last == .global(sparsity: 0.75))
        var kept: [[Bool]] = []
        let final = pruneIteratively(model, schedule: schedule) { _, masks in
            let now = masks.entries.flatMap(\.kept)
            if let previous = kept.last { #expect(zip(previous, now).allSatisfy { $0 || !$1 }) }
            kept.append(now)
            // A retrain that revives a pruned weight's value must not bring it back in the next round.
            (model.layers[0] as! Dense).weight.value = Tensor(shape: [2, 2], scalars: [9, 9, 9, 9])
            masks.applyToValues()
        }
        // Kept 8·0.25^(r/3): 5, 3, 2. The revived 9 is a kept weight and the largest, so it stays.
        #expect(kept.map { $0.filter { $0 }.count } == [5, 3, 2])
        #expect(final.entries[0].kept == [true, false, false, false] && final.entries[1].kept == [false, false, true, false])
        // A lower target keeps the previous mask.
        #expect(magnitudePrune(model, target: .global(sparsity: 0.1), keeping: final).entries.flatMap(\.kept) == kept.last!)
    }

    /// Momentum SGD and Adam, warmed up without masks so their state is non-zero, then fine-tuned
    /// with `MaskedTraining`: pruned weights are exactly 0 after every step. Masking only the
    /// gradients lets the optimizer state move them (shown, so the first check means something).
    @Test(arguments: ["sgd", "adam"])
    func masksStayExactThroughOptimizerSteps(optimizerName: String) throws {
        var generator = SeededGenerator(seed: 3)
        let features = Tensor.randomNormal([32, 6], using: &generator)
        let data = FeatureDataset(features: features, labels: (0..<32).map { $0 % 3 }, classCount: 3)
        func run(callback: (PruningMasks) -> any TrainingCallback) throws -> (masks: PruningMasks, maximum: Float, steps: Int) {
            let model = Models.mlp(sizes: [6, 8, 3], seed: 4)
            let optimizer: any Optimizer = optimizerName == "sgd"
                ? SGD(model.allParameters, learningRate: 0.1, momentum: 0.9)
                : Adam(model.allParameters, learningRate: 0.01)
            let configuration = TrainingConfiguration(epochs: 2, batchSize: 8, seed: 1)
            try Trainer(model: model, loss: SoftmaxCrossEntropy(), optimizer: optimizer, configuration: configuration).fit(training: data, validation: nil)
            let masks = magnitudePrune(model, target: .global(sparsity: 0.6))
            let watch = PrunedMaximum(masks)
            try Trainer(model: model, loss: SoftmaxCrossEntropy(), optimizer: optimizer, configuration: configuration,
                        callbacks: [callback(masks), watch]).fit(training: data, validation: nil)
            return (masks, watch.maximum, watch.steps)
        }
        let masked = try run { MaskedTraining($0) }
        #expect(masked.maximum == 0 && masked.steps == 8)
        for entry in masked.masks.entries {
            let values = entry.parameter.value.scalars
            #expect(values.indices.allSatisfy { entry.kept[$0] || values[$0].bitPattern == 0 })
        }
        let gradientsOnly = try run { GradientMaskOnly($0) }
        #expect(gradientsOnly.maximum > 0)
    }

    @Test func presetsHaveThePapersSizes() throws {
        #expect(Models.lenet300100().parameterCount == 266_610)
        let lenet = try Models.caffeLeNet5()
        #expect(lenet.parameterCount == 431_080)
        #expect(try lenet.outputShape(for: [2, 1, 28, 28]) == [2, 10])
    }
}

/// The largest |w| of a pruned weight after any optimizer step.
private final class PrunedMaximum: TrainingCallback {
    let masks: PruningMasks
    var maximum: Float = 0
    var steps = 0
    init(_ masks: PruningMasks) { self.masks = masks }
    func afterOptimizerStep(_ context: TrainingContext) {
        steps += 1
        for entry in masks.entries {
            let values = entry.parameter.value.scalars
            for i in values.indices where !entry.kept[i] { maximum = max(maximum, abs(values[i])) }
        }
    }
}

/// The incomplete mask: gradients only.
private final class GradientMaskOnly: TrainingCallback {
    let masks: PruningMasks
    init(_ masks: PruningMasks) { self.masks = masks }
    func afterBackward(_ context: TrainingContext) { masks.applyToGradients() }
}
