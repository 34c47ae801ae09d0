import DLNN
import Foundation
import Testing
@testable import DLBenchKit

@Suite("dlbench sanity")
struct SanityCommandTests {
    /// Every preset dlbench builds, on MNIST (10 classes) and on random 3×32×32 images of 100 classes.
    @Test("every preset starts within 10% of ln(classes)", arguments: [10, 100])
    func initialLossOfEveryPreset(classes: Int) throws {
        let data: DataSplits
        if classes == 10 {
            data = try OptimizersCommandTests.tinySplits()
        } else {
            var generator = SeededGenerator(seed: 9)
            let count = 64
            let images = (0..<count * 3 * 32 * 32).map { _ in UInt8(generator.nextIndex(below: 256)) }
            let set = ImageDataset(images: images, labels: (0..<count).map { $0 % classes }, channels: 3, height: 32, width: 32, classCount: classes)
            data = DataSplits(name: "random", training: set, validation: set, test: set, normalization: .perChannel(statisticsOf: set))
        }
        for (kind, norm) in SanityCheck.Settings().models + [(.vgg, .group), (.resnet, .layer)] {
            let check = try InitialLossCheck.measure(TrainingSpec(model: kind, norm: norm, seed: 1), on: data)
            #expect(check.isWithinTolerance, "\(check.text)")
        }
    }

    @Test("--quick runs end to end and both checks have verdicts")
    func quickRun() throws {
        let directory = OptimizersCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let outcome = try DLBenchProcess.run(["sanity", "--quick", "--quiet", "--out", directory.path], timeout: 300)
        #expect(outcome.status == 0, "\(outcome.errors)")
        let markdown = try String(contentsOf: directory.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(markdown.components(separatedBy: "- **Verdict:** ").count - 1 == 2)
        #expect(markdown.contains("lenet5") && markdown.contains("mlp"))
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("overfit-one-batch.svg").path))
    }

    @Test("the MLP memorizes 16 images within 100 steps")
    func mlpMemorizesABatch() throws {
        var settings = SanityCheck.Settings.quick
        settings.models = [(.mlp, .none)]
        let check = try SanityCheck(settings, on: try OptimizersCommandTests.tinySplits(), progress: .quiet)
        let steps = try #require(check.results[0].stepsToMemorize)
        #expect(steps <= 100 && check.results[0].losses.count == steps)
        #expect(check.claims.map(\.verdict) == [.reproduced, .reproduced])
    }

    @Test("bad flags exit with status 2", arguments: [["sanity", "--steps", "0"], ["sanity", "--epochs", "2"], ["sanity", "--learning-rate", "0"]])
    func badFlags(_ arguments: [String]) {
        #expect(DLBench.run(arguments: arguments) == 2)
    }
}
