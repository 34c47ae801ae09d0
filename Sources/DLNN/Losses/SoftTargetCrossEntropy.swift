import Foundation

/// Cross-entropy of softmax(logits) against a target distribution per sample, averaged over the
/// batch: the loss of knowledge distillation, where the targets are a teacher's probabilities
/// (PyTorch's `CrossEntropyLoss` with probability targets, reduction 'mean').
///
///     pₙ = softmax(zₙ),   L = −(1/N)·Σₙ Σⱼ tₙⱼ·log pₙⱼ,   ∂L/∂zₙⱼ = (pₙⱼ·Tₙ − tₙⱼ)/N,   Tₙ = Σⱼ tₙⱼ
///
/// For targets that sum to 1, ∂L/∂z = (p − t)/N. The log-probabilities are formed as
/// (zₙⱼ − m) − log Σₖ e^(zₙₖ − m), m = maxₖ zₙₖ, as in `SoftmaxCrossEntropy`. It takes
/// `.values` targets of the logits' shape [N, C], so it is a `RegressionLoss` by signature.
public final class SoftTargetCrossEntropy: RegressionLoss {
    private var gradient = Tensor.zeros([0])

    /// Creates a soft-target cross-entropy loss.
    public init() {}

    /// L and ∂L/∂logits for logits [N, C] and target probabilities [N, C].
    public func loss(_ logits: Tensor, targets: Tensor) -> (value: Float, gradient: Tensor) {
        require(
            logits.rank == 2 && logits.shape[0] > 0 && logits.shape[1] > 0 && targets.shape == logits.shape,
            "SoftTargetCrossEntropy: logits \(describe(logits.shape)) and targets \(describe(targets.shape)): expected both [N, C], N, C ≥ 1"
        )
        let (samples, classes) = (logits.shape[0], logits.shape[1])
        gradient.resize(to: logits.shape)
        var total = 0.0
        logits.withUnsafeBufferPointer { z in
            targets.withUnsafeBufferPointer { t in
                gradient.withUnsafeMutableBufferPointer { dz in
                    for n in 0..<samples {
                        let row = z.baseAddress! + n * classes, target = t.baseAddress! + n * classes
                        let p = dz.baseAddress! + n * classes
                        let (m, s) = softmaxRow(row, into: p, count: classes)
                        let logSum = log(s)
                        var mass: Float = 0
                        for j in 0..<classes {
                            total += Double(target[j]) * Double(logSum - (row[j] - m))
                            mass += target[j]
                        }
                        for j in 0..<classes { p[j] = p[j] * mass - target[j] }
                    }
                }
            }
        }
        gradient.scale(by: 1 / Float(samples))
        return (Float(total / Double(samples)), gradient)
    }
}
