import Foundation

/// A reproducible pseudo-random number generator: the same seed gives the same sequence on
/// every machine and every run.
///
/// The algorithm is xoshiro256** (Blackman and Vigna, 2018), seeded by expanding the 64-bit seed
/// with SplitMix64. Floating-point draws are derived from the integer stream with exact
/// arithmetic, so they do not depend on the platform's math library except for the `log`, `sin`
/// and `cos` in the Box–Muller transform, which glibc computes correctly rounded in double.
///
/// Every place in the library that needs randomness (initialization, dropout, shuffling,
/// augmentation) takes one of these, never the system generator.
public struct SeededGenerator: RandomNumberGenerator, Sendable, Equatable, Codable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// The four 64-bit words of xoshiro256** state; restoring them with `init(state:)` resumes the stream exactly.
    public var state: [UInt64] { [s0, s1, s2, s3] }

    /// Creates a generator whose stream is determined by `seed` alone.
    public init(seed: UInt64) {
        var splitMix = seed
        func nextSplitMix() -> UInt64 {
            splitMix &+= 0x9E37_79B9_7F4A_7C15
            var z = splitMix
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = nextSplitMix()
        s1 = nextSplitMix()
        s2 = nextSplitMix()
        s3 = nextSplitMix()
    }

    /// Restores a generator from a saved `state` (four words, not all zero).
    public init(state: [UInt64]) {
        require(state.count == 4 && state.contains { $0 != 0 }, "SeededGenerator: state must be four words, not all zero")
        (s0, s1, s2, s3) = (state[0], state[1], state[2], state[3])
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = rotateLeft(s1 &* 5, by: 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotateLeft(s3, by: 45)
        return result
    }

    /// A uniform draw from [0, 1) with 24 random bits, exact in `Float`.
    public mutating func nextUnitFloat() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// A uniform draw from [0, 1) with 53 random bits, exact in `Double`.
    public mutating func nextUnitDouble() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// A uniform draw from `range`.
    public mutating func nextUniform(in range: Range<Float>) -> Float {
        range.lowerBound + (range.upperBound - range.lowerBound) * nextUnitFloat()
    }

    /// A draw from the normal distribution with the given mean and standard deviation (Box–Muller).
    public mutating func nextNormal(mean: Float = 0, standardDeviation: Float = 1) -> Float {
        // 1 - u lies in (0, 1], so the logarithm is finite.
        let u1 = 1 - nextUnitDouble()
        let u2 = nextUnitDouble()
        let z = (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
        return mean + standardDeviation * Float(z)
    }

    /// A uniform integer in `0..<upperBound`, without modulo bias (Lemire's method).
    public mutating func nextIndex(below upperBound: Int) -> Int {
        require(upperBound > 0, "SeededGenerator.nextIndex: upper bound \(upperBound) must be positive")
        let bound = UInt64(upperBound)
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold {
                product = next().multipliedFullWidth(by: bound)
            }
        }
        return Int(product.high)
    }

    /// Shuffles `array` in place (Fisher–Yates), reproducibly for a given generator state.
    public mutating func shuffle<T>(_ array: inout [T]) {
        guard array.count > 1 else { return }
        for i in stride(from: array.count - 1, to: 0, by: -1) {
            let j = nextIndex(below: i + 1)
            if i != j { array.swapAt(i, j) }
        }
    }

    private func rotateLeft(_ x: UInt64, by k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }
}
