/// A differentiable stage of a network.
///
/// `forward(_:)` maps an input batch to an output batch and keeps what `backward(_:)` needs.
/// `backward(_:)` takes ∂loss/∂output for the most recent forward pass, **adds** ∂loss/∂θ into
/// each parameter's `gradient`, and returns ∂loss/∂input. A backward pass consumes its forward
/// pass, as in PyTorch: a layer may let go of what it kept (its input, say) so that the layer before
/// can overwrite its output buffer in the next step without a copy. To accumulate gradients over
/// several batches, run forward and backward once per batch. Layers are reference types because
/// they hold parameters, caches and workspaces that are reused from step to step.
///
/// Shapes are NCHW for images and [N, features] for vectors; the first axis is always the batch.
public protocol Layer: AnyObject {
    /// Computes the output for `input` and remembers what the backward pass needs.
    func forward(_ input: Tensor) -> Tensor
    /// Given ∂loss/∂output of the last forward pass, accumulates parameter gradients and returns ∂loss/∂input.
    func backward(_ outputGradient: Tensor) -> Tensor
    /// `backward(_:)` for a caller with no use for ∂loss/∂input, such as a training step at the
    /// network's input: accumulates the parameter gradients only, skipping the input-gradient work
    /// where the layer can (a first convolution's col2im, a first dense layer's GEMM).
    func accumulateParameterGradients(_ outputGradient: Tensor)
    /// The layer's own trainable tensors (not its children's), in a fixed order.
    var parameters: [Parameter] { get }
    /// The layer's own saved-but-untrained state (running statistics), in a fixed order.
    var buffers: [Parameter] { get }
    /// Sub-layers with the names used in parameter paths (`features.0.weight`).
    var children: [(name: String, layer: any Layer)] { get }
    /// Training mode (batch statistics, dropout active) or evaluation mode; setting it on a
    /// container sets it on every descendant.
    var isTraining: Bool { get set }
    /// The output shape for an input of `inputShape` (batch axis included); throws a `ShapeError`
    /// naming the layer's path, the layer and both shapes when the input does not fit. Run it once
    /// on a model and its data's shape to validate them before training.
    func outputShape(for inputShape: TensorShape) throws(ShapeError) -> TensorShape
    /// Floating-point operations of one forward pass on `inputShape` (a multiply-add counts as 2).
    func forwardFLOPs(for inputShape: TensorShape) -> Int
    /// A short description for summaries and error messages, e.g. `Dense(784 → 10)`.
    var summaryName: String { get }
}

extension Layer {
    public var parameters: [Parameter] { [] }
    public var buffers: [Parameter] { [] }
    public var children: [(name: String, layer: any Layer)] { [] }
    public func forwardFLOPs(for inputShape: TensorShape) -> Int { 0 }
    public var summaryName: String { String(describing: type(of: self)) }
    public func accumulateParameterGradients(_ outputGradient: Tensor) { _ = backward(outputGradient) }

    /// Every parameter of this layer and its descendants, with its dotted path (`0.weight`, `features.3.bias`).
    public func namedParameters() -> [(path: String, parameter: Parameter)] {
        collect(\.parameters)
    }

    /// Every buffer (running statistics) of this layer and its descendants, with its dotted path.
    public func namedBuffers() -> [(path: String, parameter: Parameter)] {
        collect(\.buffers)
    }

    /// Every parameter of this layer and its descendants.
    public var allParameters: [Parameter] { namedParameters().map(\.parameter) }

    /// The number of scalars in all parameters (trainable or frozen), buffers excluded.
    public var parameterCount: Int { allParameters.reduce(0) { $0 + $1.count } }

    /// Puts this layer and all its descendants in training (`true`) or evaluation (`false`) mode.
    /// Unlike setting `isTraining`, this also reaches the children of a container of your own that
    /// does not pass the mode on itself.
    public func setTraining(_ training: Bool) {
        isTraining = training
        for child in children { child.layer.setTraining(training) }
    }

    /// Zeroes the gradients of all parameters of this layer and its descendants.
    public func zeroGradients() {
        for parameter in allParameters { parameter.zeroGradient() }
    }

    private func collect(_ list: (any Layer) -> [Parameter]) -> [(path: String, parameter: Parameter)] {
        var result = list(self).map { (path: $0.name, parameter: $0) }
        for child in children {
            result += child.layer.collect(list).map { (path: "\(child.name).\($0.path)", parameter: $0.parameter) }
        }
        return result
    }

    /// Throws the `ShapeError` `<summaryName>: <what>` when `condition` is false; for input-shape checks.
    func checkInput(_ condition: Bool, _ message: @autoclosure () -> String) throws(ShapeError) {
        if !condition { throw ShapeError(layer: summaryName, problem: message()) }
    }

    /// `outputShape(for:)` on a path where a shape that does not fit is a programmer error (a forward
    /// pass, a FLOP count): stops the program with the error's message.
    func requireOutputShape(for inputShape: TensorShape) -> TensorShape {
        requireValidShape { () throws(ShapeError) in try outputShape(for: inputShape) }
    }
}

extension Layer {
    /// `child.outputShape(for:)` with a failure's path prefixed by `name`, for containers.
    func outputShape(ofChild child: any Layer, named name: String, for inputShape: TensorShape) throws(ShapeError) -> TensorShape {
        do {
            return try child.outputShape(for: inputShape)
        } catch {
            throw error.inside(child: name)
        }
    }
}

/// Runs a shape check where a failure is a programmer error: stops with the `ShapeError`'s message.
@inline(__always)
func requireValidShape<T>(_ check: () throws(ShapeError) -> T) -> T {
    do {
        return try check()
    } catch {
        fatalError(error.description)
    }
}
