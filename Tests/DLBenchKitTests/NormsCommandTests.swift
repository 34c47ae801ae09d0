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

    @Test("a tiny comparison reports every normalization and batch size, and BatchNorm's gap")
    func tinyComparison() throws {
        var settings = NormComparison.Settings()
        settings.norms = [.batch, .group]
        settings.batchSizes = [4, 16]
        settings.trainingImages = 200
        settings.testImages = 200
        let comparison = try compareNormalizations(settings, on: Self.tinyData(), progress: .quiet)
        #expect(comparison.runs.count == 4)
        #expect(comparison.run(.batch, batchSize: 4)?.batchStatisticsError != nil)
        #expect(comparison.run(.group, batchSize: 4)?.batchStatisticsError == nil)
        #expect(comparison.run(.group, batchSize: 16)?.learningRate == settings.baseLearningRate / 2)

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dlbench-norms-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try NormsCommand.report(for: comparison).write(to: directory)
        for file in ["report.md", "results.json", "results.csv", "error-vs-batch-size.svg"] {
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent(file).path), "\(file) missing")
        }
        let markdown = try String(contentsOf: directory.appendingPathComponent("report.md"), encoding: .utf8)
        for text in ["BatchNorm", "GroupNorm", "B = 4", "B = 16", "running statistics"] {
            #expect(markdown.contains(text), "report.md lacks \(text)")
        }
        #expect(comparison.findings.contains { $0.hasPrefix("BatchNorm's test error is") })
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
}
