extension Tensor {
    /// The sum of all elements, accumulated in `Double`.
    public func sum() -> Float {
        withUnsafeBufferPointer { buffer in
            Float(buffer.reduce(0.0) { $0 + Double($1) })
        }
    }

    /// The mean of all elements.
    public func mean() -> Float {
        require(count > 0, "mean: empty tensor of shape \(describe(shape))")
        return sum() / Float(count)
    }

    /// The largest element.
    public func max() -> Float {
        require(count > 0, "max: empty tensor of shape \(describe(shape))")
        return scalars.max()!
    }

    /// The sum along `axis`, which is removed from the shape.
    public func sum(alongAxis axis: Int) -> Tensor {
        reduce(alongAxis: axis, operation: "sum", initial: 0) { partial, x in partial + x }
    }

    /// The mean along `axis`, which is removed from the shape.
    public func mean(alongAxis axis: Int) -> Tensor {
        let total = sum(alongAxis: axis)
        return shape[axis] == 0 ? total : total / Float(shape[axis])
    }

    /// The maximum along `axis`, which is removed from the shape.
    public func max(alongAxis axis: Int) -> Tensor {
        let axis = checkedAxis(axis, operation: "max")
        require(shape[axis] > 0, "max(alongAxis:): axis \(axis) of shape \(describe(shape)) is empty")
        return reduce(alongAxis: axis, operation: "max", initial: -.infinity) { Swift.max($0, $1) }
    }

    /// The index of the largest element along `axis` (the first one on ties), in row-major order
    /// of the remaining axes. For logits of shape [N, classes], `argmax(alongAxis: 1)` gives the predicted classes.
    public func argmax(alongAxis axis: Int) -> [Int] {
        let axis = checkedAxis(axis, operation: "argmax")
        require(shape[axis] > 0, "argmax: axis \(axis) of shape \(describe(shape)) is empty")
        let (outer, extent, inner) = split(at: axis)
        var result = [Int](repeating: 0, count: outer * inner)
        withUnsafeBufferPointer { x in
            for o in 0..<outer {
                for i in 0..<inner {
                    var best = x[o * extent * inner + i]
                    var bestIndex = 0
                    for k in 1..<extent where x[(o * extent + k) * inner + i] > best {
                        best = x[(o * extent + k) * inner + i]
                        bestIndex = k
                    }
                    result[o * inner + i] = bestIndex
                }
            }
        }
        return result
    }

    private func checkedAxis(_ axis: Int, operation: String) -> Int {
        require(axis >= 0 && axis < rank, "\(operation): axis \(axis) out of range for shape \(describe(shape))")
        return axis
    }

    /// The sizes of the axes before `axis`, of `axis` itself, and after it.
    private func split(at axis: Int) -> (outer: Int, extent: Int, inner: Int) {
        (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
    }

    private func reduce(
        alongAxis axis: Int, operation: String, initial: Float, _ combine: (Float, Float) -> Float
    ) -> Tensor {
        let axis = checkedAxis(axis, operation: operation)
        let (outer, extent, inner) = split(at: axis)
        let newShape = shape.removing(axis: axis)
        return withUnsafeBufferPointer { x in
            Tensor(shape: newShape) { result in
                for o in 0..<outer {
                    for i in 0..<inner {
                        var partial = initial
                        for k in 0..<extent {
                            partial = combine(partial, x[(o * extent + k) * inner + i])
                        }
                        result[o * inner + i] = partial
                    }
                }
            }
        }
    }
}
