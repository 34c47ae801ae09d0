import DLNN
import Foundation
import Testing
@testable import DLBenchKit

@Suite struct CompressCommandTests {
    @Test func flagsBecomeSettings() throws {
        let command = try CompressCommand.parse(["--method", "prune,pipeline", "--models", "lenet-5", "--seeds", "3", "--seed", "7",
                                                 "--ratios", "2,4", "--conv-scheme", "spatial", "--prune-rounds", "2"])
        let settings = try command.settings()
        #expect(settings.methods == [.prune, .pipeline] && settings.models == [.lenet5])
        #expect(settings.seeds == [7, 8, 9] && settings.lowRankLevels == [2, 4] && settings.convolutionScheme == .spatial && settings.pruneRounds == 2)
        let defaults = try CompressCommand.parse([]).settings()
        #expect(defaults.methods == CompressionMethod.allCases && defaults.seeds == [1])
        // The baselines train on the whole training split and are tested on the whole test split: a
        // prefix of the test split is harder than the rest (MNIST's first 5,000 test images).
        #expect(defaults.trainingImages == nil && defaults.testImages == nil)
        #expect(try CompressCommand.parse(["--quick"]).settings().seeds == [1])
        #expect(try CompressCommand.parse(["--full"]).settings().trainingImages == nil)
    }

    @Test(arguments: [["--method", "quantum"], ["--method", ""], ["--models", "vgg"], ["--ratios", "0.5"], ["--ratios", "2,,3"],
                      ["--conv-scheme", "diagonal"], ["--quick", "--full"], ["--seeds", "0"], ["--prune-rounds", "0"]])
    func badValuesAreValidationErrors(arguments: [String]) {
        #expect(throws: (any Error).self) { try CompressCommand.parse(arguments) }
    }

    /// `dlbench compress --quick --method lowrank,prune,pipeline` end to end (one run, so the three
    /// methods share the baselines): every method's section, verdicts and files.
    @Test func quickRunEndToEnd() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("compress-quick-\(ProcessInfo.processInfo.processIdentifier)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let methods = CompressionMethod.allCases.map(\.rawValue).joined(separator: ",")
        var command = try DLBench.parseAsRoot(["compress", "--quick", "--quiet", "--method", methods, "--out", directory.path, "--format", "csv"])
        try command.run()
        let report = try String(contentsOf: directory.appendingPathComponent("report.md"), encoding: .utf8)
        for title in ["Low-rank factorization", "Magnitude pruning", "Deep Compression pipeline"] { #expect(report.contains("## \(title)")) }
        #expect(report.components(separatedBy: "**Verdict:**").count - 1 == 3 + 2 + 2)
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("accuracy-vs-compression.svg").path))
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        for prefix in ["lowrank-", "pruned-", "pipeline-"] { #expect(files.contains { $0.hasPrefix(prefix) }) }
        #expect(files.filter { $0.hasPrefix("baseline-") }.count == 2)
    }

    /// 300 MNIST training images, the next 100 for validation, 100 test images.
    private func tinyData() throws -> DataSplits {
        let (train, test) = try MNIST.load()
        return DataSplits(name: "MNIST", training: train.prefix(300), validation: train.prefix(400).subset(300..<400), test: test.prefix(100),
                          normalization: .perChannel(statisticsOf: train.prefix(300)))
    }

    /// The experiments' numbers on a tiny run: pruning meets the paper's kept fractions exactly, the
    /// sparse files are smaller than the dense ones, and low-rank never repeats a level.
    @Test func tinyRunMeasuresWhatItReports() throws {
        let data = try tinyData()
        var settings = CompressionSettings.quick
        settings.models = [.lenet300]
        settings.lowRankLevels = [100, 150, 200]
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("compress-tiny-\(ProcessInfo.processInfo.processIdentifier)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let workbench = try CompressionWorkbench(settings: settings, data: data, directory: directory, progress: .quiet)
        let baseline = try workbench.baseline(.lenet300, seed: 1)
        // Every compressed variant starts from the checkpoint: it reloads to the accuracy measured before saving.
        #expect(workbench.evaluate(try workbench.freshCopy(.lenet300, seed: 1)) == baseline.accuracy)

        let pruning = try PruningExperiment().run(workbench)
        let perLayer = try #require(pruning.rows.first { $0.variant.hasPrefix("per-layer") })
        let pruned = try workbench.pruned(.lenet300, seed: 1, variant: perLayer.variant, target: try PruningExperiment.targets(.lenet300)[0].target)
        #expect(pruned.masks.entries.map { ($0.keptFraction * 100).rounded() } == [8, 9, 26])
        #expect(perLayer.bytes < baseline.bytes / 5 && perLayer.flops < baseline.flops / 5)
        #expect(pruning.verdicts.count == 1)

        let pipeline = try DeepCompressionExperiment().run(workbench)
        let bytes = pipeline.rows.map(\.bytes)
        #expect(bytes.count == 3 && bytes[0] > bytes[1] && bytes[1] > bytes[2])

        let lowRank = try LowRankExperiment().run(workbench)
        let targets = lowRank.rows.map(\.variant).filter { $0.hasPrefix("target") }
        // At 100× only Dense(784 → 300) has a rank (1; Dense(300 → 100) cannot reach it); 150× gives rank 1 again: the sweep stops.
        #expect(targets == ["target 100×"])
        #expect(lowRank.description.contains("stopped before target 150×"))
    }

    /// The fine-tuning rates train at once with `width` 2, and choose the same rates and reach the
    /// same accuracies as one at a time.
    @Test func fineTuningRatesAtOnceGiveTheSameResults() throws {
        let data = try tinyData()
        var settings = CompressionSettings.quick
        settings.models = [.lenet300]
        settings.fineTuneRates = [0.003, 0.01, 0.03]
        func pruningRows(width: Int) throws -> [CompressionRow] {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("compress-width\(width)-\(ProcessInfo.processInfo.processIdentifier)")
            defer { try? FileManager.default.removeItem(at: directory) }
            let log = LogLines()
            let workbench = try CompressionWorkbench(settings: settings, data: data, directory: directory, progress: .quiet, width: width, log: log.append)
            let rows = try PruningExperiment().run(workbench).rows
            // One line for the baseline, and one per rate of each of the two pruning targets.
            #expect(log.lines.count == 1 + 2 * settings.fineTuneRates.count)
            return rows
        }
        let (serial, parallel) = (try pruningRows(width: 1), try pruningRows(width: 2))
        #expect(serial.map(\.note) == parallel.map(\.note))
        #expect(serial.map(\.accuracyBefore.mean) == parallel.map(\.accuracyBefore.mean))
        #expect(serial.map { $0.accuracyAfter?.mean } == parallel.map { $0.accuracyAfter?.mean })
    }
}

/// Lines said from any thread.
private final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var said: [String] = []

    func append(_ line: String) { lock.withLock { said.append(line) } }
    var lines: [String] { lock.withLock { said } }
}
