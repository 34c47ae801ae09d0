import DLNN
import Foundation
import Testing
@testable import DLBenchKit

@Suite("comparison engine")
struct ComparisonEngineTests {
    /// Two optimizers at fixed rates on a few hundred MNIST images: seconds per run.
    static func definition(tunes: Bool = false) -> ComparisonDefinition {
        .optimizers([.momentum, .adam], learningRate: tunes ? nil : 0.01, tunes: tunes)
    }

    static let budget = Budget(epochs: 2, batchSize: 32, trainingSize: 256)

    @Test func sameSeedsGiveTheSameNumbers() throws {
        let data = try OptimizersCommandTests.tinySplits()
        // One run at a time, then two at once: the same numbers.
        let first = try ComparisonRunner(seeds: [4, 5], progress: .quiet, width: 1).run(Self.definition(), budget: Self.budget, on: data)
        let second = try ComparisonRunner(seeds: [4, 5], progress: .quiet, width: 2).run(Self.definition(), budget: Self.budget, on: data)
        // Everything but the wall-clock fields.
        func measurements(_ run: ComparedRun) -> [Double] {
            let history = run.outcome!.history
            return history.steps.map { Double($0.loss) } + history.epochs.flatMap { [$0.trainingLoss, $0.validationLoss!, $0.validationAccuracy!] }
        }
        for (a, b) in zip(first.entries, second.entries) {
            #expect(a.runs.map(measurements) == b.runs.map(measurements))
            #expect(a.runs.map { $0.outcome!.testAccuracyPerEpoch } == b.runs.map { $0.outcome!.testAccuracyPerEpoch })
        }
        let entry = first.entries[0]
        #expect(entry.runs.count == 2 && entry.runs.map(\.spec.seed) == [4, 5])
        // Different seeds: different initial weights and data order.
        #expect(entry.runs[0].outcome!.history.steps.map(\.loss) != entry.runs[1].outcome!.history.steps.map(\.loss))
        #expect(entry.runs[0].outcome!.testAccuracyPerEpoch.count == 2)
        #expect(entry.runs[0].outcome!.test.accuracy == entry.runs[0].outcome!.testAccuracyPerEpoch.last)
    }

    @Test("parallelMap keeps the order and rethrows the first error")
    func parallelMapKeepsOrder() throws {
        #expect(try parallelMap(Array(0..<20), width: 3) { $0 * $0 } == (0..<20).map { $0 * $0 })
        #expect(try parallelMap([7], width: 4) { $0 + 1 } == [8])
        struct Failure: Error {}
        #expect(throws: Failure.self) { try parallelMap(Array(0..<10), width: 2) { value -> Int in if value == 3 { throw Failure() }; return value } }
    }

    @Test func presetsStartNearTheLossOfAUniformGuess() throws {
        let data = try OptimizersCommandTests.tinySplits()
        for model in [ModelKind.lenet5, .vgg, .mlp, .resnet] {
            let check = try InitialLossCheck.measure(TrainingSpec(model: model, seed: 1), on: data)
            #expect(check.isWithinTolerance, "\(check.text)")
        }
    }

    @Test func tuningChoosesAGridRateOnValidationAndReportsIt() throws {
        let data = try OptimizersCommandTests.tinySplits()
        let result = try ComparisonRunner(seeds: [1], progress: .quiet).run(Self.definition(tunes: true), budget: Budget(epochs: 1, trainingSize: 128), on: data)
        for entry in result.entries {
            let trials = try #require(result.tuning[entry.name])
            #expect(trials.map(\.learningRate) == LearningRateGrid.rates(quick: false))
            #expect(entry.entry.spec.learningRate == LearningRateGrid.best(of: trials))
        }
        let markdown = result.report().markdown()
        #expect(markdown.contains("Learning-rate grid") && markdown.contains("learning-rate-sensitivity.svg"))
        // One seed: no difference can be claimed.
        #expect(result.findings.contains { $0.contains("one seed per entry") })
    }

    @Test func thresholdsFollowTheDataSet() throws {
        // Noise images with cycling labels: nothing to learn, so the thresholds sit near chance, far from MNIST's 95%.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dlbench-noise-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try IDXWriter.folder(at: folder, trainCount: 400, testCount: 100, imageShape: [12, 12])
        let data = try DataSplits.load(directory: folder, quick: false, seed: 1)
        let result = try ComparisonRunner(seeds: [1, 2], progress: .quiet).run(
            .optimizers([.momentum], learningRate: 0.01, tunes: false), budget: Budget(epochs: 1, batchSize: 32), on: data)
        let best = max(try #require(result.entries.map(\.finalValidationAccuracy.mean).max()), 0.1)
        #expect(result.thresholds.reference == best && result.thresholds.chance == 0.1)
        #expect(abs(result.thresholds.learned - (0.1 + 0.9 * (best - 0.1))) < 1e-12)
        #expect(result.thresholds.learned < 0.5)
        let manual = Thresholds(classCount: 10, reference: 0.9)
        #expect(abs(manual.learned - 0.82) < 1e-12 && abs(manual.target - 0.884) < 1e-12)
        #expect(Thresholds(classCount: 4, reference: nil).learned == 0.25)
    }
}
