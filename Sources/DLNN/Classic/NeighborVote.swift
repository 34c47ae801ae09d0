/// How the labels of the k nearest neighbours decide a k-NN prediction.
public enum NeighborVote: Equatable, Sendable {
    /// Each neighbour gives its class one vote; the class with the most votes wins.
    case majority
    /// Each neighbour at distance d gives its class the weight 1 / (d + ε); the heaviest class wins.
    /// ε > 0 keeps a neighbour at distance 0 finite (and, being a weight, dominant).
    case distanceWeighted(epsilon: Float)

    /// Distance weighting with ε = 10⁻⁶.
    public static let distanceWeighted = NeighborVote.distanceWeighted(epsilon: 1e-6)

    /// The winning class of `neighbors` (nearest first, as `KNearestNeighbors` returns them),
    /// whose training labels are `labels` (indexed by `Neighbor.index`), in `0..<classCount`.
    ///
    /// Ties between classes with the same score go to the class of the nearest neighbour among the
    /// tied classes, i.e. the first of `neighbors` whose class is tied; so k = 1 and every tie at
    /// k = 2 agree with the 1-NN prediction. With no neighbours the prediction is class 0.
    public func winner(of neighbors: some Collection<Neighbor>, labels: [Int], classCount: Int) -> Int {
        var scores = Array(repeating: 0.0, count: classCount)
        for neighbor in neighbors {
            switch self {
            case .majority:
                scores[labels[neighbor.index]] += 1
            case .distanceWeighted(let epsilon):
                scores[labels[neighbor.index]] += 1 / (Double(neighbor.distance) + Double(epsilon))
            }
        }
        guard let best = scores.max() else { return 0 }
        return neighbors.lazy.map { labels[$0.index] }.first { scores[$0] == best } ?? 0
    }
}
