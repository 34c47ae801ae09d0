import DLNN
import Foundation
import Testing
@testable import DLBenchKit

@Suite("dlbench optimizers and schedules")
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

    /// The names of the first table's rows in `results.json` of `directory`.
    static func firstColumn(ofResultsIn directory: URL) throws -> [String] {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("results.json"))) as? [String: Any]
        let tables = try #require(json?["tables"] as? [[String: Any]])
        let rows = try #require(tables.first?["rows"] as? [[String: Any]])
        return rows.compactMap { ($0["optimizer"] ?? $0["schedule"]) as? String }
    }

    @Test func unknownOptimizerIsAValidationError() {
        #expect(throws: (any Error).self) { try DLBench.parseAsRoot(["optimizers", "--optimizers", "foo"]) }
        #expect(throws: (any Error).self) { try DLBench.parseAsRoot(["optimizers", "--optimizers", "adam,adam"]) }
        #expect(throws: (any Error).self) { try DLBench.parseAsRoot(["schedules", "--schedules", "linear"]) }
        #expect(DLBench.run(arguments: ["optimizers", "--optimizers", "foo"]) == 2)
        #expect(DLBench.run(arguments: ["optimizers", "--trials", "0", "--tune"]) == 2)
        #expect(DLBench.run(arguments: ["schedules", "--learning-rate", "0"]) == 2)
    }

    @Test func validOptionsParse() throws {
        let command = try DLBench.parseAsRoot(["optimizers", "--optimizers", "sgd, Adam", "--tune", "--trials", "2"])
        let optimizers = try #require(command as? OptimizersCommand)
        #expect(optimizers.tune && optimizers.trials == 2)
    }

    @Test func optimizerComparisonWritesAReportWithEveryOptimizer() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let settings = OptimizerComparisonSettings(optimizers: [.sgd, .adam], epochs: 1, trainingSize: nil, tuningTrials: 1)
        let comparison = try compareOptimizers(settings, on: try Self.tinySplits(), progress: .quiet)
        #expect(comparison.runs.map(\.name) == ["SGD", "Adam"])
        #expect(comparison.trials["Adam"]?.count == 2)
        // 300 images for one epoch cannot reach 95%: each run must say why.
        #expect(comparison.runs.allSatisfy { diagnosis(of: $0) != nil })
        try comparison.report().write(to: directory)
        for file in ["report.md", "results.json", "results.csv", "loss.svg", "validation-accuracy.svg"] {
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent(file).path), "\(file)")
        }
        #expect(try Self.firstColumn(ofResultsIn: directory) == ["SGD", "Adam"])
        let markdown = try String(contentsOf: directory.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(markdown.contains("## Findings") && markdown.contains("Runs that did not learn"))
    }

    @Test func scheduleComparisonWritesAReportWithEverySchedule() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let settings = ScheduleComparisonSettings(schedules: [.constant, .onecycle], epochs: 1, trainingSize: nil)
        let comparison = try compareSchedules(settings, on: try Self.tinySplits(), progress: .quiet)
        try comparison.report().write(to: directory)
        for file in ["report.md", "results.json", "results.csv", "loss.svg", "validation-accuracy.svg", "learning-rate.svg"] {
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent(file).path), "\(file)")
        }
        #expect(try Self.firstColumn(ofResultsIn: directory) == ["constant", "one-cycle"])
        // One-cycle starts at η_max/25, rises, and ends far below its peak; constant stays at η.
        let rates = comparison.runs.map { $0.outcome!.history.steps.map(\.learningRate) }
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
