extension Tensor {
    /// Applies `transform` to every element.
    @inlinable
    public func map(_ transform: (Float) -> Float) -> Tensor {
        withUnsafeBufferPointer { source in
            Tensor(shape: shape) { destination in
                for i in source.indices { destination[i] = transform(source[i]) }
            }
        }
    }

    /// Combines two tensors of the same shape element by element.
    @inlinable
    public func zipWith(_ other: Tensor, operation: String = "zipWith", _ combine: (Float, Float) -> Float) -> Tensor {
        require(
            shape == other.shape,
            "\(operation): shapes \(describe(shape)) and \(describe(other.shape)) differ"
        )
        return withUnsafeBufferPointer { a in
            other.withUnsafeBufferPointer { b in
                Tensor(shape: shape) { destination in
                    for i in a.indices { destination[i] = combine(a[i], b[i]) }
                }
            }
        }
    }

    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.zipWith(rhs, operation: "+", +) }
    public static func - (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.zipWith(rhs, operation: "-", -) }
    public static func * (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.zipWith(rhs, operation: "*", *) }
    public static func / (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.zipWith(rhs, operation: "/", /) }

    public static func + (lhs: Tensor, rhs: Float) -> Tensor { lhs.map { $0 + rhs } }
    public static func - (lhs: Tensor, rhs: Float) -> Tensor { lhs.map { $0 - rhs } }
    public static func * (lhs: Tensor, rhs: Float) -> Tensor { lhs.map { $0 * rhs } }
    public static func / (lhs: Tensor, rhs: Float) -> Tensor { lhs.map { $0 / rhs } }
    public static func * (lhs: Float, rhs: Tensor) -> Tensor { rhs * lhs }
    public static prefix func - (operand: Tensor) -> Tensor { operand.map { -$0 } }

    public static func += (lhs: inout Tensor, rhs: Tensor) {
        require(lhs.shape == rhs.shape, "+=: shapes \(describe(lhs.shape)) and \(describe(rhs.shape)) differ")
        lhs.addScaled(rhs, by: 1)
    }

    public static func -= (lhs: inout Tensor, rhs: Tensor) {
        require(lhs.shape == rhs.shape, "-=: shapes \(describe(lhs.shape)) and \(describe(rhs.shape)) differ")
        lhs.addScaled(rhs, by: -1)
    }

    public static func *= (lhs: inout Tensor, rhs: Float) {
        lhs.scale(by: rhs)
    }
}
