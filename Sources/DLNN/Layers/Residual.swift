/// A residual block: y = act(F(x) + S(x)), as in ResNet (He et al., 2016).
///
/// F is `body`; S is `shortcut`, the identity when `nil` or a projection (typically a 1×1
/// `Conv2D` with the body's stride, often followed by a normalization layer in a `Sequential`)
/// when F changes the shape; `activation`, when given, is applied after the sum (ResNet's ReLU
/// after the addition). F(x) and S(x) must have the same shape.
///
/// Backward: with g = ∂L/∂(F(x) + S(x)) (after the activation's backward), the gradient reaches
/// both branches and the input gradients add: ∂L/∂x = F′ᵀ·g + S′ᵀ·g (S′ᵀ·g = g for the identity).
///
/// Children are named `body`, then `shortcut` (projection only) and `activation` (if given),
/// so parameters read `body.0.weight`, `shortcut.0.weight`. Blocks nest freely: `body` is
/// usually a `Sequential`, and a `Sequential` of blocks makes a ResNet stage.
public final class Residual: ContainerLayer {
    /// F.
    public private(set) var body: any Layer
    /// S; `nil` means the identity.
    public private(set) var shortcut: (any Layer)?
    /// Applied to F(x) + S(x); `nil` means none.
    public private(set) var activation: (any Layer)?
    /// Training or evaluation mode, for this container and every descendant (as PyTorch's `train()`/`eval()`).
    public var isTraining = true {
        didSet { for child in children { child.layer.isTraining = isTraining } }
    }

    private var sum = Tensor.zeros([0])
    private var inputGradient = Tensor.zeros([0])

    /// Creates the block act(body(x) + shortcut(x)); a `nil` shortcut is the identity.
    public init(_ body: any Layer, shortcut: (any Layer)? = nil, activation: (any Layer)? = nil) {
        self.body = body
        self.shortcut = shortcut
        self.activation = activation
    }

    public var children: [(name: String, layer: any Layer)] {
        [(name: "body", layer: body)]
            + (shortcut.map { [(name: "shortcut", layer: $0)] } ?? [])
            + (activation.map { [(name: "activation", layer: $0)] } ?? [])
    }

    /// Replaces `body`, or the `shortcut` or `activation` the block has (a missing one is not a child).
    public func replaceChild(named name: String, with layer: any Layer) throws(ModulePathError) {
        switch name {
        case "body": body = layer
        case "shortcut" where shortcut != nil: shortcut = layer
        case "activation" where activation != nil: activation = layer
        default: throw missingChild(name)
        }
        ModelStructure.didChange()
    }

    public var summaryName: String { shortcut == nil ? "Residual" : "Residual(projection)" }

    /// The shape of F(x) + S(x), before the activation; throws when the branches disagree.
    func sumShape(for inputShape: TensorShape) throws(ShapeError) -> TensorShape {
        let bodyShape = try outputShape(ofChild: body, named: "body", for: inputShape)
        let shortcutShape = try shortcut.map { shortcut throws(ShapeError) in
            try outputShape(ofChild: shortcut, named: "shortcut", for: inputShape)
        } ?? inputShape
        try checkInput(
            bodyShape == shortcutShape,
            "input \(describe(inputShape)): body output \(describe(bodyShape)) and shortcut output \(describe(shortcutShape)) differ\(shortcut == nil ? " (add a projection shortcut)" : "")")
        return bodyShape
    }

    public func outputShape(for inputShape: TensorShape) throws(ShapeError) -> TensorShape {
        let shape = try sumShape(for: inputShape)
        guard let activation else { return shape }
        return try outputShape(ofChild: activation, named: "activation", for: shape)
    }

    /// The branches' FLOPs, one addition per output element, and the activation's FLOPs.
    public func forwardFLOPs(for inputShape: TensorShape) -> Int {
        let shape = requireValidShape { () throws(ShapeError) in try sumShape(for: inputShape) }
        return body.forwardFLOPs(for: inputShape) + (shortcut?.forwardFLOPs(for: inputShape) ?? 0)
            + Tensor.elementCount(of: shape) + (activation?.forwardFLOPs(for: shape) ?? 0)
    }

    /// y = act(F(x) + S(x)).
    public func forward(_ input: Tensor) -> Tensor {
        let branch = body.forward(input)
        let skip = shortcut?.forward(input) ?? input
        requireValidShape { () throws(ShapeError) in
            try checkInput(
                branch.shape == skip.shape,
                "input \(describe(input.shape)): body output \(describe(branch.shape)) and shortcut output \(describe(skip.shape)) differ")
        }
        sum.resize(to: branch.shape)
        add(branch, skip, into: &sum)
        return activation?.forward(sum) ?? sum
    }

    /// ∂L/∂x = (body's input gradient) + (shortcut's input gradient), both fed g = ∂L/∂(F + S).
    public func backward(_ outputGradient: Tensor) -> Tensor {
        let g = activation?.backward(outputGradient) ?? outputGradient
        let bodyGradient = body.backward(g)
        let shortcutGradient = shortcut?.backward(g) ?? g
        inputGradient.resize(to: bodyGradient.shape)
        add(bodyGradient, shortcutGradient, into: &inputGradient)
        return inputGradient
    }

    /// result ← a + b, elementwise, into `result`'s storage.
    private func add(_ a: Tensor, _ b: Tensor, into result: inout Tensor) {
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                result.withUnsafeMutableBufferPointer { r in
                    for i in r.indices { r[i] = a[i] + b[i] }
                }
            }
        }
    }
}
