import Foundation

/// Softmax followed by the negative log-likelihood, fused into one numerically stable step
/// (PyTorch's `CrossEntropyLoss` with reduction 'mean'), with optional label smoothing and
/// class weights.
///
/// For sample n with logits zₙ [C] and label yₙ, the log-probabilities are computed as
/// ℓₙⱼ = (zₙⱼ − m) − log Σₖ e^(zₙₖ − m) with m = maxₖ zₙₖ, so no exponential exceeds 1 and logits
/// of any size stay finite; pₙⱼ = e^ℓₙⱼ. With smoothing ε and class weights w (all 1 by default):
///
///     tₙⱼ = (1 − ε)·w_yₙ·[j = yₙ] + (ε/C)·wⱼ                 (weighted target)
///     L   = (1/W)·Σₙ Σⱼ tₙⱼ·(−ℓₙⱼ),   W = Σₙ w_yₙ
///     ∂L/∂zₙⱼ = (pₙⱼ·Tₙ − tₙⱼ)/W,      Tₙ = Σⱼ tₙⱼ = (1 − ε)·w_yₙ + (ε/C)·Σⱼ wⱼ
///
/// Without weights, W = N and tₙ = (1 − ε)·onehot(yₙ) + ε/C, so L is the mean over the batch of
/// the cross-entropy against the smoothed target and ∂L/∂z = (p − t)/N. With weights this is
/// exactly PyTorch's definition: the weighted NLL term and the weighted smoothing term are both
/// divided by W, the sum of the weights of the samples' *target* classes (not by N, and not by
/// the weights appearing in the smoothing term).
public final class SoftmaxCrossEntropy: ClassificationLoss {
    /// The label-smoothing ε in [0, 1]; 0 gives the plain one-hot target.
    public let labelSmoothing: Float
    /// The weight of each class (non-negative, one per class), or `nil` for all 1.
    public let classWeights: [Float]?
    private var gradient = Tensor.zeros([0])

    /// Creates a cross-entropy loss with label smoothing ε = `labelSmoothing` and optional
    /// per-class weights.
    public init(labelSmoothing: Float = 0, classWeights: [Float]? = nil) {
        require(
            labelSmoothing >= 0 && labelSmoothing <= 1,
            "SoftmaxCrossEntropy: label smoothing must be in [0, 1], got \(labelSmoothing)"
        )
        if let classWeights {
            require(
                !classWeights.isEmpty && classWeights.allSatisfy { $0 >= 0 },
                "SoftmaxCrossEntropy: class weights must be non-negative and non-empty, got \(classWeights)"
            )
        }
        self.labelSmoothing = labelSmoothing
        self.classWeights = classWeights
    }

    /// L and ∂L/∂logits for logits [N, C] and N labels in 0..<C.
    public func loss(_ logits: Tensor, labels: [Int]) -> (value: Float, gradient: Tensor) {
        let (samples, classes) = checkedBatch(logits, labels: labels, loss: "SoftmaxCrossEntropy")
        let weights = classWeights
        if let weights {
            require(
                weights.count == classes,
                "SoftmaxCrossEntropy: \(weights.count) class weights for logits \(describe(logits.shape)) "
                    + "with \(classes) classes"
            )
        }
        func weight(_ j: Int) -> Float { weights?[j] ?? 1 }
        let hard = 1 - labelSmoothing, smooth = labelSmoothing / Float(classes)
        let weightSum = weights?.reduce(0, +) ?? Float(classes)

        gradient.resize(to: logits.shape)
        var total = 0.0, targetWeightTotal = 0.0
        logits.withUnsafeBufferPointer { z in
            gradient.withUnsafeMutableBufferPointer { dz in
                for n in 0..<samples {
                    let row = z.baseAddress! + n * classes, p = dz.baseAddress! + n * classes
                    let (m, s) = softmaxRow(row, into: p, count: classes)
                    let logSum = log(s)
                    let y = labels[n], wy = weight(y)
                    // −ℓⱼ = log s − (zⱼ − m); the difference is formed first so huge logits cancel exactly.
                    var sampleLoss = Double(hard * wy) * Double(logSum - (row[y] - m))
                    if smooth > 0 {
                        var smoothed = 0.0
                        for j in 0..<classes { smoothed += Double(weight(j) * (logSum - (row[j] - m))) }
                        sampleLoss += Double(smooth) * smoothed
                    }
                    total += sampleLoss
                    targetWeightTotal += Double(wy)
                    // p ← p·Tₙ − tₙ, still to be divided by W.
                    let targetMass = hard * wy + smooth * weightSum
                    for j in 0..<classes { p[j] = p[j] * targetMass - smooth * weight(j) }
                    p[y] -= hard * wy
                }
            }
        }
        require(
            targetWeightTotal > 0,
            "SoftmaxCrossEntropy: the weights of the batch's target classes sum to 0, so the weighted mean is undefined"
        )
        gradient.scale(by: Float(1 / targetWeightTotal))
        return (Float(total / targetWeightTotal), gradient)
    }
}
