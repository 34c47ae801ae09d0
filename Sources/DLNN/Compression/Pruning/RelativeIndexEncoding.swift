/// The positions of a sparse tensor's kept elements as gaps of `bits` bits (Han, Mao & Dally,
/// 2016, §2: "we store the index difference instead of the absolute position").
///
/// With p₀ < p₁ < … the kept positions and p₋₁ = −1, entry i stores the gap pᵢ − pᵢ₋₁ ∈ 1…2^b − 1.
/// A longer gap is split: code 0 means "skip 2^b − 1 positions" and holds no value, so a long run
/// of pruned weights costs b bits per 2^b − 1 positions and nothing else (Han et al. insert a
/// filler zero *value* there instead; a skip code saves that value's bits).
enum RelativeIndexEncoding {
    /// The gap codes for the increasing `positions`.
    static func encode(positions: [Int], bits: Int) -> [Int] {
        let longest = (1 << bits) - 1
        var codes: [Int] = []
        var previous = -1
        for position in positions {
            var gap = position - previous
            require(gap >= 1, "RelativeIndexEncoding: positions must increase")
            while gap > longest {
                codes.append(0)
                gap -= longest
            }
            codes.append(gap)
            previous = position
        }
        return codes
    }

    /// The positions the codes describe; nil when one falls at or beyond `count` elements.
    static func decode(_ codes: [Int], bits: Int, count: Int) -> [Int]? {
        let longest = (1 << bits) - 1
        var positions: [Int] = []
        var position = -1
        for code in codes {
            position += code == 0 ? longest : code
            guard position < count else { return nil }
            if code != 0 { positions.append(position) }
        }
        return positions
    }
}
