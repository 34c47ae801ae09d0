/// The storage every activation layer shares: a reused output and input-gradient workspace, and
/// the tensor (input or output) its derivative is computed from.
///
/// An activation's output has its input's shape, so one pair of buffers, resized in place, serves
/// every call. Derivatives that can be read off the output (ReLU, sigmoid, tanh, softmax) keep no
/// reference to the input, so the previous layer can overwrite its own output buffer without copying.
/// The methods are always inlined so that the per-element closures of each layer are too.
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

    /// yᵢ = f(xᵢ).
    @inline(__always)
    mutating func forward(_ input: Tensor, _ f: (Float) -> Float) -> Tensor {
        forward(input) { x, y in
            for i in x.indices { y[i] = f(x[i]) }
        }
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

    /// dxᵢ = derivative(savedᵢ, gᵢ), where `derivative` returns gᵢ·f′ expressed through the saved value.
    @inline(__always)
    mutating func backward(
        _ outputGradient: Tensor,
        layer: @autoclosure () -> String,
        _ derivative: (_ saved: Float, _ g: Float) -> Float
    ) -> Tensor {
        backward(outputGradient, layer: layer()) { s, g, dx in
            for i in g.indices { dx[i] = derivative(s[i], g[i]) }
        }
    }
}
