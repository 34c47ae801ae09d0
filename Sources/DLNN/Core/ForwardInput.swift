/// The input a layer keeps from its forward pass for its backward pass, which consumes it.
///
/// Letting go of the input in backward lets the layer before overwrite its output buffer in the
/// next step without a copy. A second backward after one forward is then a programmer error of
/// its own, told apart from a backward that never had a forward.
struct ForwardInput {
    private var tensor: Tensor?
    private var consumed = false

    /// Keeps `input` for the next backward pass.
    mutating func keep(_ input: Tensor) {
        tensor = input
        consumed = false
    }

    /// The kept input, released; stops with a message naming `layer` when there is none.
    mutating func take(layer: @autoclosure () -> String) -> Tensor {
        guard let tensor else {
            fatalError(consumed
                ? "\(layer()).backward: called twice after one forward pass; a backward pass consumes its forward pass, so run forward before each backward"
                : "\(layer()).backward: called without a forward pass before it")
        }
        self.tensor = nil
        consumed = true
        return tensor
    }
}
