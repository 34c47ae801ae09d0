/// Loss and classification metrics of a model on a data set, in evaluation mode.
public struct Evaluation: Codable, Equatable, Sendable {
    /// Mean loss over all samples.
    public var loss: Double
    /// Top-1 accuracy.
    public var accuracy: Double
    /// Top-5 accuracy (top-k with k = the class count when there are fewer than 5 classes).
    public var topFiveAccuracy: Double
    /// Counts of (true, predicted) classes, with per-class precision and recall.
    public var confusion: ConfusionMatrix
    /// The number of samples evaluated.
    public var sampleCount: Int

    /// 1 − accuracy.
    public var error: Double { 1 - accuracy }
}
