import DLNN
import Foundation
import Testing
@testable import DLBenchKit

@Suite("dlbench classic")
struct ClassicCommandTests {
    @Test func badOptionsAreValidationErrors() {
        #expect(DLBench.run(arguments: ["classic", "--folds", "1"]) == 2)
        #expect(DLBench.run(arguments: ["classic", "--cross-validation-images", "0"]) == 2)
    }

    @Test func quickSettings() throws {
        let command = try #require(try DLBench.parseAsRoot(["classic", "--quick"]) as? ClassicCommand)
        let settings = command.settings()
        #expect(settings.crossValidationImages == 1000 && settings.neighborTrainingImages == 4000)
        #expect(settings.lenetEpochs == 1)
    }

    @Test func publishedNumbersFollowTheDataSet() {
        #expect(ClassicComparison.publishedNeighborAccuracy(for: "MNIST")?.bar == 0.969)
        #expect(ClassicComparison.publishedNeighborAccuracy(for: "fashion-mnist")?.bar == 0.85)
        #expect(ClassicComparison.publishedNeighborAccuracy(for: "CIFAR-10")?.bar == 0.35)
        #expect(ClassicComparison.publishedNeighborAccuracy(for: "my-digits") == nil)
    }

    @Test func writesAReportWithAVerdictForEveryClaim() throws {
        let directory = OptimizersCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var settings = ClassicComparison.Settings()
        settings.crossValidationImages = 200
        settings.principalComponents = [8, 16]
        settings.linearEpochs = 1
        settings.lenetEpochs = 1
        let comparison = try compareClassicMethods(settings, on: try OptimizersCommandTests.tinySplits(), progress: .quiet)
        #expect(comparison.candidates.count == settings.neighborCounts.count * settings.metrics.count)
        #expect(comparison.candidates.allSatisfy { $0.scores.perFold.count == 5 })
        #expect(comparison.neighborTrainingCount == 300 && comparison.testCount == 200)
        #expect(comparison.principalComponentRuns.map(\.components) == [8, 16])
        #expect(comparison.pixels.accuracy > 0.5, "kNN on 300 MNIST images is far better than chance")
        #expect(comparison.templates.count == 10 && comparison.templates.allSatisfy { $0.count == 784 })

        try ClassicCommand.write(comparison, to: directory)
        for file in ["report.md", "results.json", "results.csv", ClassicComparison.templatesFileName] {
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent(file).path), "\(file)")
        }
        let verdicts = comparison.verdicts.rows.map { $0[3].displayText }
        // 2 kNN claims, 2 PCA runs, 2 linear classifiers and their comparison, LeNet-5, the GEMM timing.
        #expect(verdicts.count == 9)
        #expect(verdicts[0].hasPrefix("not tested"), "300 training images cannot test the 60,000-image claim")
        #expect(verdicts.allSatisfy { $0.hasPrefix("met") || $0.hasPrefix("not ") || $0.hasPrefix("measured") })
        let svg = try String(contentsOf: directory.appendingPathComponent(ClassicComparison.templatesFileName), encoding: .utf8)
        #expect(svg.components(separatedBy: "<rect").count - 1 == 10 * 784)
    }
}
