/// A dense, row-major array of `Float` with a shape.
///
/// `Tensor` is a value type: copies share storage until one of them is mutated
/// (copy-on-write, inherited from `Array`). Reshaping never copies.
///
/// Hot paths reach the storage with `withUnsafeBufferPointer(_:)` and
/// `withUnsafeMutableBufferPointer(_:)`; reusable workspaces use `resize(to:)`, which keeps
/// the storage when the tensor is uniquely referenced and large enough.
public struct Tensor: Sendable {
    /// The extent of each axis, outermost first. A scalar tensor has shape `[]`.
    public internal(set) var shape: [Int]
    /// The elements in row-major order.
    public internal(set) var scalars: [Float]

    /// Creates a tensor from row-major `scalars`; their count must equal the product of `shape`.
    public init(shape: [Int], scalars: [Float]) {
        require(shape.allSatisfy { $0 >= 0 }, "Tensor: negative extent in shape \(describe(shape))")
        require(
            Tensor.elementCount(of: shape) == scalars.count,
            "Tensor: shape \(describe(shape)) holds \(Tensor.elementCount(of: shape)) elements, got \(scalars.count) scalars"
        )
        self.shape = shape
        self.scalars = scalars
    }

    /// Creates a tensor of `shape` whose elements are all `value`.
    public init(repeating value: Float, shape: [Int]) {
        require(shape.allSatisfy { $0 >= 0 }, "Tensor: negative extent in shape \(describe(shape))")
        self.shape = shape
        self.scalars = Array(repeating: value, count: Tensor.elementCount(of: shape))
    }

    /// Creates a tensor of `shape` whose storage is filled by `initializer`, which must write every element.
    public init(shape: [Int], unsafeUninitialized initializer: (UnsafeMutableBufferPointer<Float>) -> Void) {
        let count = Tensor.elementCount(of: shape)
        self.shape = shape
        self.scalars = [Float](unsafeUninitializedCapacity: count) { buffer, initializedCount in
            initializer(buffer)
            initializedCount = count
        }
    }

    /// The number of elements.
    @inlinable public var count: Int { scalars.count }
    /// The number of axes.
    @inlinable public var rank: Int { shape.count }

    /// The product of the extents of `shape`.
    @inlinable
    public static func elementCount(of shape: [Int]) -> Int {
        shape.reduce(1, *)
    }

    /// Calls `body` with the elements in row-major order.
    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try scalars.withUnsafeBufferPointer(body)
    }

    /// Calls `body` with mutable access to the elements, copying the storage first if it is shared.
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (inout UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        try scalars.withUnsafeMutableBufferPointer(body)
    }

    /// Makes this tensor a buffer of `newShape` that can be written in place, for workspaces
    /// reused across training steps.
    ///
    /// Keeps the storage (and so allocates nothing) when the element count is unchanged;
    /// the contents are then the old ones. Otherwise the contents are zero.
    public mutating func resize(to newShape: [Int]) {
        let newCount = Tensor.elementCount(of: newShape)
        if newCount != scalars.count {
            scalars = Array(repeating: 0, count: newCount)
        }
        if shape != newShape { shape = newShape }
    }

    /// `resize(to: [rows, columns])` that builds no shape array when the shape is already that,
    /// for hot paths that must not allocate.
    public mutating func resize(rows: Int, columns: Int) {
        if shape.count == 2 && shape[0] == rows && shape[1] == columns { return }
        resize(to: [rows, columns])
    }

    /// `resize(to: [batch, channels, height, width])` that builds no shape array when the shape is
    /// already that, for hot paths that must not allocate.
    public mutating func resize(batch: Int, channels: Int, height: Int, width: Int) {
        if shape.count == 4 && shape[0] == batch && shape[1] == channels && shape[2] == height && shape[3] == width { return }
        resize(to: [batch, channels, height, width])
    }

    /// Sets every element to `value`, keeping the shape.
    public mutating func fill(with value: Float) {
        withUnsafeMutableBufferPointer { buffer in
            buffer.update(repeating: value)
        }
    }

    /// Replaces the contents with `other`'s, which must have the same element count; keeps this
    /// tensor's storage when it is uniquely referenced, so a workspace can be refilled without allocating.
    public mutating func assign(_ other: Tensor) {
        require(
            other.count == count,
            "Tensor.assign: \(describe(other.shape)) into \(describe(shape)): element counts \(other.count) and \(count) differ"
        )
        other.withUnsafeBufferPointer { source in
            withUnsafeMutableBufferPointer { destination in
                _ = destination.update(fromContentsOf: source)
            }
        }
        if shape != other.shape { shape = other.shape }
    }
}

extension Tensor: Equatable {
    /// Tensors are equal when their shapes and all their elements are equal.
    public static func == (lhs: Tensor, rhs: Tensor) -> Bool {
        lhs.shape == rhs.shape && lhs.scalars == rhs.scalars
    }
}
