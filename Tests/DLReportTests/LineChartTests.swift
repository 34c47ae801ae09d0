import Foundation
import Testing
@testable import DLReport

#if canImport(FoundationXML)
import FoundationXML
#endif

/// The elements of an XML document, parsed with Foundation's XMLParser.
private final class ParsedXML: NSObject, XMLParserDelegate {
    struct Element {
        var name: String
        var attributes: [String: String]
        var text = ""
    }

    private(set) var elements: [Element] = []
    private var open: [Int] = []

    /// Parses `text`, recording an issue if it is not well-formed.
    init(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        super.init()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = self
        let parsed = parser.parse()
        #expect(parsed, "not well-formed XML: \(String(describing: parser.parserError))", sourceLocation: sourceLocation)
    }

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
        qualifiedName: String?, attributes: [String: String] = [:]
    ) {
        open.append(elements.count)
        elements.append(Element(name: name, attributes: attributes))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let last = open.last { elements[last].text += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        open.removeLast()
    }

    func named(_ name: String) -> [Element] { elements.filter { $0.name == name } }

    /// The text elements inside the group with class `groupClass`.
    func texts(inGroup groupClass: String) -> [String] {
        guard let start = elements.firstIndex(where: { $0.name == "g" && $0.attributes["class"] == groupClass }) else {
            return []
        }
        var texts: [String] = []
        for element in elements[(start + 1)...] {
            if element.name == "g", element.attributes["class"] != nil { break }
            if element.name == "text" { texts.append(element.text) }
        }
        return texts
    }
}

@Suite struct LineChartTests {
    private func lossChart() -> LineChart {
        let steps = (0..<100).map(Double.init)
        return LineChart(
            title: "Loss <SGD & Adam>",
            x: .init("Step"),
            y: .init("Cross-entropy loss", scale: .log10),
            series: [
                .init(name: "SGD", x: steps, y: steps.map { 2.3 * exp(-$0 / 40) }),
                .init(name: "Adam \"β₂=0.999\"", x: steps, y: steps.map { 2.3 * exp(-$0 / 20) }),
            ]
        )
    }

    @Test func isWellFormedStandaloneSVG() throws {
        let svg = lossChart().svg()
        #expect(svg.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\""))
        let xml = ParsedXML(svg)
        let root = try #require(xml.elements.first)
        #expect(root.name == "svg")
        #expect(root.attributes["viewBox"] == "0 0 720 450")
        #expect(root.attributes["version"] == "1.1")
        #expect(xml.named("title").first?.text == "Loss <SGD & Adam>")
    }

    @Test func escapesTextAndDrawsOnePathPerSeriesWithALegend() {
        let svg = lossChart().svg()
        #expect(svg.contains("Loss &lt;SGD &amp; Adam&gt;"))
        #expect(svg.contains("Adam &quot;β₂=0.999&quot;"))
        let xml = ParsedXML(svg)
        let paths = xml.named("path")
        #expect(paths.count == 2)
        #expect(Set(paths.compactMap { $0.attributes["stroke"] }) == ["#0072B2", "#D55E00"])
        for path in paths {
            let data = path.attributes["d"] ?? ""
            #expect(data.filter { $0 == "M" }.count == 1, "no gaps")
            #expect(data.filter { $0 == "L" }.count == 99)
        }
        #expect(xml.texts(inGroup: "legend") == ["SGD", "Adam \"β₂=0.999\""])
        #expect(xml.texts(inGroup: "ticks").contains("0.01"), "log y axis labelled at powers of ten")
    }

    @Test func nonFiniteAndNonPositivePointsLeaveGaps() throws {
        let chart = LineChart(
            title: "Gaps", x: .init("x"), y: .init("y", scale: .log10),
            series: [.init(name: "a", x: [0, 1, 2, 3, 4, 5, 6], y: [1, 2, .nan, 3, 4, -1, 5])]
        )
        let xml = ParsedXML(chart.svg())
        let path = try #require(xml.named("path").first)
        let data = try #require(path.attributes["d"])
        #expect(data.filter { $0 == "M" }.count == 3, "runs [0, 1], [3, 4], [6]")
        #expect(xml.named("circle").count == 1, "the isolated last point is drawn as a dot")
        #expect(!data.contains("nan") && !data.contains("inf"))
    }

    @Test func emptySeriesAndEmptyChartsStillRender() {
        let chart = LineChart(
            title: "Nothing yet", x: .init("Epoch"), y: .init("Accuracy"),
            series: [.init(name: "empty", values: []), .init(name: "all NaN", values: [.nan, .nan])]
        )
        let xml = ParsedXML(chart.svg())
        #expect(xml.named("path").isEmpty)
        #expect(xml.texts(inGroup: "legend") == ["empty (no data)", "all NaN (no data)"])
        #expect(xml.named("text").contains { $0.text == "no data" })

        let bare = ParsedXML(LineChart(title: "", x: .init(""), y: .init("")).svg())
        #expect(bare.named("svg").count == 1)
        #expect(bare.texts(inGroup: "legend").isEmpty)
    }

    @Test func categoricalXWithMarkers() {
        let chart = LineChart(
            title: "Test error vs batch size", x: .init("Batch size", scale: .categorical(["32", "64", "128", "256"])),
            y: .init("Test error (%)"),
            series: [.init(name: "SGD", values: [1.9, 1.7, 2.0, 2.6]), .init(name: "Adam", values: [1.8, 1.8, 1.9, 2.1])],
            showsMarkers: true
        )
        let xml = ParsedXML(chart.svg())
        #expect(xml.texts(inGroup: "ticks").prefix(4) == ["32", "64", "128", "256"])
        // Series 0 has circles and series 1 squares, each in the plot and once in the legend.
        #expect(xml.named("circle").count == 4 + 1)
        #expect(xml.named("path").count == 2 + 4 + 1)
    }

    @Test func controlCharactersAreDroppedFromText() {
        let chart = LineChart(title: "bell\u{07}", x: .init("x"), y: .init("y"), series: [.init(name: "a", values: [1, 2])])
        let xml = ParsedXML(chart.svg())
        #expect(xml.named("title").first?.text == "bell")
    }

    @Test func bandsAreShadedUnderTheirLineAndWidenTheAxis() {
        let series = LineChart.Series(name: "mean", x: [0, 1, 2], y: [1, 2, 3], band: .init(lower: [0.5, 1.5, 2.5], upper: [1.5, 2.5, 10]))
        let xml = ParsedXML(LineChart(title: "band", x: .init("x"), y: .init("y"), series: [series]).svg())
        let bands = xml.named("path").filter { $0.attributes["class"] == "band" }
        #expect(bands.count == 1 && bands[0].attributes["fill-opacity"] == "0.18")
        // Three upper and three lower corners, closed.
        #expect(bands[0].attributes["d"]?.filter { $0 == "L" }.count == 5 && bands[0].attributes["d"]?.hasSuffix("Z") == true)
        #expect(xml.texts(inGroup: "ticks").contains("10"), "the y axis covers the band's upper bound")
    }

    @Test func seriesBeyondTheEighthAreDashed() {
        let series = (0..<10).map { LineChart.Series(name: "s\($0)", values: [Double($0), Double($0) + 1]) }
        let xml = ParsedXML(LineChart(title: "many", x: .init("x"), y: .init("y"), series: series).svg())
        let lines = xml.named("path").filter { $0.attributes["stroke"] != nil }
        #expect(lines.count == 10)
        #expect(lines.prefix(8).allSatisfy { $0.attributes["stroke-dasharray"] == nil })
        #expect(lines.suffix(2).allSatisfy { $0.attributes["stroke-dasharray"] == "7 4" })
        // Series 0 and 8 share a colour; the dash tells them apart, in the legend too.
        #expect(lines[0].attributes["stroke"] == lines[8].attributes["stroke"])
        #expect(xml.named("line").filter { $0.attributes["stroke-dasharray"] == "7 4" }.count == 2)
    }
}
