/// The sum of `count` floats starting at `start`, in eight interleaved partial sums.
///
/// A plain `for` loop with one running sum cannot vectorize: float addition is not associative,
/// so the compiler must keep the order, and each addition waits for the one before it. Eight lanes
/// of a SIMD accumulator add independently (and, as a side effect, round a little less).
@inlinable
package func vectorSum(_ start: UnsafePointer<Float>, count: Int) -> Float {
    typealias Vector = SIMD8<Float>
    let raw = UnsafeRawPointer(start)
    var lanes = Vector()
    var index = 0
    while index + Vector.scalarCount <= count {
        lanes += raw.loadUnaligned(fromByteOffset: index * MemoryLayout<Float>.stride, as: Vector.self)
        index += Vector.scalarCount
    }
    var total = lanes.sum()
    while index < count {
        total += start[index]
        index += 1
    }
    return total
}
