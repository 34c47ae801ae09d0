extension Tensor {
    /// The flat row-major offset of `indices`; each index must lie inside its axis.
    @inlinable
    public func offset(of indices: [Int]) -> Int {
        require(
            indices.count == rank,
            "Tensor subscript: \(indices.count) indices for a tensor of shape \(describe(shape))"
        )
        var offset = 0
        for (axis, index) in indices.enumerated() {
            require(
                index >= 0 && index < shape[axis],
                "Tensor subscript: index \(index) out of range for axis \(axis) of shape \(describe(shape))"
            )
            offset = offset * shape[axis] + index
        }
        return offset
    }

    /// The element at `indices` (one per axis).
    public subscript(indices: Int...) -> Float {
        get { withUnsafeBufferPointer { $0[offset(of: indices)] } }
        set {
            let index = offset(of: indices)
            withUnsafeMutableBufferPointer { $0[index] = newValue }
        }
    }

    /// The same elements with a new shape; one extent may be -1 and is then inferred. Never copies.
    public func reshaped(_ newShape: TensorShape) -> Tensor {
        var resolved = newShape
        // Found without building arrays: a reshape costs no allocation.
        let inferredAxis = newShape.firstIndex(of: -1)
        require(
            newShape.allSatisfy({ $0 >= -1 }) && newShape.lastIndex(of: -1) == inferredAxis,
            "reshape: \(describe(shape)) → \(describe(newShape)): at most one extent may be -1 and none may be below it"
        )
        if let axis = inferredAxis {
            let known = -Tensor.elementCount(of: newShape)
            require(
                known > 0 && count % known == 0,
                "reshape: \(describe(shape)) → \(describe(newShape)): \(count) elements cannot fill the known extents"
            )
            resolved[axis] = count / known
        }
        require(
            Tensor.elementCount(of: resolved) == count,
            "reshape: \(describe(shape)) → \(describe(newShape)): element counts \(count) and \(Tensor.elementCount(of: resolved)) differ"
        )
        var result = self
        result.shape = resolved
        return result
    }

    /// The elements as a 1-D tensor. Never copies.
    public func flattened() -> Tensor {
        reshaped(TensorShape(count))
    }

    /// The tensor as [N, rest]: the first axis kept, the others flattened. Never copies.
    public func flattenedBatch() -> Tensor {
        require(rank >= 1, "flattenedBatch: a scalar tensor has no batch axis")
        return reshaped(TensorShape(shape[0], shape[0] == 0 ? 0 : count / shape[0]))
    }

    /// The transpose of a 2-D tensor.
    public func transposed() -> Tensor {
        require(rank == 2, "transposed: expects a 2-D tensor, got shape \(describe(shape))")
        let rows = shape[0], columns = shape[1]
        return withUnsafeBufferPointer { source in
            Tensor(shape: [columns, rows]) { destination in
                for r in 0..<rows {
                    for c in 0..<columns {
                        destination[c * rows + r] = source[r * columns + c]
                    }
                }
            }
        }
    }

    /// Stacks tensors of equal shape along a new first axis.
    public static func stacked(_ tensors: [Tensor]) -> Tensor {
        guard let first = tensors.first else { return Tensor.zeros([0]) }
        require(
            tensors.allSatisfy { $0.shape == first.shape },
            "stacked: shapes differ: \(tensors.map { describe($0.shape) }.joined(separator: ", "))"
        )
        return Tensor(shape: [tensors.count] + first.shape) { destination in
            for (index, tensor) in tensors.enumerated() {
                tensor.withUnsafeBufferPointer { source in
                    _ = UnsafeMutableBufferPointer(rebasing: destination[(index * first.count)...]).update(fromContentsOf: source)
                }
            }
        }
    }
}
