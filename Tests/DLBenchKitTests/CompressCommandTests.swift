import DLNN
import Foundation
import Testing
@testable import DLBenchKit

@Suite struct CompressCommandTests {
    @Test func flagsBecomeASweep() throws {
        let command = try CompressCommand.parse(["--ranks", "4,16", "--conv-scheme", "spatial", "--models", "lenet5", "--fine-tune-epochs", "0"])
        let settings = try command.settings()
        #expect(settings.levels == [.rank(4), .rank(16)])
        #expect(settings.convolutionScheme == .spatial && settings.models == [.lenet5] && settings.fineTuneEpochs == 0)
        #expect(try CompressCommand.parse([]).settings().levels == [2, 3, 5, 8, 13].map { .compressionRatio($0) })
    }

    @Test(arguments: [["--energies", "1.5"], ["--ratios", "0.5"], ["--ranks", "0"], ["--conv-scheme", "diagonal"], ["--models", "vgg"],
                      ["--ranks", "4", "--energies", "0.9"]])
    func badValuesAreValidationErrors(arguments: [String]) {
        #expect(throws: (any Error).self) { try CompressCommand.parse(arguments) }
    }

    /// A tiny run end to end: both baselines, one level, a few hundred images.
    @Test func tinyStudy() throws {
        let (train, test) = try MNIST.load()
        let training = train.prefix(300)
        let data = DataSplits(name: "MNIST", training: training, validation: train.prefix(0), test: test.prefix(200),
                              normalization: .perChannel(statisticsOf: training))
        var settings = CompressionSettings()
        settings.levels = [.compressionRatio(3)]
        settings.epochs = 1
        settings.fineTuneImages = 100
        settings.latencyRepeats = 2
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("compress-test-\(ProcessInfo.processInfo.processIdentifier)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let studies = try runCompressionStudies(settings, on: data, directory: directory, progress: .quiet)
        #expect(studies.map(\.model) == [.mlp, .lenet5])
        for study in studies {
            let point = try #require(study.points.first)
            #expect(point.selectedLayersRatio > 1 && point.parameterCount < study.parameterCount && point.flops < study.flops)
            #expect(point.latency.batchOne > 0 && point.latency.batchSixtyFour > 0)
            #expect(study.verdict.hasPrefix("\(study.model.rawValue): "))
        }
        #expect(compressionTable(studies).rows.count == 4)
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("baseline-mlp.safetensors").path))
    }
}
