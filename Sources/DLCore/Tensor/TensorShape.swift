/// The extents of a tensor's axes, outermost first, stored inline for ranks up to
/// `TensorShape.inlineRank` so that making, comparing and changing a shape allocates nothing.
///
/// A shape reads like an array of `Int` (`shape[0]`, `shape.count`, `for extent in shape`) and is
/// written as one: `let shape: TensorShape = [64, 1, 28, 28]`. Higher ranks, rare in practice,
/// fall back to an array on the heap.
public struct TensorShape: Sendable, Hashable {
    /// The highest rank stored without a heap allocation.
    public static let inlineRank = 6

    @usableFromInline var rank: Int
    @usableFromInline var inline: (Int, Int, Int, Int, Int, Int)
    /// The extents when `rank > inlineRank`; empty otherwise.
    @usableFromInline var overflow: [Int]

    /// The shape of a scalar: no axes.
    @inlinable
    public init() {
        rank = 0
        inline = (0, 0, 0, 0, 0, 0)
        overflow = []
    }

    /// A shape with the extents of `extents`, outermost first.
    @inlinable
    public init<Extents: Collection<Int>>(_ extents: Extents) {
        self.init()
        rank = extents.count
        if rank > TensorShape.inlineRank {
            overflow = Array(extents)
        } else {
            for (axis, extent) in extents.enumerated() { self[axis] = extent }
        }
    }

    /// The shape `[e0]`, built without an array: array literals of shapes are arrays first, which
    /// the compiler does not always keep off the heap, so hot paths (a layer sizing its output
    /// buffer in every step) name their extents with these initializers.
    @inlinable
    public init(_ e0: Int) {
        self.init()
        rank = 1
        inline.0 = e0
    }

    /// The shape `[e0, e1]`, built without an array (see `init(_:)`).
    @inlinable
    public init(_ e0: Int, _ e1: Int) {
        self.init()
        rank = 2
        (inline.0, inline.1) = (e0, e1)
    }

    /// The shape `[e0, e1, e2]`, built without an array (see `init(_:)`).
    @inlinable
    public init(_ e0: Int, _ e1: Int, _ e2: Int) {
        self.init()
        rank = 3
        (inline.0, inline.1, inline.2) = (e0, e1, e2)
    }

    /// The shape `[e0, e1, e2, e3]`, built without an array (see `init(_:)`).
    @inlinable
    public init(_ e0: Int, _ e1: Int, _ e2: Int, _ e3: Int) {
        self.init()
        rank = 4
        (inline.0, inline.1, inline.2, inline.3) = (e0, e1, e2, e3)
    }

    /// The extents as an array (allocates; for messages and APIs that want `[Int]`).
    public var array: [Int] { Array(self) }

    /// The product of the extents: the number of elements of a tensor of this shape (1 for a scalar).
    @inlinable
    public var elementCount: Int {
        var product = 1
        for axis in 0..<rank { product *= self[axis] }
        return product
    }

    /// This shape with `axis` set to `extent` (a batch of another size, say).
    @inlinable
    public func replacing(axis: Int, with extent: Int) -> TensorShape {
        var result = self
        result[axis] = extent
        return result
    }

    /// This shape without its first axis: the shape of one batch entry or one time step.
    @inlinable
    public var droppingFirst: TensorShape { removing(axis: 0) }

    /// This shape without `axis` (a reduction's result).
    @inlinable
    public func removing(axis removed: Int) -> TensorShape {
        require(removed >= 0 && removed < rank, "TensorShape.removing(axis:): axis \(removed) out of range for rank \(rank)")
        if rank > TensorShape.inlineRank {
            var extents = overflow
            extents.remove(at: removed)
            return TensorShape(extents)
        }
        var result = TensorShape()
        result.rank = rank - 1
        for axis in 0..<rank where axis != removed { result[axis < removed ? axis : axis - 1] = self[axis] }
        return result
    }

    public static func == (lhs: TensorShape, rhs: TensorShape) -> Bool {
        guard lhs.rank == rhs.rank else { return false }
        for axis in 0..<lhs.rank where lhs[axis] != rhs[axis] { return false }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(rank)
        for extent in self { hasher.combine(extent) }
    }
}

extension TensorShape: RandomAccessCollection, MutableCollection {
    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { rank }

    @inlinable
    public subscript(axis: Int) -> Int {
        get {
            require(axis >= 0 && axis < rank, "TensorShape: axis \(axis) out of range for rank \(rank)")
            if rank > TensorShape.inlineRank { return overflow[axis] }
            return withUnsafeBytes(of: inline) { $0.load(fromByteOffset: axis * MemoryLayout<Int>.stride, as: Int.self) }
        }
        set {
            require(axis >= 0 && axis < rank, "TensorShape: axis \(axis) out of range for rank \(rank)")
            if rank > TensorShape.inlineRank {
                overflow[axis] = newValue
                return
            }
            withUnsafeMutableBytes(of: &inline) { $0.storeBytes(of: newValue, toByteOffset: axis * MemoryLayout<Int>.stride, as: Int.self) }
        }
    }
}

extension TensorShape: ExpressibleByArrayLiteral {
    /// A shape written as a literal, `[64, 1, 28, 28]`. The literal is an array first; where a
    /// shape is made in every training step, `init(_:_:)` and its siblings avoid it.
    @inlinable
    public init(arrayLiteral extents: Int...) {
        self.init(extents)
    }
}

extension TensorShape: CustomStringConvertible {
    /// `[64, 784]`, as every error message of the library prints a shape.
    public var description: String { "[" + map(String.init).joined(separator: ", ") + "]" }
}

extension TensorShape: Codable {
    public init(from decoder: any Decoder) throws {
        self.init(try [Int](from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        try array.encode(to: encoder)
    }
}

extension TensorShape {
    /// The axes of `lhs` followed by those of `rhs`, e.g. `[batch] + sampleShape`.
    @inlinable
    public static func + (lhs: TensorShape, rhs: TensorShape) -> TensorShape {
        if lhs.rank + rhs.rank > TensorShape.inlineRank {
            return TensorShape(Array(lhs) + Array(rhs))
        }
        var result = lhs
        result.rank = lhs.rank + rhs.rank
        for axis in 0..<rhs.rank { result[lhs.rank + axis] = rhs[axis] }
        return result
    }
}
