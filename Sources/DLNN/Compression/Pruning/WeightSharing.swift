/// Weight sharing by k-means (Han, Mao & Dally, 2016, §3): the kept weights of one layer are
/// clustered into 2^b values, the codebook, and each weight is stored as the b-bit index of its
/// cluster. The paper uses b = 8 for convolutions and b = 5 for fully connected layers.
///
/// The centroids start spread linearly between the smallest and the largest weight (the paper's
/// best initialization: it keeps the few large weights, which matter most, represented) and then
/// follow Lloyd's iterations: assign each weight to its nearest centroid, move each centroid to
/// the mean of its weights (a centroid left without weights stays where it is). Every centroid
/// stays within [min w, max w], and no iteration increases Σ (w − c(w))².
public struct WeightSharing: Sendable, Equatable {
    /// The shared values, at most 2^bits of them, increasing.
    public var codebook: [Float]
    /// For each clustered weight, the index of its value in `codebook`.
    public var codes: [Int]
    /// Bits per code.
    public let bits: Int

    /// Clusters `weights` into at most 2^`bits` shared values (1 ≤ bits ≤ 16) with `iterations`
    /// Lloyd steps (stopping early once no weight changes cluster).
    public init(clustering weights: [Float], bits: Int, iterations: Int = 30) {
        require((1...16).contains(bits), "WeightSharing: \(bits) bits per code, expected 1...16")
        require(weights.allSatisfy(\.isFinite), "WeightSharing: the weights must be finite")
        self.bits = bits
        guard let low = weights.min(), let high = weights.max() else {
            codebook = []
            codes = []
            return
        }
        let k = low == high ? 1 : min(1 << bits, weights.count)
        var centroids = k == 1 ? [low] : (0..<k).map { low + (high - low) * Float($0) / Float(k - 1) }
        var codes = [Int](repeating: -1, count: weights.count)
        for _ in 0..<max(iterations, 1) {
            var changed = false
            for (i, w) in weights.enumerated() {
                let nearest = Self.nearest(w, in: centroids)
                if nearest != codes[i] { codes[i] = nearest; changed = true }
            }
            guard changed else { break }
            var sums = [Double](repeating: 0, count: k), counts = [Int](repeating: 0, count: k)
            for (i, w) in weights.enumerated() {
                sums[codes[i]] += Double(w)
                counts[codes[i]] += 1
            }
            for c in 0..<k where counts[c] > 0 { centroids[c] = Float(sums[c] / Double(counts[c])) }
        }
        // The last move can leave a weight nearer another centroid: assign once more.
        self.codes = weights.map { Self.nearest($0, in: centroids) }
        codebook = centroids
    }

    /// A sharing with the given codebook and codes (each an index into `codebook`, below 2^`bits`).
    public init(codebook: [Float], codes: [Int], bits: Int) {
        require((1...16).contains(bits) && codebook.count <= 1 << bits && codes.allSatisfy { codebook.indices.contains($0) },
                "WeightSharing: \(codebook.count) values and codes \(codes.min() ?? 0)...\(codes.max() ?? 0) do not fit \(bits) bits")
        self.codebook = codebook
        self.codes = codes
        self.bits = bits
    }

    /// The shared value of every clustered weight, in order.
    public var values: [Float] { codes.map { codebook[$0] } }

    /// The index of the centroid nearest `w` in the increasing `centroids` (binary search).
    static func nearest(_ w: Float, in centroids: [Float]) -> Int {
        var low = 0, high = centroids.count - 1
        while low < high {
            let middle = (low + high) / 2
            if w > centroids[middle] { low = middle + 1 } else { high = middle }
        }
        // `low` is the first centroid ≥ w; the nearest is it or the one before.
        if low > 0 && abs(w - centroids[low - 1]) <= abs(centroids[low] - w) { return low - 1 }
        return low
    }
}
