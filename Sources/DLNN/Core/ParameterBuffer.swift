/// The values of many parameters in one contiguous tensor, and their gradients in another: the
/// layout that lets an optimizer update a whole model in one pass, global-norm clipping read one
/// array, and a data-parallel step send one allreduce (llm.c's layout; PyTorch's DDP buckets and
/// FSDP's flat parameters do the same).
///
/// Every ``Parameter`` views its range of a buffer. A new parameter has a buffer of its own;
/// ``pack(_:)`` moves a list of parameters into one buffer in that order, which the optimizers do
/// with their parameters when they are created:
///
///     let optimizer = SGD(model.allParameters, learningRate: 0.1)
///     let buffer = model.allParameters[0].buffer      // every parameter of the model is in it
///     buffer.withUnsafeMutableGradients { all in … }  // e.g. average them across processes
public final class ParameterBuffer {
    /// Every value, `[count]`.
    public internal(set) var values: Tensor
    /// Every gradient, `[count]`, in the same order.
    public internal(set) var gradients: Tensor

    /// A buffer holding `values` with zero gradients.
    init(values: Tensor) {
        self.values = values
        gradients = Tensor.zeros(values.shape)
    }

    /// The number of scalars in the buffer.
    public var count: Int { values.count }

    /// Calls `body` with all values, to write in place.
    public func withUnsafeMutableValues<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        try values.withUnsafeMutableBufferPointer { try body($0) }
    }

    /// Calls `body` with all gradients, to write in place.
    public func withUnsafeMutableGradients<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        try gradients.withUnsafeMutableBufferPointer { try body($0) }
    }

    /// Moves `parameters` into one new buffer, one after another in the given order, keeping their
    /// values and gradients, and returns it; returns their buffer unchanged if they already fill one
    /// in this order. Each parameter may appear once.
    @discardableResult
    public static func pack(_ parameters: [Parameter]) -> ParameterBuffer {
        if let buffer = filledBuffer(of: parameters) { return buffer }
        var total = 0
        for parameter in parameters { total += parameter.count }
        let packed = ParameterBuffer(values: Tensor.zeros([total]))
        var offset = 0
        packed.values.withUnsafeMutableBufferPointer { values in
            packed.gradients.withUnsafeMutableBufferPointer { gradients in
                for parameter in parameters {
                    let range = offset..<(offset + parameter.count)
                    parameter.value.withUnsafeBufferPointer { _ = UnsafeMutableBufferPointer(rebasing: values[range]).update(fromContentsOf: $0) }
                    parameter.gradient.withUnsafeBufferPointer { _ = UnsafeMutableBufferPointer(rebasing: gradients[range]).update(fromContentsOf: $0) }
                    offset += parameter.count
                }
            }
        }
        offset = 0
        for parameter in parameters {
            parameter.move(to: packed, at: offset)
            offset += parameter.count
        }
        return packed
    }

    /// The buffer that `parameters` fill exactly, one after another from its start, or nil.
    static func filledBuffer(of parameters: [Parameter]) -> ParameterBuffer? {
        guard let buffer = parameters.first?.buffer else { return nil }
        var offset = 0
        for parameter in parameters {
            guard parameter.buffer === buffer, parameter.offset == offset else { return nil }
            offset += parameter.count
        }
        return offset == buffer.count ? buffer : nil
    }

    /// Calls `body` once for each run of trainable `parameters` that lie next to each other in one
    /// buffer, with the run's gradients to write in place: one pass for a packed model, one call
    /// per parameter otherwise. Frozen parameters are skipped.
    static func forEachTrainableGradientRun(
        of parameters: [Parameter], _ body: (UnsafeMutableBufferPointer<Float>) -> Void
    ) {
        var first = 0
        while first < parameters.count {
            guard parameters[first].isTrainable else {
                first += 1
                continue
            }
            let buffer = parameters[first].buffer
            var end = first + 1, upper = parameters[first].range.upperBound
            while end < parameters.count, parameters[end].isTrainable, parameters[end].buffer === buffer,
                parameters[end].offset == upper {
                upper += parameters[end].count
                end += 1
            }
            if upper > parameters[first].offset {
                buffer.gradients.withUnsafeMutableBufferPointer(entries: parameters[first].offset..<upper) { body($0) }
            }
            first = end
        }
    }
}
