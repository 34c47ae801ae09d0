/// A linear classifier on images: scores s = W·x + b for the flattened image x, with W [classes, C·H·W].
///
/// The model is `Sequential(Flatten(), Dense(C·H·W → classes))`, trained like any other network
/// with `Trainer`: `SoftmaxCrossEntropy` makes it multinomial logistic regression (softmax),
/// `MulticlassHinge` a multiclass SVM (Weston–Watkins), and `TrainingConfiguration.weightPenalty`
/// with an `L2Penalty(strength: λ)` adds the usual ½λ‖W‖² regularization (the penalty covers every
/// parameter the optimizer holds, so pass only `weight` to the optimizer to leave the bias out):
///
///     let classifier = LinearClassifier(imageShape: [1, 28, 28], classCount: 10, seed: 1)
///     let trainer = Trainer(model: classifier.model, loss: MulticlassHinge(),
///                           optimizer: SGD(classifier.model.allParameters, learningRate: 0.01),
///                           configuration: TrainingConfiguration(epochs: 5, weightPenalty: L2Penalty(strength: 1e-3)))
///
/// Each row of W is a template of its class, one weight per pixel: `classTemplates()` draws them.
public struct LinearClassifier {
    /// The network, Flatten then `dense`.
    public let model: Sequential
    /// The linear map, weight W [classes, C·H·W] and bias b [classes].
    public let dense: Dense
    /// The shape [C, H, W] of the images it classifies.
    public let imageShape: TensorShape

    /// A classifier for images of `imageShape` [C, H, W] into `classCount` classes, its weight drawn
    /// from Xavier-uniform (as every preset's logit layer) with a generator seeded by `seed`, its bias zero.
    public init(imageShape: TensorShape, classCount: Int, seed: UInt64 = 0) {
        require(imageShape.count == 3 && imageShape.allSatisfy { $0 > 0 }, "LinearClassifier: image shape \(describe(imageShape)) must be [C, H, W]")
        var generator = SeededGenerator(seed: seed)
        self.dense = Dense(
            inputSize: Tensor.elementCount(of: imageShape), outputSize: classCount,
            weightInitializer: Models.outputInitializer, generator: &generator)
        self.model = Sequential(Flatten(), dense)
        self.imageShape = imageShape
    }

    /// The weights of each class as an image, [classes, C, H, W] bytes (row-major, one array per
    /// class), each class rescaled on its own so that its smallest weight is 0 and its largest 255:
    /// b = round(255·(w − min) / (max − min)); a class whose weights are all equal is 128 everywhere.
    public func classTemplates() -> [[UInt8]] {
        let (classes, width) = (dense.outputSize, dense.inputSize)
        let weights = dense.weight.value.scalars
        return (0..<classes).map { row in
            let values = weights[(row * width)..<((row + 1) * width)]
            let (low, high) = (values.min()!, values.max()!)
            guard high > low else { return Array(repeating: 128, count: width) }
            return values.map { UInt8((255 * ($0 - low) / (high - low)).rounded()) }
        }
    }
}
