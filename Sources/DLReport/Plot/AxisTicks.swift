import Foundation

/// The extent of an axis and its ticks, and the map from values to positions along it.
struct AxisTicks: Sendable {
    /// A labelled tick with a grid line.
    struct Tick: Sendable, Equatable {
        var value: Double
        var label: String
    }

    /// The values at the two ends of the axis.
    var lower: Double
    var upper: Double
    /// Whether positions are proportional to log(value) rather than to value.
    var isLogarithmic: Bool
    /// Labelled ticks, in increasing order.
    var major: [Tick]
    /// Unlabelled grid lines, e.g. at 2…9 × 10ᵏ on a logarithmic axis.
    var minor: [Double] = []

    /// Where `value` lies between the ends: 0 at `lower`, 1 at `upper`; `nil` for values the
    /// axis cannot show (NaN, ±∞, and non-positive values on a logarithmic axis).
    func fraction(of value: Double) -> Double? {
        guard value.isFinite else { return nil }
        guard isLogarithmic else { return (value - lower) / (upper - lower) }
        guard value > 0 else { return nil }
        return (log(value) - log(lower)) / (log(upper) - log(lower))
    }

    /// Ticks for `scale` covering `values`.
    init(_ scale: LineChart.AxisScale, covering values: [Double]) {
        switch scale {
        case .linear: self = AxisTicks.linear(covering: values)
        case .log10: self = AxisTicks.logarithmic(covering: values, base: 10)
        case .log2: self = AxisTicks.logarithmic(covering: values, base: 2)
        case .categorical(let categories): self = AxisTicks.categorical(categories)
        }
    }

    private init(lower: Double, upper: Double, isLogarithmic: Bool, major: [Tick], minor: [Double] = []) {
        self.lower = lower
        self.upper = upper
        self.isLogarithmic = isLogarithmic
        self.major = major
        self.minor = minor
    }

    /// Ticks at multiples of a "nice" step, 1, 2 or 5 × 10ᵏ, chosen to give about
    /// `intervals` intervals; the axis ends on the ticks around the smallest and largest value.
    /// Without finite values the axis spans 0…1; a single value v spans v ± 10 % (or −1…1 for 0).
    static func linear(covering values: [Double], intervals: Int = 5) -> AxisTicks {
        let finite = values.filter(\.isFinite)
        var low = finite.min() ?? 0, high = finite.max() ?? 1
        if low == high {
            let margin = low == 0 ? 1 : abs(low) / 10
            low -= margin
            high += margin
        }
        let step = niceStep((high - low) / Double(intervals))
        // The tolerance keeps a value that is a multiple of the step up to rounding, such as
        // 0.30000000000000004 for 0.3, from adding an interval.
        let first = Int((low / step + 1e-9).rounded(.down))
        let last = Int((high / step - 1e-9).rounded(.up))
        let decimals = max(0, -Int(floor(log10(step))))
        let largest = max(abs(Double(first) * step), abs(Double(last) * step))
        let scientific = largest >= 1e6 || step < 1e-4
        let ticks = (first...last).map { index in
            let value = Double(index) * step
            return Tick(value: value, label: scientific ? scientificLabel(value) : fixedLabel(value, decimals: decimals))
        }
        return AxisTicks(lower: ticks[0].value, upper: ticks[ticks.count - 1].value, isLogarithmic: false, major: ticks)
    }

    /// Ticks at powers of `base` from the power at or below the smallest positive value to the
    /// power at or above the largest; every k-th power when there would be more than 8. Labels
    /// are plain numbers over 0.001…10000 (base 10) or 0.25…65536 (base 2), else `10⁻⁶`, `2²⁰`.
    /// Base 10 adds grid lines at 2…9 × 10ᵏ over at most six decades, and labels 2 × 10ᵏ and
    /// 5 × 10ᵏ over at most two decades written plainly. Without positive finite values the axis spans 1…base.
    static func logarithmic(covering values: [Double], base: Double) -> AxisTicks {
        let positive = values.filter { $0.isFinite && $0 > 0 }
        let exponentOf = { (value: Double) in log(value) / log(base) }
        var low = positive.min().map { Int((exponentOf($0) + 1e-9).rounded(.down)) } ?? 0
        var high = positive.max().map { Int((exponentOf($0) - 1e-9).rounded(.up)) } ?? 1
        if low == high {
            low -= 1
            high += 1
        }
        let span = high - low
        let labelEvery = (span + 7) / 8
        let power = { (exponent: Int) in pow(base, Double(exponent)) }
        // Either every power is written plainly or none is: `0.01` beside `10⁻⁶` reads badly.
        let plainExponents = base == 10 ? -3...4 : -2...16
        let plain = plainExponents.contains(low) && plainExponents.contains(high)
        var major: [Tick] = []
        var minor: [Double] = []
        for exponent in low...high {
            if exponent.isMultiple(of: labelEvery) {
                let label = plain
                    ? fixedLabel(power(exponent), decimals: max(0, -exponent))
                    : powerLabel(base: base, exponent: exponent)
                major.append(Tick(value: power(exponent), label: label))
            } else {
                minor.append(power(exponent))
            }
        }
        if base == 10, span <= 6 {
            for exponent in low..<high {
                for multiple in 2...9 {
                    let value = Double(multiple) * power(exponent)
                    if span <= 2, plain, multiple == 2 || multiple == 5 {
                        major.append(Tick(value: value, label: fixedLabel(value, decimals: max(0, -exponent))))
                    } else {
                        minor.append(value)
                    }
                }
            }
            major.sort { $0.value < $1.value }
        }
        return AxisTicks(lower: power(low), upper: power(high), isLogarithmic: true, major: major, minor: minor.sorted())
    }

    /// One tick per category at 0, 1, …, with half a slot of room at each end.
    static func categorical(_ categories: [String]) -> AxisTicks {
        let major = categories.enumerated().map { Tick(value: Double($0.offset), label: $0.element) }
        return AxisTicks(lower: -0.5, upper: Double(max(categories.count, 1)) - 0.5, isLogarithmic: false, major: major)
    }

    /// The smallest of 1, 2, 5 or 10 × 10ᵏ at least `rough`.
    static func niceStep(_ rough: Double) -> Double {
        let magnitude = pow(10, floor(log10(rough)))
        let residual = rough / magnitude
        // The tolerance keeps 1e-5 / 1e-5 = 1.0000000000000002 from taking the next step.
        let tolerance = 1 + 1e-9
        let nice: Double = residual <= tolerance ? 1 : residual <= 2 * tolerance ? 2 : residual <= 5 * tolerance ? 5 : 10
        return nice * magnitude
    }
}

/// `value` with `decimals` decimals, with a typographic minus sign and none on zero.
private func fixedLabel(_ value: Double, decimals: Int) -> String {
    typographicMinus(String(format: "%.\(decimals)f", value == 0 ? 0 : value))
}

/// `label` with its hyphen-minus signs replaced by the minus sign U+2212, as in typeset axes.
private func typographicMinus(_ label: String) -> String {
    String(label.map { $0 == "-" ? "\u{2212}" : $0 })
}

/// `value` as `2.5e6` or `1e-5`: the shortest mantissa that round-trips at 6 digits.
private func scientificLabel(_ value: Double) -> String {
    if value == 0 { return "0" }
    var exponent = Int(floor(log10(abs(value))))
    var mantissa = (value / pow(10, Double(exponent)) * 1e6).rounded() / 1e6
    if abs(mantissa) >= 10 {
        // log10 rounded just below an integer, e.g. for 1e-5.
        mantissa /= 10
        exponent += 1
    }
    let mantissaText = mantissa == mantissa.rounded() ? String(Int(mantissa)) : String(mantissa)
    return typographicMinus("\(mantissaText)e\(exponent)")
}

/// baseᵉ with a superscript exponent: `10⁻⁶`, `2¹⁰`.
private func powerLabel(base: Double, exponent: Int) -> String {
    let superscripts: [Character: Character] = [
        "-": "⁻", "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹",
    ]
    return String(Int(base)) + String(String(exponent).map { superscripts[$0] ?? $0 })
}
