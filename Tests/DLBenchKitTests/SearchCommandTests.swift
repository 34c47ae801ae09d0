import Foundation
import Testing
@testable import DLBenchKit

@Suite("dlbench search") struct SearchCommandTests {
    /// A score that only the learning rate moves, with a narrow peak at η = 0.05: one effective dimension of three.
    static func narrowPeak(_ h: Hyperparameters) -> Double {
        let distance = (log10(h.learningRate) - log10(0.05)) / 0.15
        return exp(-distance * distance)
    }

    static func scored(_ points: [Hyperparameters]) -> [ScoredTrial] {
        points.map { ScoredTrial(hyperparameters: $0, score: narrowPeak($0)) }
    }

    @Test func gridSizeIsTheLargestCubeWithinTheBudget() {
        #expect([1, 7, 8, 26, 27, 63, 64].map(SearchSpace.gridSize(forTrials:)) == [1, 1, 2, 2, 3, 3, 4])
    }

    @Test func gridTakesCellCentresOnTheLogScale() {
        let space = SearchSpace()
        let single = space.grid(pointsPerAxis: 1)
        #expect(single.count == 1)
        // The centre of 10⁻³…1 on a log scale is 10^−1.5; of 0…0.75, 0.375.
        #expect(abs(single[0].learningRate - pow(10, -1.5)) < 1e-12 && abs(single[0].dropout - 0.375) < 1e-12)
        let grid = space.grid(pointsPerAxis: 3)
        #expect(grid.count == 27)
        #expect(Set(grid.map(\.learningRate)).count == 3 && Set(grid.map(\.weightDecay)).count == 3 && Set(grid.map(\.dropout)).count == 3)
        let rates = Set(grid.map(\.learningRate)).sorted()
        for (rate, exponent) in zip(rates, [-2.5, -1.5, -0.5]) { #expect(abs(log10(rate) - exponent) < 1e-12) }
    }

    @Test func randomPointsAreReproducibleDistinctAndInside() {
        let space = SearchSpace()
        let points = space.random(count: 27, seed: 4)
        #expect(points == space.random(count: 27, seed: 4) && points != space.random(count: 27, seed: 5))
        #expect(Set(points.map(\.learningRate)).count == 27)
        for p in points {
            #expect(space.learningRate.contains(p.learningRate) && space.weightDecay.contains(p.weightDecay) && space.dropout.contains(p.dropout))
        }
    }

    @Test func randomSearchBeatsTheGridWhenOneOfThreeAxesMatters() {
        let space = SearchSpace()
        // The 27-point grid tries 3 learning rates, the nearest 10^−1.5, 0.2 decades from the peak: a score of ≈ 0.17.
        let grid = runningBest(Self.scored(space.grid(pointsPerAxis: 3))).last!
        #expect(abs(grid - exp(-pow((-1.5 - log10(0.05)) / 0.15, 2))) < 1e-9)
        let random = (1...10).map { runningBest(Self.scored(space.random(count: 27, seed: $0))).last! }
        #expect(random.filter { $0 > grid }.count >= 9)
        #expect(random.reduce(0, +) / 10 > 0.6)
        // The main effects find the one axis that matters.
        let effects = mainEffects(Self.scored(space.random(count: 200, seed: 1)), space: space, divergedScore: 0)
        #expect(effects.map(\.name) == ["learning rate", "weight decay", "dropout"])
        #expect(effects[0].range > 0.3 && effects[1].range < 0.1 && effects[2].range < 0.1)
    }

    @Test func runningBestSkipsDivergedTrials() {
        let point = Hyperparameters(learningRate: 0.1, weightDecay: 0, dropout: 0)
        let trials = [Double.nan, 0.5, .nan, 0.4, 0.7].map { ScoredTrial(hyperparameters: point, score: $0) }
        let best = runningBest(trials)
        #expect(best[0].isNaN && Array(best.dropFirst()) == [0.5, 0.5, 0.5, 0.7])
    }

    @Test func quickSearchRunsEndToEnd() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dlbench-search-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let outcome = try DLBenchProcess.run(["search", "--quick", "--quiet", "--out", directory.path], timeout: 300)
        #expect(outcome.status == 0, "\(outcome.errors)")
        for file in ["report.md", "results.json", "search.svg"] {
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent(file).path), "\(file)")
        }
        let markdown = try String(contentsOf: directory.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(markdown.contains("- **Verdict:** ") && markdown.contains("Which hyper-parameters matter") && markdown.contains("total wall time"))
    }

    @Test func badFlagsAreValidationErrors() throws {
        for arguments in [["--strategy", "annealing"], ["--trials", "0"], ["--repeats", "-1"]] {
            let outcome = try DLBenchProcess.run(["search"] + arguments, timeout: 60)
            #expect(outcome.status == 2 && outcome.errors.contains("dlbench: error:"), "\(arguments): \(outcome.errors)")
        }
    }
}
