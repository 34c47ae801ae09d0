import DLNN
import Foundation
import Testing
@testable import DLBenchKit

@Suite("dlbench optimizers, schedules and compare")
struct OptimizersCommandTests {
    /// A few hundred MNIST images per split: enough to exercise every path in seconds.
    static func tinySplits() throws -> DataSplits {
        let (train, test) = try MNIST.load()
        let training = train.prefix(300)
        return DataSplits(
            name: "MNIST", training: training, validation: train.subset(300..<400), test: test.prefix(200),
            normalization: .perChannel(statisticsOf: training))
    }

    static func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("dlbench-tests-\(UUID().uuidString)", isDirectory: true)
    }

    @Test func unknownOptimizerIsAValidationError() {
        #expect(throws: (any Error).self) { try DLBench.parseAsRoot(["optimizers", "--optimizers", "foo"]) }
        #expect(throws: (any Error).self) { try DLBench.parseAsRoot(["optimizers", "--optimizers", "adam,adam"]) }
        #expect(throws: (any Error).self) { try DLBench.parseAsRoot(["schedules", "--schedules", "linear"]) }
        #expect(throws: (any Error).self) { try DLBench.parseAsRoot(["compare", "nothing"]) }
        #expect(DLBench.run(arguments: ["optimizers", "--optimizers", "foo"]) == 2)
        #expect(DLBench.run(arguments: ["optimizers", "--seeds", "0"]) == 2)
        #expect(DLBench.run(arguments: ["schedules", "--learning-rate", "0"]) == 2)
    }

    @Test func validOptionsParse() throws {
        let command = try DLBench.parseAsRoot(["optimizers", "--optimizers", "sgd, Adam", "--no-tune", "--seeds", "2"])
        let optimizers = try #require(command as? OptimizersCommand)
        #expect(!optimizers.tune && optimizers.comparison.seeds == 2)
        let defaults = try #require(try DLBench.parseAsRoot(["schedules"]) as? SchedulesCommand)
        #expect(defaults.comparison.seeds == 3)
    }

    /// `dlbench <arguments> --quick` as a user runs it: exit status 0, the report's files and its findings.
    static func quickRun(_ arguments: [String], files: [String]) throws -> String {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let outcome = try DLBenchProcess.run(arguments + ["--quick", "--quiet", "--out", directory.path], timeout: 300)
        #expect(outcome.status == 0, "\(outcome.errors)")
        for file in ["report.md", "results.json", "results.csv", "loss.svg", "validation-accuracy.svg", "test-accuracy.svg"] + files {
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent(file).path), "\(file)")
        }
        let markdown = try String(contentsOf: directory.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(markdown.contains("## Findings") && markdown.contains("± ") && markdown.contains("total wall time"))
        return markdown + outcome.output
    }

    @Test func quickOptimizersRunEndToEnd() throws {
        let text = try Self.quickRun(["optimizers"], files: ["learning-rate-sensitivity.svg"])
        #expect(text.contains("Momentum") && text.contains("Adam") && text.contains("Learning-rate grid"))
    }

    @Test func quickSchedulesRunEndToEnd() throws {
        let text = try Self.quickRun(["schedules"], files: ["learning-rate.svg"])
        #expect(text.contains("constant") && text.contains("one-cycle"))
    }

    @Test func quickLearningRateClaimRunsEndToEnd() throws {
        let text = try Self.quickRun(["compare", "learning-rates"], files: [])
        #expect(text.contains("- **Verdict:** ") && text.contains("η = 3.0"))
    }

    @Test func quickLargeBatchClaimRunsEndToEnd() throws {
        let text = try Self.quickRun(["compare", "large-batch"], files: [])
        #expect(text.contains("- **Verdict:** ") && text.contains("B = 128, η = 0.05, scaled + warm-up"))
    }

    @Test func largeBatchEntriesTrainAtTheirOwnBatchAndScaledRate() throws {
        let result = try ComparisonRunner(seeds: [1], progress: .quiet).run(
            .largeBatch, budget: Budget(epochs: 5, batchSize: 32, trainingSize: 128), quick: true, on: try Self.tinySplits())
        #expect(result.entries.map(\.name) == [
            "B = 32, η = 0.0125", "B = 128, η = 0.05, scaled", "B = 128, η = 0.05, scaled + warm-up", "B = 128, η = 0.0125, not scaled",
        ])
        // 5 epochs of 128 images: 4 steps of 32 or 1 of 128 each. The warm-up takes one step
        // (a fifth of the run) at half the rate the scaled entry starts at.
        let steps = result.entries.map { $0.runs[0].outcome!.history.steps }
        #expect(steps.map(\.count) == [20, 5, 5, 5])
        #expect(steps[1][0].learningRate == 0.05 && steps[3][0].learningRate == 0.0125)
        #expect(abs(steps[2][0].learningRate - 0.025) < 1e-7 && steps[2][1].learningRate == 0.05)
    }

    @Test func scheduleRatesFollowTheirSchedule() throws {
        let result = try ComparisonRunner(seeds: [1], progress: .quiet).run(
            .schedules([.constant, .onecycle]), budget: Budget(epochs: 1, trainingSize: 256), on: try Self.tinySplits())
        #expect(result.entries.map(\.name) == ["constant", "one-cycle"])
        // One-cycle starts at η_max/25, rises, and ends far below its peak; constant stays at η.
        let rates = result.entries.map { $0.runs[0].outcome!.history.steps.map(\.learningRate) }
        #expect(rates[0].allSatisfy { $0 == 0.05 })
        #expect(abs(rates[1][0] - 0.002) < 1e-6 && rates[1].max()! <= 0.05 && rates[1].last! < rates[1].max()!)
    }

    @Test func counterexampleGivesFiniteEndsInTheInterval() {
        let experiment = CounterexampleExperiment(steps: 2000)
        #expect(experiment.runs.map(\.name) == ["Adam", "AMSGrad"])
        for (_, run) in experiment.runs {
            #expect(run.finalX.isFinite && (-1...1).contains(run.finalX))
            #expect(run.averageRegret.isFinite)
        }
        #expect(experiment.table.rows.count == 2)
        #expect(experiment.report().markdown().contains("Findings"))
    }
}
