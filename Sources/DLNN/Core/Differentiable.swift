/// What a layer computes: a forward pass and its hand-written backward pass.
///
/// `forward(_:)` maps an input batch to an output batch and keeps what `backward(_:)` needs.
/// `backward(_:)` takes ∂loss/∂output for the most recent forward pass, **adds** ∂loss/∂θ into
/// each parameter's `gradient`, and returns ∂loss/∂input. A backward pass consumes its forward
/// pass, as in PyTorch: a layer may let go of what it kept (its input, say) so that the layer before
/// can overwrite its output buffer in the next step without a copy. To accumulate gradients over
/// several batches, run forward and backward once per batch. Layers are reference types because
/// they hold parameters, caches and workspaces that are reused from step to step.
///
/// Shapes are NCHW for images and [N, features] for vectors; the first axis is always the batch.
public protocol Differentiable: AnyObject {
    /// Computes the output for `input` and remembers what the backward pass needs.
    func forward(_ input: Tensor) -> Tensor
    /// Given ∂loss/∂output of the last forward pass, accumulates parameter gradients and returns ∂loss/∂input.
    func backward(_ outputGradient: Tensor) -> Tensor
    /// `backward(_:)` for a caller with no use for ∂loss/∂input, such as a training step at the
    /// network's input: accumulates the parameter gradients only, skipping the input-gradient work
    /// where the layer can (a first convolution's col2im, a first dense layer's GEMM).
    func accumulateParameterGradients(_ outputGradient: Tensor)
}

extension Differentiable {
    public func accumulateParameterGradients(_ outputGradient: Tensor) { _ = backward(outputGradient) }
}
