/// A stage of a network: a node of the model tree (`Module`: parameters, buffers, children, mode)
/// that computes (`Differentiable`: forward and backward) and can be inspected without running
/// (`ShapeInspectable`: output shape, FLOPs, name).
///
/// A new leaf implements `forward(_:)`, `backward(_:)`, `outputShape(for:)` and stores
/// `isTraining`; its `parameters` and `buffers` when it has any; and optionally
/// `accumulateParameterGradients(_:)`, `forwardFLOPs(for:)` and `summaryName`. A container also
/// lists its `children`, and conforms to `ContainerLayer` to let them be replaced by path.
public protocol Layer: Module, Differentiable, ShapeInspectable {}
