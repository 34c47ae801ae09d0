@_exported import DLCore

/// A named tensor that a layer owns, with the gradient of the loss with respect to it.
///
/// `backward(_:)` *adds* into `gradient`, so gradients from several backward passes accumulate
/// until `zeroGradient()`. A parameter with `isTrainable == false` is frozen: optimizers leave it
/// as it is (fine-tuning). Layers also use `Parameter` for state that is saved but never trained,
/// such as BatchNorm's running statistics; those are listed in `Layer.buffers`, not `parameters`.
public final class Parameter {
    /// The name within its layer, e.g. `weight`, `bias`, `running_mean` (PyTorch's names).
    public let name: String
    /// The current value.
    public var value: Tensor
    /// ∂loss/∂value, accumulated by backward passes; same shape as `value`.
    public var gradient: Tensor
    /// Whether optimizers update this parameter.
    public var isTrainable: Bool

    public init(name: String, value: Tensor, isTrainable: Bool = true) {
        self.name = name
        self.value = value
        self.gradient = Tensor.zeros(value.shape)
        self.isTrainable = isTrainable
    }

    /// Sets the gradient to zero, keeping its storage.
    public func zeroGradient() {
        gradient.fill(with: 0)
    }

    /// The number of scalars in the parameter.
    public var count: Int { value.count }
}
