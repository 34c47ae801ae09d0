import DLNN
import Foundation
import Testing
@testable import DLBenchKit

@Suite("dlbench norms")
struct NormsCommandTests {
    /// 200 training and 200 test images of the bundled MNIST.
    static func tinyData() throws -> DataSplits {
        let (train, test) = try MNIST.load(directory: MNIST.bundledDirectory)
        let training = train.prefix(200)
        return DataSplits(
            name: "MNIST", training: training, validation: train.prefix(10), test: test.prefix(200),
            normalization: .perChannel(statisticsOf: training))
    }

    /// Settings small enough for a test: two normalizations, two batch sizes, two seeds, every part.
    static func tinySettings() -> NormComparison.Settings {
        var settings = NormComparison.Settings()
        settings.norms = [.batch, .group]
        settings.batchSizes = [4, 32]
        (settings.trainingImages, settings.validationImages, settings.testImages, settings.epochs) = (64, 10, 64, 1)
        (settings.sweepRates, settings.baseRates, settings.groupCounts) = ([0.01, 0.3], [0.01, 0.03], [1])
        (settings.channels, settings.hiddenSize, settings.seeds) = ([4, 4, 8, 8], 8, [1, 2])
        return settings
    }

    @Test("a tiny comparison runs every part with seeds, scales the tuned rate, records curves and reports three claims")
    func tinyComparison() throws {
        let settings = Self.tinySettings()
        let comparison = try NormComparison(settings: settings, data: Self.tinyData(), progress: .quiet, width: 2)
        #expect(comparison.runs.count == NormComparison.runCount(settings))
        #expect(comparison.runs.count == (2 * 2 + 2 * 2 + 2) * 2)
        let batchNorm = comparison.runs(.batchSize, .init(.batch), batchSize: 4)
        #expect(batchNorm.count == 2 && batchNorm.allSatisfy { $0.diverged || $0.batchStatisticsError != nil })
        #expect(comparison.runs(.batchSize, .init(.group), batchSize: 4).allSatisfy { $0.batchStatisticsError == nil })
        let chosen = try #require(comparison.baseRates[.group]?.chosen)
        #expect(settings.baseRates.contains(chosen))
        #expect(comparison.runs(.batchSize, .init(.group), batchSize: 4).allSatisfy { $0.learningRate == chosen * 4 / 32 })
        // 64 images at batch 32 are 2 steps; 4 evaluations per epoch: every step.
        #expect(comparison.runs(.learningRate, .init(.none), learningRate: 0.01).allSatisfy { $0.diverged || $0.curve.map(\.step) == [1, 2] })
        #expect(comparison.runs(.groups, .init(groups: .max)).count == 2)
        #expect(comparison.claims.count == 3)

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dlbench-norms-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try NormsCommand.report(for: comparison).write(to: directory)
        for file in ["report.md", "results.json", "error-vs-batch-size.svg", "accuracy-vs-learning-rate.svg", "accuracy-vs-steps.svg"] {
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent(file).path), "\(file) missing")
        }
        let markdown = try String(contentsOf: directory.appendingPathComponent("report.md"), encoding: .utf8)
        for text in ["BatchNorm", "GroupNorm", "B = 4", "B = 32", "running statistics", "G = C", "seeds 1–2 (n = 2)", "Ioffe", "Wu & He"] {
            #expect(markdown.contains(text), "report.md lacks \(text)")
        }
        #expect(markdown.components(separatedBy: "**Verdict:**").count == 4)
    }

    /// A batch-size-part run with test error `error` (BatchNorm with batch-statistics error `error + 0.1`).
    static func run(_ kind: NormKind, batchSize: Int, seed: UInt64, error: Double) -> NormComparison.Run {
        NormComparison.Run(part: .batchSize, variant: .init(kind), batchSize: batchSize, learningRate: 0.01, seed: seed, testError: error,
                           batchStatisticsError: kind == .batch ? error + 0.1 : nil)
    }

    /// A comparison of only batch-size runs with these errors per seed.
    static func batchSizeComparison(batchSmall: [Double], batchLarge: [Double], groupSmall: [Double], groupLarge: [Double]) -> NormComparison {
        var settings = tinySettings()
        settings.parts = [.batchSize]
        settings.batchSizes = [2, 32]
        var runs: [NormComparison.Run] = []
        for (kind, size, errors) in [(NormKind.batch, 2, batchSmall), (.batch, 32, batchLarge), (.group, 2, groupSmall), (.group, 32, groupLarge)] {
            runs += errors.enumerated().map { run(kind, batchSize: size, seed: UInt64($0.offset + 1), error: $0.element) }
        }
        return NormComparison(settings: settings, dataSummary: "test", classCount: 10, runs: runs)
    }

    @Test("the batch-size verdict: BatchNorm degrading alone reproduces, both degrading or BatchNorm improving does not")
    func batchSizeVerdicts() {
        let degrades = Self.batchSizeComparison(batchSmall: [0.30, 0.32, 0.31], batchLarge: [0.10, 0.11, 0.12], groupSmall: [0.12, 0.11, 0.13], groupLarge: [0.12, 0.12, 0.11])
        #expect(degrades.batchSizeClaim().verdict == .reproduced)
        #expect(degrades.batchSizeClaim().measured.contains("10.00 ± 0.00 points more"))
        let both = Self.batchSizeComparison(batchSmall: [0.30, 0.32, 0.31], batchLarge: [0.10, 0.11, 0.12], groupSmall: [0.30, 0.33, 0.31], groupLarge: [0.12, 0.12, 0.11])
        #expect(both.batchSizeClaim().verdict == .notReproduced)
        let improves = Self.batchSizeComparison(batchSmall: [0.05, 0.06, 0.05], batchLarge: [0.10, 0.11, 0.12], groupSmall: [0.12, 0.11, 0.13], groupLarge: [0.12, 0.12, 0.11])
        #expect(improves.batchSizeClaim().verdict == .notReproduced)
        let noise = Self.batchSizeComparison(batchSmall: [0.05, 0.20, 0.12], batchLarge: [0.10, 0.11, 0.12], groupSmall: [0.12, 0.11, 0.13], groupLarge: [0.12, 0.12, 0.11])
        #expect(noise.batchSizeClaim().verdict == .inconclusive)
    }

    @Test("the learning-rate verdict: BatchNorm training at a higher rate and reaching the target sooner reproduces")
    func learningRateVerdict() {
        var settings = Self.tinySettings()
        (settings.parts, settings.sweepRates, settings.seeds) = ([.learningRate], [0.01, 0.1, 1], [1])
        func run(_ kind: NormKind, _ rate: Float, _ curve: [Double]) -> NormComparison.Run {
            NormComparison.Run(part: .learningRate, variant: .init(kind), batchSize: 32, learningRate: rate, seed: 1,
                               testError: curve.last.map { 1 - $0 }, curve: curve.enumerated().map { ($0.offset * 10 + 10, $0.element) })
        }
        let runs = [
            run(.none, 0.01, [0.3, 0.6, 0.85]), run(.none, 0.1, [0.1, 0.1, 0.1]), NormComparison.Run(part: .learningRate, variant: .init(.none), batchSize: 32, learningRate: 1, seed: 1),
            run(.batch, 0.01, [0.5, 0.8, 0.88]), run(.batch, 0.1, [0.8, 0.89, 0.9]), run(.batch, 1, [0.7, 0.85, 0.89]),
        ]
        let comparison = NormComparison(settings: settings, dataSummary: "test", classCount: 10, runs: runs)
        #expect(comparison.sweepSummary(.init(.none)).highestRate == 0.01)
        #expect(comparison.sweepSummary(.init(.batch)).highestRate == 1)
        #expect(comparison.sweepSummary(.init(.batch)).fewestSteps?.steps == 20)
        #expect(comparison.learningRateClaim().verdict == .reproduced)
    }

    @Test("evaluating with batch statistics leaves the running statistics and the mode unchanged")
    func batchStatisticsRestoreBuffers() throws {
        let data = try Self.tinyData()
        let model = try Models.smallVGG(channels: [4], hiddenSize: 8, normalization: NormKind.batch.factory, seed: 3)
        model.setTraining(false)
        let before = model.namedBuffers().map(\.parameter.value)
        _ = accuracyWithBatchStatistics(of: model, on: data.test.prefix(20), batchSize: 4, normalization: data.normalization)
        #expect(model.namedBuffers().map(\.parameter.value) == before)
        #expect(!model.isTraining)
    }

    @Test("bad batch sizes, norms and a single --batch-size exit with status 2", arguments: [
        ["norms", "--batch-sizes", "0,x"], ["norms", "--batch-sizes", "4,x"], ["norms", "--norms", "batch,foo"], ["norms", "--batch-size", "8"],
        ["norms", "--parts", "groups,bogus"], ["norms", "--seeds", "0"], ["norms", "--quick", "--full"],
    ])
    func badFlags(_ arguments: [String]) throws {
        #expect(DLBench.run(arguments: arguments) == 2)
    }

    @Test("dlbench all rejects an unknown comparison and passes the shared flags through")
    func allArguments() throws {
        #expect(DLBench.run(arguments: ["all", "--only", "norms,bogus"]) == 2)
        let command = try AllCommand.parse(["--out", "/tmp/x", "--quick", "--seed", "7", "--only", "norms"])
        #expect(try command.selectedComparisons() == ["norms"])
        #expect(command.arguments(for: "norms") == ["norms", "--out", "/tmp/x/norms", "--seed", "7", "--quick"])
    }

    @Test("dlbench all's estimate covers every comparison and scales the engine's with the seeds")
    func allEstimate() {
        #expect(Set(AllCommand.measuredMinutes.keys) == Set(AllCommand.comparisons))
        let engine = AllCommand.estimatedMinutes(["optimizers"], seeds: 6, quick: false)
        #expect(engine == 2 * AllCommand.estimatedMinutes(["optimizers"], seeds: 3, quick: false))
        #expect(AllCommand.estimatedMinutes(["norms"], seeds: 6, quick: false) == AllCommand.measuredMinutes["norms"])
        #expect(AllCommand.estimatedMinutes(AllCommand.comparisons, seeds: 3, quick: true) == Double(AllCommand.comparisons.count))
    }
}
