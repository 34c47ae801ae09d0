import DLNN
import Foundation
import Testing
@testable import DLBenchKit

@Suite("dlbench sequences")
struct SequencesCommandTests {
    @Test("bad flags are validation errors")
    func badFlags() throws {
        #expect(DLBench.run(arguments: ["sequences", "--quick", "--full"]) == 2)
        #expect(DLBench.run(arguments: ["sequences", "--parts", "rows,bogus"]) == 2)
        #expect(DLBench.run(arguments: ["sequences", "--corpus", "/nonexistent/corpus.txt"]) == 2)
        #expect(DLBench.run(arguments: ["sequences", "--batch-size", "8"]) == 2)
        #expect(DLBench.run(arguments: ["sequences", "--seeds", "0"]) == 2)
    }

    @Test("--seeds N runs every configuration N times from --seed up and reports mean ± std with n")
    func seedsBecomeRuns() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dlbench-sequences-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let command = try #require(try DLBench.parseAsRoot(["sequences", "--quick", "--seeds", "2", "--seed", "5"]) as? SequencesCommand)
        let budgets = command.budgets()
        #expect(budgets.rows.seeds == [5, 6] && budgets.adding.seeds == [5, 6] && budgets.clipping.seeds == [5, 6] && budgets.characters.seeds == [5, 6])
        #expect(DLBench.run(arguments: ["sequences", "--quick", "--quiet", "--seeds", "2", "--parts", "adding,clipping", "--out", folder.path]) == 0)
        let markdown = try String(contentsOf: folder.appendingPathComponent("report.md"), encoding: .utf8)
        for text in ["seeds 1–2 (n = 2)", "n = 2 seed(s) each", "seed 2 unclipped", " ± "] {
            #expect(markdown.contains(text), "report.md lacks \(text)")
        }
    }

    @Test("clipping's verdict per seed: no explosion, clipping helped, or clipping failed")
    func clippingOutcomes() {
        typealias Run = SequenceExplodingGradients.Run
        let calm = Run(clipped: false, seed: 1, losses: [0.2, 0.1], norms: [1, 1, 1], divergedAt: nil)
        let spiky = Run(clipped: false, seed: 1, losses: [0.2, 0.3], norms: [1, 1, 1, 50], divergedAt: nil)
        let diverged = Run(clipped: false, seed: 1, losses: [0.2], norms: [1, 1e30], divergedAt: 2)
        let clippedGood = Run(clipped: true, seed: 1, losses: [0.2, 0.05], norms: [1, 1, 1, 3], divergedAt: nil)
        let clippedBad = Run(clipped: true, seed: 1, losses: [0.2, 0.9], norms: [1, 1, 1, 3], divergedAt: nil)
        #expect(SequenceExplodingGradients.outcome(plain: calm, clipped: clippedGood) == .noExplosion)
        #expect(SequenceExplodingGradients.outcome(plain: spiky, clipped: clippedGood) == .clippingHelped)
        #expect(SequenceExplodingGradients.outcome(plain: diverged, clipped: clippedGood) == .clippingHelped)
        #expect(SequenceExplodingGradients.outcome(plain: spiky, clipped: clippedBad) == .clippingFailed)
    }

    @Test("a corpus that is not text fails with the file's name")
    func unusableCorpus() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dlbench-sequences-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let corpus = folder.appendingPathComponent("binary.txt")
        try Data([0xFF, 0xFE, 0x00]).write(to: corpus)
        let outcome = try DLBenchProcess.run(
            ["sequences", "--quick", "--quiet", "--parts", "characters", "--corpus", corpus.path, "--out", folder.appendingPathComponent("out").path])
        #expect(outcome.status == 1)
        #expect(outcome.errors.contains("binary.txt") && outcome.errors.contains("not UTF-8"))
    }

    @Test("--quick runs every part end to end and writes the report with its verdicts and plots")
    func quickRun() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dlbench-sequences-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(DLBench.run(arguments: ["sequences", "--quick", "--quiet", "--out", folder.path]) == 0)
        for file in ["report.md", "results.json", "gradient-norm-vs-step.svg", "clipping-loss.svg", "clipping-gradient-norm.svg", "bits-per-character.svg"] {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path), "\(file) missing")
        }
        let markdown = try String(contentsOf: folder.appendingPathComponent("report.md"), encoding: .utf8)
        for text in ["**Claim:**", "**Setting:**", "**Measured:**", "**Verdict:**", "row-by-row MNIST", "adding problem",
                     "Pascanu", "bits per character", "Temperature 0.5", "Transformer encoder"] {
            #expect(markdown.contains(text), "report.md lacks \(text)")
        }
        #expect(markdown.components(separatedBy: "**Verdict:**").count == 5, "four claims")
    }

    @Test("the gradient profile is ∂L/∂hₜ: equal to finite differences in the state entering step 3")
    func gradientProfileAtTheLastStep() throws {
        var generator = SeededGenerator(seed: 3)
        let model = SequenceCell.rnn.lastStepModel(inputSize: 2, hiddenSize: 4, outputs: 1, generator: &generator)
        let data = try SequenceDataset.addingProblem(count: 3, length: 6, seed: 4)
        let profile = SequenceVanishingGradients.gradientProfile(model, cell: .rnn, on: data)
        #expect(profile.steps == Array(0..<6))
        // Finite differences of the loss in the state entering step 3, sample 0, unit 0.
        let network = try #require(try model.layer(at: "rnn") as? RecurrentNetwork)
        var batches = data.batches(size: 3, shuffle: false, seed: 0)
        batches.startEpoch(0)
        let first = batches.nextTrainingBatch()
        let batch = try #require(first)
        guard case .values(let targets) = batch.targets else { Issue.record("values expected"); return }
        let state = network.forward(batch.inputs.slice(batch: 0..<3), initialState: nil).finalState.hidden
        func loss(_ hidden: Tensor) -> Double {
            let output = network.forward(batch.inputs.slice(batch: 3..<6), initialState: RecurrentState(hidden: hidden)).output
            let head = try! model.layer(at: "head")
            return Double(MeanSquaredError().loss(head.forward(LastTimeStep().forward(output)), targets: targets).value)
        }
        var total = 0.0
        for n in 0..<3 {
            var squares = 0.0
            for unit in 0..<4 {
                var plus = state.scalars, minus = state.scalars
                plus[n * 4 + unit] += 1e-2
                minus[n * 4 + unit] -= 1e-2
                let derivative = (loss(Tensor(shape: state.shape, scalars: plus)) - loss(Tensor(shape: state.shape, scalars: minus))) / 2e-2
                squares += derivative * derivative
            }
            total += squares.squareRoot()
        }
        #expect(abs(profile.norms[3] - total) < 2e-2 * max(total, 1e-6), "profile \(profile.norms[3]) vs finite differences \(total)")
    }
}
