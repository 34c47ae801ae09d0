import DLNN
import Foundation
import Testing
@testable import DLBenchKit

@Suite("dlbench regularize")
struct RegularizeCommandTests {
    @Test("--quick runs every setting end to end, with curves and a diagnosis for each")
    func quickRun() throws {
        let text = try OptimizersCommandTests.quickRun(["regularize", "--seeds", "2"], files: ["fit-1.svg", "fit-7.svg", "validation-loss.svg"])
        #expect(text.components(separatedBy: "- **Verdict:** ").count - 1 == 3)
        for name in ["none", "L2 weight decay", "dropout", "augmentation", "mixup", "label smoothing", "early stopping"] {
            #expect(text.contains("- **\(name)**: **"), "no diagnosis for \(name)")
        }
    }

    @Test("fit curves are the clean training and validation evaluations of every epoch")
    func fitCurvesPerEpoch() throws {
        var spec = TrainingSpec(model: .mlp, optimizer: .momentum, learningRate: 0.05, epochs: 2, tracksFit: true)
        spec.mixup = Mixup(alpha: 0.4)
        spec.labelSmoothing = 0.1
        let data = try OptimizersCommandTests.tinySplits()
        let outcome = try train(spec, on: data, progress: .quiet)
        #expect(outcome.fitCurves.count == 2)
        #expect(outcome.fitCurves.map(\.training.sampleCount) == [300, 300] && outcome.fitCurves.map(\.validation.sampleCount) == [100, 100])
        // The validation curve uses the plain cross-entropy: it matches a fresh evaluation of the final model.
        let plain = evaluate(model: outcome.model, images: data.validation, normalization: data.normalization, loss: SoftmaxCrossEntropy())
        #expect(abs(plain.loss - outcome.fitCurves[1].validation.loss) < 1e-9)
    }

    @Test("bad flags exit with status 2", arguments: [
        ["regularize", "--dropout", "1"], ["regularize", "--mixup-alpha", "0"], ["regularize", "--label-smoothing", "-0.1"],
        ["regularize", "--full", "--quick"], ["regularize", "--seeds", "0"],
    ])
    func badFlags(_ arguments: [String]) {
        #expect(DLBench.run(arguments: arguments) == 2)
    }
}
