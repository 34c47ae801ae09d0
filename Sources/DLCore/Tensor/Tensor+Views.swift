extension Tensor {
    /// The entries `range` of the first axis (a batch slice), as a view: no copy.
    public func slice(batch range: Range<Int>) -> Tensor {
        require(rank >= 1, "slice(batch:): a scalar tensor has no batch axis")
        require(
            range.lowerBound >= 0 && range.upperBound <= shape[0],
            "slice(batch:): range \(range) out of bounds for shape \(shape)"
        )
        return Tensor(
            storage: storage, storageOffset: storageOffset + range.lowerBound * entrySize,
            shape: shape.replacing(axis: 0, with: range.count))
    }

    /// Entry `index` of the first axis — one image of a batch, one row of a matrix, one time step of
    /// a time-major `[T, N, F]` sequence — with the first axis dropped, as a view: no copy.
    public func entry(_ index: Int) -> Tensor {
        require(rank >= 1, "entry(_:): a scalar tensor has no first axis")
        require(index >= 0 && index < shape[0], "entry(_:): index \(index) out of range for shape \(shape)")
        return Tensor(storage: storage, storageOffset: storageOffset + index * entrySize, shape: shape.droppingFirst)
    }

    /// Calls `body` with mutable access to the entries `range` of the first axis only (writing one
    /// time step of a sequence in place), copying the whole tensor first if its storage is shared.
    public mutating func withUnsafeMutableBufferPointer<R>(
        entries range: Range<Int>, _ body: (inout UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        require(rank >= 1, "withUnsafeMutableBufferPointer(entries:): a scalar tensor has no first axis")
        require(
            range.lowerBound >= 0 && range.upperBound <= shape[0],
            "withUnsafeMutableBufferPointer(entries:): range \(range) out of bounds for shape \(shape)"
        )
        let size = entrySize
        return try withUnsafeMutableBufferPointer { whole in
            var part = UnsafeMutableBufferPointer(rebasing: whole[(range.lowerBound * size)..<(range.upperBound * size)])
            return try body(&part)
        }
    }

    /// The number of elements in one entry of the first axis.
    private var entrySize: Int { shape[0] == 0 ? 0 : count / shape[0] }
}
