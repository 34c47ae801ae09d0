/// What can be told about a layer without running it: its output shape, its cost and its name.
public protocol ShapeInspectable: AnyObject {
    /// The output shape for an input of `inputShape` (batch axis included); throws a `ShapeError`
    /// naming the layer's path, the layer and both shapes when the input does not fit. Run it once
    /// on a model and its data's shape to validate them before training.
    func outputShape(for inputShape: TensorShape) throws(ShapeError) -> TensorShape
    /// Floating-point operations of one forward pass on `inputShape` (a multiply-add counts as 2).
    func forwardFLOPs(for inputShape: TensorShape) -> Int
    /// A short description for summaries and error messages, e.g. `Dense(784 → 10)`.
    var summaryName: String { get }
}

extension ShapeInspectable {
    public func forwardFLOPs(for inputShape: TensorShape) -> Int { 0 }
    public var summaryName: String { String(describing: type(of: self)) }

    /// Throws the `ShapeError` `<summaryName>: <what>` when `condition` is false; for input-shape checks.
    func checkInput(_ condition: Bool, _ message: @autoclosure () -> String) throws(ShapeError) {
        if !condition { throw ShapeError(layer: summaryName, problem: message()) }
    }

    /// `outputShape(for:)` on a path where a shape that does not fit is a programmer error (a forward
    /// pass, a FLOP count): stops the program with the error's message.
    func requireOutputShape(for inputShape: TensorShape) -> TensorShape {
        requireValidShape { () throws(ShapeError) in try outputShape(for: inputShape) }
    }

    /// `child.outputShape(for:)` with a failure's path prefixed by `name`, for containers.
    func outputShape(ofChild child: any ShapeInspectable, named name: String, for inputShape: TensorShape) throws(ShapeError) -> TensorShape {
        do {
            return try child.outputShape(for: inputShape)
        } catch {
            throw error.inside(child: name)
        }
    }
}

/// Runs a shape check where a failure is a programmer error: stops with the `ShapeError`'s message.
@inline(__always)
func requireValidShape<T>(_ check: () throws(ShapeError) -> T) -> T {
    do {
        return try check()
    } catch {
        fatalError(error.description)
    }
}
