import DLNN
import Foundation

/// The loss of a freshly initialized model against ln(classes), the cross-entropy of a uniform
/// prediction (the first step of Karpathy's recipe: "check the initial loss"). A model whose
/// initial loss is far above it starts with confident, wrong logits and spends its first steps undoing them.
struct InitialLossCheck {
    var model: String
    /// Mean cross-entropy of the initial model on (at most) `sampleSize` validation images.
    var loss: Double
    var classCount: Int

    static let sampleSize = 512
    /// The relative deviation from ln(classes) above which a warning is printed.
    static let tolerance = 0.1

    var expected: Double { log(Double(classCount)) }
    var isWithinTolerance: Bool { abs(loss - expected) <= Self.tolerance * expected }

    /// Builds the model of `spec` at its seed and evaluates it on the first validation images.
    static func measure(_ spec: TrainingSpec, on data: DataSplits) throws -> InitialLossCheck {
        let model = try spec.makeModel(for: data)
        let sample = data.validation.prefix(min(sampleSize, data.validation.count))
        let evaluation = evaluate(model: model, images: sample, normalization: data.normalization, loss: SoftmaxCrossEntropy())
        let name = spec.norm == .none ? spec.modelName : "\(spec.modelName) + \(spec.norm.displayName)"
        return InitialLossCheck(model: name, loss: evaluation.loss, classCount: data.training.classCount)
    }

    /// `"lenet5: initial loss 2.312, ln 10 = 2.303 (+0.4%)"`, with a warning when off by more than 10%.
    var text: String {
        let deviation = (loss - expected) / expected * 100
        let base = "\(model): initial loss " + String(format: "%.3f, ln %d = %.3f (%+.1f%%)", loss, classCount, expected, deviation)
        return isWithinTolerance ? base : base + " — WARNING: more than 10% off; the initialization makes the first steps undo confident logits"
    }
}
