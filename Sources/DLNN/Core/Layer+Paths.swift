/// Addressing a model's layers by path, to edit the tree in place: find a layer, replace it,
/// freeze or unfreeze the parameters under it (PyTorch's `get_submodule`, `setattr` on a parent,
/// and `requires_grad_(False)`).
extension Layer {
    /// The layer at `path`, e.g. `classifier.5`; the empty path is this layer itself.
    public func layer(at path: String) throws(ModulePathError) -> any Layer {
        guard !path.isEmpty else { return self }
        var node: any Layer = self
        var walked = ""
        for name in try Self.names(in: path) {
            let children = node.children
            guard let child = children.first(where: { $0.name == name }) else {
                throw ModulePathError(
                    path: path, problem: .noChild(name: name, parent: walked, layer: node.summaryName, children: children.map(\.name)))
            }
            node = child.layer
            walked = joinedPath(walked, name)
        }
        return node
    }

    /// Puts `replacement` at `path` (not empty) and returns the layer it replaces, e.g. a new head
    /// `model.replace("classifier.5", with: Dense(inputSize: 84, outputSize: 5, generator: &generator))`.
    ///
    /// The layer's parent must be a `ContainerLayer` (``Sequential``, ``Residual``, ``LowRankLayer``).
    /// The replacement takes the replaced layer's mode (`setTraining`); its output must fit what
    /// follows, which `outputShape(for:)` checks. Optimizers and trainers built before hold the
    /// old parameters: build them again.
    @discardableResult
    public func replace(_ path: String, with replacement: any Layer) throws(ModulePathError) -> any Layer {
        let names = try Self.names(in: path)
        let replaced = try layer(at: path)
        let parentPath = names.dropLast().joined(separator: ".")
        let parent = try layer(at: parentPath)
        guard let container = parent as? any ContainerLayer else {
            throw ModulePathError(path: path, problem: .notAContainer(path: parentPath, layer: parent.summaryName))
        }
        replacement.setTraining(replaced.isTraining)
        try container.replaceChild(named: names[names.count - 1], with: replacement)
        ModelStructure.didChange()
        return replaced
    }

    /// Freezes every parameter under each of `paths` (`isTrainable = false`), e.g. `["features"]`:
    /// they get no gradient, optimizers leave them alone, a `Sequential`'s backward pass stops
    /// before its leading frozen layers, and a normalization layer whose parameters are frozen
    /// keeps its running statistics fixed and normalizes with them even in training mode.
    /// Throws, changing nothing, when a path names no layer.
    public func freeze(_ paths: [String]) throws(ModulePathError) {
        try setTrainable(false, under: paths)
    }

    /// Makes every parameter under each of `paths` trainable again; throws, changing nothing,
    /// when a path names no layer.
    public func unfreeze(_ paths: [String]) throws(ModulePathError) {
        try setTrainable(true, under: paths)
    }

    /// Freezes every parameter of the model (see `freeze(_:)`).
    public func freeze() {
        Self.setTrainable(false, of: [self])
    }

    /// Makes every parameter of the model trainable.
    public func unfreeze() {
        Self.setTrainable(true, of: [self])
    }

    private func setTrainable(_ trainable: Bool, under paths: [String]) throws(ModulePathError) {
        var layers: [any Layer] = []
        for path in paths {
            _ = try Self.names(in: path)
            layers.append(try layer(at: path))
        }
        Self.setTrainable(trainable, of: layers)
    }

    private static func setTrainable(_ trainable: Bool, of layers: [any Layer]) {
        for layer in layers {
            for parameter in layer.allParameters { parameter.isTrainable = trainable }
        }
    }

    /// The dot-separated names of `path`; throws when it or one of them is empty.
    private static func names(in path: String) throws(ModulePathError) -> [String] {
        let names = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard names.allSatisfy({ !$0.isEmpty }) else { throw ModulePathError(path: path, problem: .empty) }
        return names
    }
}
