/// The storage every activation layer shares: a reused output and input-gradient workspace, and
/// the tensor (input or output) its derivative is computed from.
///
/// An activation's output has its input's shape, so one pair of buffers, resized in place, serves
/// every call. Derivatives that can be read off the output (ReLU, sigmoid, tanh, softmax) keep no
/// reference to the input, so the previous layer can overwrite its own output buffer without copying.
/// The methods are always inlined and each layer writes its loop over the raw buffers in the
/// closure it passes, so the loops compile to vector code (a nested per-element closure that
/// captures a hyper-parameter does not).
struct ActivationWorkspace {
    /// Which tensor `backward` hands to the derivative.
    enum Saved {
        /// The input of the last forward pass.
        case input
        /// The output of the last forward pass.
        case output
    }

    private let saved: Saved
    private var input = Tensor.zeros([0])
    private var output = Tensor.zeros([0])
    private var inputGradient = Tensor.zeros([0])

    init(saving saved: Saved) {
        self.saved = saved
    }

    /// Writes the output of `input` with `body(x, y)` into the output workspace and returns it.
    @inline(__always)
    mutating func forward(
        _ input: Tensor,
        _ body: (_ x: UnsafeBufferPointer<Float>, _ y: UnsafeMutableBufferPointer<Float>) -> Void
    ) -> Tensor {
        if saved == .input { self.input = input }
        output.resize(to: input.shape)
        input.withUnsafeBufferPointer { x in
            output.withUnsafeMutableBufferPointer { y in body(x, y) }
        }
        return output
    }

    /// Writes ∂loss/∂input with `body(saved, g, dx)` into the gradient workspace and returns it;
    /// `saved` is the last input or output, `g` is ∂loss/∂output.
    @inline(__always)
    mutating func backward(
        _ outputGradient: Tensor,
        layer: @autoclosure () -> String,
        _ body: (
            _ saved: UnsafeBufferPointer<Float>, _ g: UnsafeBufferPointer<Float>, _ dx: UnsafeMutableBufferPointer<Float>
        ) -> Void
    ) -> Tensor {
        require(
            outputGradient.shape == output.shape,
            "\(layer()): output gradient \(describe(outputGradient.shape)) does not match "
                + "the last output \(describe(output.shape))"
        )
        inputGradient.resize(to: output.shape)
        let savedTensor = saved == .input ? input : output
        savedTensor.withUnsafeBufferPointer { s in
            outputGradient.withUnsafeBufferPointer { g in
                inputGradient.withUnsafeMutableBufferPointer { dx in body(s, g, dx) }
            }
        }
        return inputGradient
    }
}
