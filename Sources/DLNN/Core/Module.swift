/// A node of a model tree, as PyTorch's `nn.Module` is: its own parameters and buffers, its
/// named children and its mode. What the node computes is `Differentiable`'s part; a model's
/// layers are both (`Layer`).
///
/// Paths name nodes from the root down, joined with dots: `features.0` is child `0` of child
/// `features`, and `features.0.weight` its parameter `weight`. The root's path is `""`.
public protocol Module: AnyObject {
    /// The layer's own trainable tensors (not its children's), in a fixed order.
    var parameters: [Parameter] { get }
    /// The layer's own saved-but-untrained state (running statistics), in a fixed order.
    var buffers: [Parameter] { get }
    /// Sub-layers with the names used in parameter paths (`features.0.weight`).
    var children: [(name: String, layer: any Layer)] { get }
    /// Training mode (batch statistics, dropout active) or evaluation mode; setting it on a
    /// container sets it on every descendant.
    var isTraining: Bool { get set }
}

extension Module {
    public var parameters: [Parameter] { [] }
    public var buffers: [Parameter] { [] }
    public var children: [(name: String, layer: any Layer)] { [] }

    /// This node and every descendant with its path, parents before children and children in
    /// order (PyTorch's `named_modules()`): `("", self)`, `("features", …)`, `("features.0", …)`, ….
    public func namedModules() -> [(path: String, module: any Module)] {
        var result: [(path: String, module: any Module)] = [(path: "", module: self)]
        for child in children {
            result += child.layer.namedModules().map { (path: joinedPath(child.name, $0.path), module: $0.module) }
        }
        return result
    }

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

    /// Puts this layer and all its descendants in training (`true`) or evaluation (`false`) mode,
    /// as PyTorch's `train()` and `eval()` do. Unlike setting `isTraining`, this also reaches the
    /// children of a container of your own that does not pass the mode on itself.
    public func setTraining(_ training: Bool) {
        for node in namedModules() { node.module.isTraining = training }
    }

    /// Zeroes the gradients of all parameters of this layer and its descendants.
    public func zeroGradients() {
        for parameter in allParameters { parameter.zeroGradient() }
    }

    private func collect(_ list: (any Module) -> [Parameter]) -> [(path: String, parameter: Parameter)] {
        namedModules().flatMap { node in
            list(node.module).map { (path: joinedPath(node.path, $0.name), parameter: $0) }
        }
    }
}

/// `parent.child`, or `child` alone under the root (whose path is empty).
func joinedPath(_ parent: String, _ child: String) -> String {
    parent.isEmpty ? child : child.isEmpty ? parent : "\(parent).\(child)"
}
