/// Stops training when the loss or a gradient becomes NaN or infinite, instead of training on garbage.
///
/// Once a NaN reaches the parameters every later step is meaningless, so the training loop checks
/// the loss after forward and the gradients after backward, and turns the thrown
/// `NonFiniteValueError` into a stop with its message, e.g.
/// `step 1200: the gradient of features.0.weight [64, 3, 3, 3] is nan at [5, 0, 2, 1]`.
///
/// ```swift
/// let check = NonFiniteCheck(model)
/// try check.check(loss: loss, step: optimizer.stepCount)
/// try check.checkGradients(step: optimizer.stepCount)
/// ```
public struct NonFiniteCheck {
    /// The parameters whose gradients are checked, with the names used in messages.
    public let parameters: [(path: String, parameter: Parameter)]

    /// Checks the given parameters, named by their paths.
    public init(parameters: [(path: String, parameter: Parameter)]) {
        self.parameters = parameters
    }

    /// Checks every parameter of `model`, named by its path (`features.0.weight`).
    public init(_ model: some Layer) {
        self.init(parameters: model.namedParameters())
    }

    /// Throws `.loss` when `loss` is NaN or infinite.
    public func check(loss: Float, step: Int) throws(NonFiniteValueError) {
        guard loss.isFinite else { throw .loss(step: step, value: loss) }
    }

    /// Throws `.gradient` for the first NaN or infinite gradient element of a trainable parameter.
    public func checkGradients(step: Int) throws(NonFiniteValueError) {
        for (path, parameter) in parameters where parameter.isTrainable {
            let firstBad = parameter.gradient.withUnsafeBufferPointer { gradient in
                gradient.firstIndex { !$0.isFinite }
            }
            if let index = firstBad {
                throw .gradient(
                    step: step, parameter: path, shape: parameter.gradient.shape, index: index,
                    value: parameter.gradient.scalars[index]
                )
            }
        }
    }
}

/// A NaN or infinite value found by `NonFiniteCheck`.
public enum NonFiniteValueError: Error, Equatable, CustomStringConvertible {
    /// The loss at `step` is `value`.
    case loss(step: Int, value: Float)
    /// Element `index` (row-major) of the gradient of `parameter`, of shape `shape`, is `value` at `step`.
    case gradient(step: Int, parameter: String, shape: TensorShape, index: Int, value: Float)
    /// The mean validation loss after `epoch` is `value`.
    case validationLoss(epoch: Int, value: Double)

    public var description: String {
        switch self {
        case .loss(let step, let value):
            return "step \(step): the loss is \(value); stopping instead of training on garbage"
        case .gradient(let step, let parameter, let shape, let index, let value):
            var position = [Int](repeating: 0, count: shape.count), remainder = index
            for axis in shape.indices.reversed() where shape[axis] > 0 {
                position[axis] = remainder % shape[axis]
                remainder /= shape[axis]
            }
            return "step \(step): the gradient of \(parameter) \(describe(shape)) is \(value) at \(describe(position)); stopping instead of training on garbage"
        case .validationLoss(let epoch, let value):
            return "epoch \(epoch): the validation loss is \(value); stopping before this epoch's checkpoint replaces the last good one"
        }
    }
}
