import DLCore

/// Counts of values in equal-width bins over a fixed range, as numpy's `histogram`:
///
///     w = (upper − lower) / bins,   bin i holds lower + i·w ≤ v < lower + (i+1)·w,
///
/// the last bin also holds v = upper. Values below `lower` or above `upper` are counted in
/// `below` and `above`, NaN and ±∞ in `nonFinite`, so that nothing is silently dropped.
public struct Histogram: Sendable, Equatable {
    /// The ends of the binned range.
    public let lower: Double, upper: Double
    /// The count of each bin, lowest first.
    public private(set) var counts: [Int]
    /// Finite values below `lower` and above `upper`.
    public private(set) var below = 0, above = 0
    /// NaN and infinite values.
    public private(set) var nonFinite = 0

    /// The histogram of `values` in `binCount` bins over `range`, which must have positive width.
    public init<Values: Sequence>(_ values: Values, binCount: Int, range: ClosedRange<Double>) where Values.Element: BinaryFloatingPoint {
        require(binCount > 0, "Histogram: bin count \(binCount) must be positive")
        require(range.lowerBound.isFinite && range.upperBound.isFinite && range.lowerBound < range.upperBound,
                "Histogram: range \(range) must be finite and of positive width")
        lower = range.lowerBound
        upper = range.upperBound
        counts = Array(repeating: 0, count: binCount)
        for value in values { add(Double(value)) }
    }

    /// The width w of every bin.
    public var binWidth: Double { (upper - lower) / Double(counts.count) }

    /// The bin edges lower, lower + w, …, upper (bins + 1 values).
    public var edges: [Double] { (0...counts.count).map { $0 == counts.count ? upper : lower + Double($0) * binWidth } }

    /// Every value counted: in the bins, outside the range and non-finite.
    public var total: Int { counts.reduce(0, +) + below + above + nonFinite }

    /// The bin of `value`, or nil when it lies outside the range or is not finite.
    public func bin(of value: Double) -> Int? {
        guard value.isFinite, value >= lower, value <= upper else { return nil }
        // Rounding can put a value just under `upper` at index `bins`; it belongs to the last bin.
        return Swift.min(Int(((value - lower) / binWidth).rounded(.down)), counts.count - 1)
    }

    private mutating func add(_ value: Double) {
        if let index = bin(of: value) {
            counts[index] += 1
        } else if !value.isFinite {
            nonFinite += 1
        } else if value < lower {
            below += 1
        } else {
            above += 1
        }
    }
}
