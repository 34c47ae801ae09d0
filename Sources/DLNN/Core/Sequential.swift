/// Layers applied one after another; backward runs them in reverse.
///
/// Children are named by position (`0`, `1`, …), as in PyTorch's `nn.Sequential`, unless
/// created with `init(named:)`.
public final class Sequential: Layer {
    public let layers: [any Layer]
    private let names: [String]
    /// The first layer that has parameters: the layers in front of it need no gradient at all.
    private let firstLayerWithParameters: Int?
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
        firstLayerWithParameters = self.layers.firstIndex { !$0.allParameters.isEmpty }
    }

    public var children: [(name: String, layer: any Layer)] {
        Array(zip(names, layers)).map { (name: $0.0, layer: $0.1) }
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

    /// Runs `backward(_:)` from the last layer down to the first layer with parameters, which
    /// accumulates its parameter gradients without computing its input gradient; the layers in
    /// front of it (`Flatten`, say) are not visited.
    public func accumulateParameterGradients(_ outputGradient: Tensor) {
        guard let first = firstLayerWithParameters else { return }
        var gradient = outputGradient
        for layer in layers[(first + 1)...].reversed() { gradient = layer.backward(gradient) }
        layers[first].accumulateParameterGradients(gradient)
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
