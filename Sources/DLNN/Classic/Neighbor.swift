/// One of the training samples nearest to a query: its index in the training set and its distance.
///
/// Neighbours are ordered by distance, then by index: of two training samples at the same
/// distance, the one with the smaller index is the nearer. This tie rule makes a k-NN prediction a
/// function of the data alone, never of the order in which a selection happens to visit it.
public struct Neighbor: Equatable, Sendable {
    /// The row of the training sample in the training features.
    public var index: Int
    /// Its distance to the query.
    public var distance: Float

    /// Creates a neighbour at `distance` from the query.
    public init(index: Int, distance: Float) {
        self.index = index
        self.distance = distance
    }

    /// The `count` smallest of `values` as (index, value) pairs, nearest first, under the tie rule
    /// (smaller value first, then smaller index); all of them when there are fewer.
    ///
    /// One pass over the values keeps a sorted list of the best `count` so far: a value enters only
    /// if it is strictly smaller than the current worst (an equal one has a larger index, so it
    /// loses the tie), and is inserted after every kept value that is not larger. O(N) comparisons
    /// plus O(count) per insertion.
    static func smallest(_ count: Int, of values: UnsafeBufferPointer<Float>) -> [Neighbor] {
        let keep = Swift.min(count, values.count)
        var best: [Neighbor] = []
        best.reserveCapacity(keep + 1)
        guard keep > 0 else { return best }
        for (index, value) in values.enumerated() {
            if best.count == keep {
                guard value < best[keep - 1].distance else { continue }
                best.removeLast()
            }
            var position = best.count
            while position > 0 && best[position - 1].distance > value { position -= 1 }
            best.insert(Neighbor(index: index, distance: value), at: position)
        }
        return best
    }
}
