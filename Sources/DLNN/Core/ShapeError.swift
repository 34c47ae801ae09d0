/// An input shape that a layer does not accept, found by `outputShape(for:)` before any work is done.
///
/// Its description names the layer's path in the model, the layer and the problem:
/// `classifier.3 Dense(64 → 10): input [8, 128]: expected [N, 64]`. Shape inference throws it, so
/// that a program can check a model against its data before training; a forward pass with a shape
/// that does not fit still stops the program with the same message (a programmer error on the hot path).
public struct ShapeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The dotted path of the layer in the model (`classifier.3`), empty for the model itself.
    public var layerPath: String
    /// The layer's `summaryName`, e.g. `Dense(64 → 10)`.
    public var layer: String
    /// What does not fit, e.g. `input [8, 128]: expected [N, 64]`.
    public var problem: String

    public init(layerPath: String = "", layer: String, problem: String) {
        self.layerPath = layerPath
        self.layer = layer
        self.problem = problem
    }

    /// The same error seen from the container that holds the layer as its child `name`.
    public func inside(child name: String) -> ShapeError {
        var error = self
        error.layerPath = layerPath.isEmpty ? name : "\(name).\(layerPath)"
        return error
    }

    public var description: String {
        (layerPath.isEmpty ? "" : "\(layerPath) ") + "\(layer): \(problem)"
    }
}
