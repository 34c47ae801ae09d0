import DLNN
import Foundation
import Testing
@testable import DLBenchKit

/// `dlbench compress --method quantize|binary|distill`, each end to end on a few hundred images.
@Suite struct CompressMethodTests {
    @Test func flagsBecomeOptions() throws {
        let options = try CompressCommand.parse(["--method", "quantize", "--seeds", "3", "--seed", "5", "--quick"]).methodOptions()
        #expect(options.seeds == [5, 6, 7] && options.epochs == 1 && options.calibrationBatches == 10)
        #expect(try CompressCommand.parse(["--method", "distill", "--full"]).methodOptions().full)
        // The teacher trains longer than its students, unless --epochs sets every network's.
        let distill = try CompressCommand.parse(["--method", "distill"]).methodOptions()
        #expect(distill.epochs == 3 && distill.teacherEpochs == 10)
        #expect(try CompressCommand.parse(["--method", "distill", "--epochs", "2"]).methodOptions().teacherEpochs == 2)
    }

    @Test(arguments: [["--method", "prune-everything"], ["--method", "binary", "--seeds", "0"]])
    func badValuesAreValidationErrors(arguments: [String]) {
        #expect(throws: (any Error).self) { try CompressCommand.parse(arguments) }
    }

    func tinyRun(_ method: String, _ run: (DataSplits, CompressionMethodOptions, URL) throws -> CompressionMethodReport) throws -> CompressionMethodReport {
        let (train, test) = try MNIST.load()
        let training = train.prefix(256)
        let data = DataSplits(name: "MNIST", training: training, validation: train.prefix(0), test: test.prefix(100),
                              normalization: .perChannel(statisticsOf: training))
        var options = CompressionMethodOptions()
        options.seeds = [1]
        options.epochs = 1
        options.teacherEpochs = 1
        options.quick = true
        options.latencyRepeats = 2
        options.calibrationBatches = 2
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("compress-\(method)-\(ProcessInfo.processInfo.processIdentifier)")
        defer { try? FileManager.default.removeItem(at: directory) }
        return try run(data, options, directory)
    }

    @Test func quantize() throws {
        let report = try tinyRun("quantize", runQuantizationExperiment)
        let table = try #require(report.tables.first?.table)
        #expect(table.rows.count == 8)
        #expect(report.verdicts.count == 2 && report.verdicts.allSatisfy { $0.contains("— measured:") })
    }

    @Test func binary() throws {
        let report = try tinyRun("binary", runBinaryWeightsExperiment)
        #expect(report.tables.first?.table.rows.count == 2)
        #expect(report.verdicts.count == 1 && report.verdicts[0].contains("fewer bytes on disk"))
    }

    @Test func distill() throws {
        let report = try tinyRun("distill", runDistillationExperiment)
        #expect(report.tables.first?.table.rows.count == 3)
        #expect(report.verdicts.count == 1 && report.verdicts[0].contains("errors distilled"))
    }
}
