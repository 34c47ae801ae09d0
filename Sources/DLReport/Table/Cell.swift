import Foundation

/// One value of a `Table`, typed so that each renderer can do the right thing with it:
/// Markdown and the terminal show `number`s in their `NumberFormat`, while CSV and JSON keep the
/// full-precision value, so that later analysis is not limited by the rounding chosen for display.
public enum Cell: Sendable, Hashable {
    /// Free text, e.g. an optimizer's name.
    case text(String)
    /// An exact count, e.g. a batch size or a parameter count.
    case integer(Int)
    /// A measured or computed value, with the format it is displayed in.
    case number(Double, NumberFormat)
    /// No value for this row, e.g. a rank that only compressed models have.
    /// Shown as `—`, left empty in CSV and written as `null` in JSON.
    case missing

    /// A `Float` measurement, converted through its shortest decimal form so that CSV and JSON
    /// show `0.9812` rather than the binary expansion `0.9811999797821045`.
    public init(_ value: Float, format: NumberFormat) {
        let decimal = value.isFinite ? Double(value.description) ?? Double(value) : Double(value)
        self = .number(decimal, format)
    }

    /// A `Double` measurement displayed in `format`.
    public init(_ value: Double, format: NumberFormat) {
        self = .number(value, format)
    }

    /// The text that Markdown and the terminal show.
    public var displayText: String {
        switch self {
        case .text(let text): text
        case .integer(let value): String(value)
        case .number(let value, let format): format.string(for: value)
        case .missing: "—"
        }
    }

    /// The text that CSV holds: the full-precision value for numbers.
    var dataText: String {
        switch self {
        case .text(let text): text
        case .integer(let value): String(value)
        case .number(let value, _): value.isFinite ? value.description : nonFiniteText(value)
        case .missing: ""
        }
    }

    /// The value that JSON holds: numbers as JSON numbers; NaN and ±∞, which JSON cannot
    /// represent, as `null`.
    var jsonValue: JSONValue {
        switch self {
        case .text(let text): .string(text)
        case .integer(let value): .integer(value)
        case .number(let value, _): .number(value)
        case .missing: .null
        }
    }

    /// The value used to rank cells, or `nil` for text, missing and non-finite cells.
    var rankingValue: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .number(let value, _): value.isFinite ? value : nil
        case .text, .missing: nil
        }
    }

    /// Whether the cell holds a number; columns of numbers are right-aligned.
    var isNumeric: Bool {
        switch self {
        case .integer, .number: true
        case .text, .missing: false
        }
    }
}

extension Cell: ExpressibleByStringLiteral, ExpressibleByStringInterpolation {
    /// A text cell: `"SGD"`.
    public init(stringLiteral value: String) {
        self = .text(value)
    }
}

extension Cell: ExpressibleByIntegerLiteral {
    /// An integer cell: `64`.
    public init(integerLiteral value: Int) {
        self = .integer(value)
    }
}

/// How a `Cell.number` is displayed in Markdown and on the terminal.
public enum NumberFormat: Sendable, Hashable {
    /// A fixed number of digits after the decimal point: `.fixed(3)` shows 0.5 as `0.500`.
    case fixed(Int)
    /// A number of significant digits, in plain notation from 10⁻⁴ up and in scientific
    /// notation below: `.significant(3)` shows 0.012345 as `0.0123`, 12345.6 as `12346`
    /// (never rounding integer digits away) and 0.0000123 as `1.23e-05`.
    case significant(Int)
    /// A fraction shown as a percentage with this many decimals: `.percent(2)` shows 0.98123 as `98.12%`.
    case percent(Int)
    /// Scientific notation with this many decimals: `.scientific(2)` shows 0.000123 as `1.23e-04`.
    case scientific(Int)

    /// `value` in this format; NaN and ±∞ as `nan`, `inf` and `-inf`.
    public func string(for value: Double) -> String {
        guard value.isFinite else { return nonFiniteText(value) }
        switch self {
        case .fixed(let decimals):
            return String(format: "%.\(max(decimals, 0))f", value)
        case .percent(let decimals):
            return String(format: "%.\(max(decimals, 0))f%%", value * 100)
        case .scientific(let decimals):
            return String(format: "%.\(max(decimals, 0))e", value)
        case .significant(let digits):
            return significantString(value, digits: max(digits, 1))
        }
    }

    private func significantString(_ value: Double, digits: Int) -> String {
        if value == 0 { return "0" }
        if abs(value) < 1e-4 { return String(format: "%.\(digits - 1)e", value) }
        // The exponent of the value as rounded, so that 9.996 at 3 digits gives "10.0", not "10.00".
        var exponent = Int(floor(log10(abs(value))))
        let rounded = Double(String(format: "%.\(digits - 1)e", value)) ?? value
        if abs(rounded) >= pow(10, Double(exponent + 1)) { exponent += 1 }
        return String(format: "%.\(max(digits - 1 - exponent, 0))f", value)
    }
}

/// NaN and ±∞ as `nan`, `inf` and `-inf`, the spelling that Python and NumPy read back.
func nonFiniteText(_ value: Double) -> String {
    value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf")
}
