@_exported import DLCore

/// A named tensor that a layer owns, with the gradient of the loss with respect to it.
///
/// `backward(_:)` *adds* into the gradient, so gradients from several backward passes accumulate
/// until `zeroGradient()`. A parameter with `isTrainable == false` is frozen: optimizers leave it
/// as it is (fine-tuning). Layers also use `Parameter` for state that is saved but never trained,
/// such as BatchNorm's running statistics; those are listed in `Layer.buffers`, not `parameters`.
///
/// The value and the gradient live in a ``ParameterBuffer``: a parameter of its own at first, and
/// one contiguous buffer for a whole model once an optimizer packs its parameters, so that an
/// update, a clipping norm or an allreduce is one pass over memory. `value` and `gradient` read
/// that memory as tensor views; kernels write it in place with `withUnsafeMutableValue(_:)` and
/// `withUnsafeMutableGradient(_:)`. A `value` read earlier stays as it was when the parameter
/// changes later (copy-on-write), like any tensor.
public final class Parameter {
    /// The name within its layer, e.g. `weight`, `bias`, `running_mean` (PyTorch's names).
    public let name: String
    /// The shape of the value and of the gradient.
    public let shape: TensorShape
    /// Whether optimizers update this parameter.
    public var isTrainable: Bool
    /// The buffer that holds the value and the gradient, from element `offset` on.
    public private(set) var buffer: ParameterBuffer
    /// Where the parameter's elements start in `buffer`.
    public private(set) var offset: Int

    public init(name: String, value: Tensor, isTrainable: Bool = true) {
        self.name = name
        self.shape = value.shape
        self.isTrainable = isTrainable
        buffer = ParameterBuffer(values: value.flattened())
        offset = 0
    }

    /// The number of scalars in the parameter.
    public var count: Int { shape.elementCount }

    /// The elements of `buffer` that are this parameter's.
    var range: Range<Int> { offset..<(offset + count) }

    /// Moves the parameter into `buffer` at `offset`, whose elements the caller has set.
    func move(to buffer: ParameterBuffer, at offset: Int) {
        self.buffer = buffer
        self.offset = offset
    }

    /// The current value. Setting it copies the new elements in place (the count must match; the
    /// parameter's shape stays).
    public var value: Tensor {
        get { buffer.values.slice(batch: range).reshaped(shape) }
        set {
            check(newValue, "value")
            withUnsafeMutableValue { copy(newValue, into: $0) }
        }
    }

    /// ∂loss/∂value, accumulated by backward passes; same shape as `value`. Setting it copies in place.
    public var gradient: Tensor {
        get { buffer.gradients.slice(batch: range).reshaped(shape) }
        set {
            check(newValue, "gradient")
            withUnsafeMutableGradient { copy(newValue, into: $0) }
        }
    }

    /// Calls `body` with the value's elements to write in place (an optimizer's update, a loaded checkpoint).
    public func withUnsafeMutableValue<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        try buffer.values.withUnsafeMutableBufferPointer(entries: range) { try body($0) }
    }

    /// Calls `body` with the gradient's elements to write in place (a backward pass adding ∂loss/∂θ).
    public func withUnsafeMutableGradient<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        try buffer.gradients.withUnsafeMutableBufferPointer(entries: range) { try body($0) }
    }

    /// Sets the gradient to zero in place.
    public func zeroGradient() {
        withUnsafeMutableGradient { $0.update(repeating: 0) }
    }

    private func check(_ tensor: Tensor, _ what: String) {
        require(
            tensor.count == count,
            "Parameter \(name): a \(what) of shape \(tensor.shape) does not fit shape \(shape)")
    }

    private func copy(_ tensor: Tensor, into destination: UnsafeMutableBufferPointer<Float>) {
        tensor.withUnsafeBufferPointer { _ = destination.update(fromContentsOf: $0) }
    }
}
