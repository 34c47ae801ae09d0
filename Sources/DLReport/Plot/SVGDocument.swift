import Foundation

/// A minimal writer of SVG 1.1 markup: elements with escaped attributes and text, one per line.
struct SVGDocument {
    let width: Double
    let height: Double
    private var lines: [String] = []
    private var depth = 1

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// Appends `<name attributes…/>`, or `<name attributes…>text</name>` when `text` is given.
    mutating func add(_ name: String, _ attributes: [(String, String)], text: String? = nil) {
        let start = "<" + name + attributeList(attributes)
        let element = text.map { start + ">" + xmlEscaped($0) + "</" + name + ">" } ?? start + "/>"
        lines.append(String(repeating: "  ", count: depth) + element)
    }

    /// Wraps the elements that `body` adds in `<g attributes…>`.
    mutating func group(_ attributes: [(String, String)], _ body: (inout SVGDocument) -> Void) {
        lines.append(String(repeating: "  ", count: depth) + "<g" + attributeList(attributes) + ">")
        depth += 1
        body(&self)
        depth -= 1
        lines.append(String(repeating: "  ", count: depth) + "</g>")
    }

    /// The standalone file: XML declaration, root element with namespace and view box, the
    /// accessible `<title>`, then the elements added.
    func rendered(title: String) -> String {
        let size = "width=\"\(coordinate(width))\" height=\"\(coordinate(height))\""
        let viewBox = "viewBox=\"0 0 \(coordinate(width)) \(coordinate(height))\""
        let font = "font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\""
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" version="1.1" \(size) \(viewBox) \(font)>
              <title>\(xmlEscaped(title))</title>

            """ + lines.joined(separator: "\n") + "\n</svg>\n"
    }

    private func attributeList(_ attributes: [(String, String)]) -> String {
        attributes.map { " " + $0.0 + "=\"" + xmlEscaped($0.1) + "\"" }.joined()
    }
}

/// `text` safe inside XML text and attribute values: `& < > " '` as entities, and the control
/// characters that XML 1.0 forbids dropped.
func xmlEscaped(_ text: String) -> String {
    var result = ""
    result.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
        switch scalar {
        case "&": result += "&amp;"
        case "<": result += "&lt;"
        case ">": result += "&gt;"
        case "\"": result += "&quot;"
        case "'": result += "&apos;"
        case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
        case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF: continue
        default: result.unicodeScalars.append(scalar)
        }
    }
    return result
}

/// A pixel coordinate with one decimal, `12.5`, or none when it is whole, `12`.
func coordinate(_ value: Double) -> String {
    let text = String(format: "%.1f", value)
    guard text.hasSuffix(".0") else { return text }
    return text == "-0.0" ? "0" : String(text.dropLast(2))
}
