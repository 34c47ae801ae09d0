/// A dense, row-major array of `Float` with a shape.
///
/// `Tensor` is a value type: copies, reshapes and views share storage until one of them is
/// mutated, which then copies the elements it holds (copy-on-write). A *view* is a contiguous
/// part of another tensor's storage — a batch range (`slice(batch:)`), one entry of the first axis
/// (`entry(_:)`: one image, one time step of a time-major `[T, N, F]` sequence) — and costs no copy.
/// The shape is stored inline (`TensorShape`), so making and reshaping tensors allocates nothing
/// beyond their elements.
///
/// Hot paths reach the elements with `withUnsafeBufferPointer(_:)` and
/// `withUnsafeMutableBufferPointer(_:)`; reusable workspaces use `resize(to:)`, which keeps
/// the storage when the tensor is uniquely referenced and of the same size.
public struct Tensor: Sendable {
    /// The extent of each axis, outermost first. A scalar tensor has shape `[]`.
    public internal(set) var shape: TensorShape
    /// The number of elements: the product of the extents.
    public private(set) var count: Int
    @usableFromInline var storage: TensorStorage
    /// Where this tensor's first element lies in `storage`.
    @usableFromInline var storageOffset: Int

    /// A tensor viewing `count` elements of `storage` from `storageOffset`.
    @usableFromInline
    init(storage: TensorStorage, storageOffset: Int, shape: TensorShape) {
        self.storage = storage
        self.storageOffset = storageOffset
        self.shape = shape
        self.count = shape.elementCount
    }

    /// Creates a tensor from row-major `scalars`; their count must equal the product of `shape`.
    public init(shape: TensorShape, scalars: [Float]) {
        Tensor.checkExtents(of: shape)
        require(
            shape.elementCount == scalars.count,
            "Tensor: shape \(shape) holds \(shape.elementCount) elements, got \(scalars.count) scalars"
        )
        self.init(storage: scalars.withUnsafeBufferPointer { TensorStorage(copying: $0) }, storageOffset: 0, shape: shape)
    }

    /// Creates a tensor of `shape` whose elements are all `value`.
    public init(repeating value: Float, shape: TensorShape) {
        Tensor.checkExtents(of: shape)
        self.init(storage: TensorStorage(repeating: value, count: shape.elementCount), storageOffset: 0, shape: shape)
    }

    /// Creates a tensor of `shape` whose storage is filled by `initializer`, which must write every element.
    public init(shape: TensorShape, unsafeUninitialized initializer: (UnsafeMutableBufferPointer<Float>) -> Void) {
        Tensor.checkExtents(of: shape)
        let storage = TensorStorage(capacity: shape.elementCount)
        initializer(UnsafeMutableBufferPointer(start: storage.base, count: shape.elementCount))
        self.init(storage: storage, storageOffset: 0, shape: shape)
    }

    private static func checkExtents(of shape: TensorShape) {
        require(shape.allSatisfy { $0 >= 0 }, "Tensor: negative extent in shape \(shape)")
    }

    /// The number of axes.
    @inlinable public var rank: Int { shape.count }

    /// The elements in row-major order, copied into an array.
    public var scalars: [Float] { withUnsafeBufferPointer(Array.init) }

    /// The product of the extents of `shape`.
    @inlinable
    public static func elementCount(of shape: TensorShape) -> Int {
        shape.elementCount
    }

    /// Calls `body` with the elements in row-major order.
    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.base + storageOffset, count: count))
    }

    /// Calls `body` with mutable access to the elements, copying them first if their storage is
    /// shared with another tensor or view.
    @inlinable
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (inout UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        makeUnique()
        var buffer = UnsafeMutableBufferPointer(start: storage.base + storageOffset, count: count)
        return try body(&buffer)
    }

    /// Gives this tensor storage of its own, copying its elements when the storage is shared.
    @inlinable
    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) {
            storage = withUnsafeBufferPointer { TensorStorage(copying: $0) }
            storageOffset = 0
        }
    }

    /// Makes this tensor a buffer of `newShape` that can be written in place, for workspaces
    /// reused across training steps.
    ///
    /// Keeps the storage (and so allocates nothing) when the element count is unchanged;
    /// the contents are then the old ones. Otherwise the contents are zero.
    public mutating func resize(to newShape: TensorShape) {
        let newCount = newShape.elementCount
        if newCount != count {
            self = Tensor(repeating: 0, shape: newShape)
        } else {
            shape = newShape
        }
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
            "Tensor.assign: \(other.shape) into \(shape): element counts \(other.count) and \(count) differ"
        )
        other.withUnsafeBufferPointer { source in
            withUnsafeMutableBufferPointer { destination in
                _ = destination.update(fromContentsOf: source)
            }
        }
        shape = other.shape
    }
}

extension Tensor: Equatable {
    /// Tensors are equal when their shapes and all their elements are equal (so NaN ≠ NaN).
    public static func == (lhs: Tensor, rhs: Tensor) -> Bool {
        lhs.shape == rhs.shape && lhs.withUnsafeBufferPointer { a in rhs.withUnsafeBufferPointer { b in a.elementsEqual(b) } }
    }
}
