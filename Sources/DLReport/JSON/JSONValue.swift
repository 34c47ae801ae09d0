import DLCore

/// A JSON document whose objects keep their keys in the order given, so that `results.json`
/// lists a table's columns in the table's order (`JSONSerialization` would scramble or sort them).
enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case integer(Int)
    /// A number; NaN and ±∞, which JSON cannot represent, are written as `null`.
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    /// The document as text, indented by two spaces per level. Arrays of scalars stay on one line,
    /// which keeps long series such as a loss curve readable.
    func rendered() -> String {
        var output = ""
        write(to: &output, indent: "")
        return output
    }

    private var isScalar: Bool {
        switch self {
        case .array, .object: false
        default: true
        }
    }

    private func write(to output: inout String, indent: String) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .integer(let value): output += String(value)
        case .number(let value): output += value.isFinite ? value.description : "null"
        case .string(let value): output += jsonStringLiteral(value)
        case .array(let elements):
            if elements.allSatisfy(\.isScalar) {
                output += "["
                output += elements.map { $0.rendered() }.joined(separator: ", ")
                output += "]"
                return
            }
            let inner = indent + "  "
            output += "[\n"
            for (index, element) in elements.enumerated() {
                output += inner
                element.write(to: &output, indent: inner)
                output += index + 1 < elements.count ? ",\n" : "\n"
            }
            output += indent + "]"
        case .object(let members):
            if members.isEmpty {
                output += "{}"
                return
            }
            let inner = indent + "  "
            output += "{\n"
            for (index, (key, value)) in members.enumerated() {
                output += inner + jsonStringLiteral(key) + ": "
                value.write(to: &output, indent: inner)
                output += index + 1 < members.count ? ",\n" : "\n"
            }
            output += indent + "}"
        }
    }
}
