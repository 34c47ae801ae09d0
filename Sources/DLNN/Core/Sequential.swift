/// Layers applied one after another; backward runs them in reverse.
///
/// Children are named by position (`0`, `1`, …), as in PyTorch's `nn.Sequential`, unless
/// created with `init(named:)`.
public final class Sequential: ContainerLayer {
    public private(set) var layers: [any Layer]
    private let names: [String]
    /// Each layer's parameters and its descendants', as of `ModelStructure` generation
    /// `parametersGeneration`: read at every training step to find the first layer with a
    /// trainable parameter, without allocating.
    private var layerParameters: [[Parameter]] = []
    private var parametersGeneration = -1
    /// Training or evaluation mode, for this container and every descendant (as PyTorch's `train()`/`eval()`).
    public var isTraining = true {
        didSet { for child in children { child.layer.isTraining = isTraining } }
    }

    public convenience init(_ layers: [any Layer]) {
        self.init(named: layers.enumerated().map { (String($0.offset), $0.element) })
    }

    public convenience init(_ layers: any Layer...) {
        self.init(layers)
    }

    /// Creates a sequence whose children have the given names, e.g. `features` and `classifier`.
    public init(named layers: [(String, any Layer)]) {
        require(Set(layers.map(\.0)).count == layers.count, "Sequential: child names must be unique, got \(layers.map(\.0))")
        self.layers = layers.map(\.1)
        self.names = layers.map(\.0)
    }

    public var children: [(name: String, layer: any Layer)] {
        Array(zip(names, layers)).map { (name: $0.0, layer: $0.1) }
    }

    public func replaceChild(named name: String, with layer: any Layer) throws(ModulePathError) {
        guard let index = names.firstIndex(of: name) else { throw missingChild(name) }
        layers[index] = layer
        ModelStructure.didChange()
    }

    public func forward(_ input: Tensor) -> Tensor {
        var x = input
        for layer in layers { x = layer.forward(x) }
        return x
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        var gradient = outputGradient
        for layer in layers.reversed() { gradient = layer.backward(gradient) }
        return gradient
    }

    /// Runs `backward(_:)` from the last layer down to the first layer with a trainable parameter,
    /// which accumulates its parameter gradients without computing its input gradient; the layers
    /// in front of it (`Flatten`, say, or frozen features) are not visited. Which layer that is
    /// follows `isTrainable` as it is at each call.
    public func accumulateParameterGradients(_ outputGradient: Tensor) {
        guard let first = firstLayerWithTrainableParameters() else { return }
        var gradient = outputGradient
        for layer in layers[(first + 1)...].reversed() { gradient = layer.backward(gradient) }
        layers[first].accumulateParameterGradients(gradient)
    }

    /// The first layer one of whose parameters (its own or a descendant's) is trainable.
    private func firstLayerWithTrainableParameters() -> Int? {
        let generation = ModelStructure.generation
        if parametersGeneration != generation {
            layerParameters = layers.map(\.allParameters)
            parametersGeneration = generation
        }
        return layerParameters.firstIndex { $0.contains { $0.isTrainable } }
    }

    public func outputShape(for inputShape: TensorShape) throws(ShapeError) -> TensorShape {
        var shape = inputShape
        for (name, layer) in zip(names, layers) {
            shape = try outputShape(ofChild: layer, named: name, for: shape)
        }
        return shape
    }

    public func forwardFLOPs(for inputShape: TensorShape) -> Int {
        var shape = inputShape
        var total = 0
        for layer in layers {
            total += layer.forwardFLOPs(for: shape)
            shape = layer.requireOutputShape(for: shape)
        }
        return total
    }

    public var summaryName: String { "Sequential" }
}
