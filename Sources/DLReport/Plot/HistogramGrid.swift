import Foundation

/// Histograms as small multiples (Tufte): a grid of small panels with the same layout, one row per
/// condition and one panel per layer, say, drawn as an SVG. Each panel's bars are scaled to its own
/// tallest bar, so that the shape of every distribution shows whatever its count; the range is
/// written under the panel and an optional note (e.g. "σ = 0.21") above its bars.
///
///     let grid = HistogramGrid(title: "Activations at initialization", xLabel: "tanh output",
///                              rows: [.init(label: "Xavier", panels: layers.map { .init(title: "layer \($0.index)", histogram: $0.histogram) })])
///     try grid.svg().write(…)
public struct HistogramGrid: Sendable {
    /// One panel: a title above it, the histogram and a note.
    public struct Panel: Sendable {
        public var title: String
        public var histogram: Histogram
        public var note: String?

        public init(title: String, histogram: Histogram, note: String? = nil) {
            self.title = title
            self.histogram = histogram
            self.note = note
        }
    }

    /// A labelled row of panels.
    public struct Row: Sendable {
        public var label: String
        public var panels: [Panel]

        public init(label: String, panels: [Panel]) {
            self.label = label
            self.panels = panels
        }
    }

    /// The title above the grid (and the SVG's accessible title).
    public var title: String
    /// What the bins measure, written under the grid.
    public var xLabel: String
    public var rows: [Row]
    /// The size of one panel's plot area, in SVG units.
    public var panelWidth = 120.0, panelHeight = 60.0

    public init(title: String, xLabel: String, rows: [Row]) {
        self.title = title
        self.xLabel = xLabel
        self.rows = rows
    }

    /// Space around a panel's plot area: its title and note above, the range below; and the row labels' column.
    private static let (panelTop, panelBottom, gap, labelColumn, top, bottom) = (34.0, 22.0, 14.0, 120.0, 44.0, 40.0)

    /// The standalone SVG file.
    public func svg() -> String {
        let columns = max(rows.map(\.panels.count).max() ?? 0, 1)
        let cellWidth = panelWidth + Self.gap, cellHeight = Self.panelTop + panelHeight + Self.panelBottom
        let width = Self.labelColumn + Double(columns) * cellWidth + Self.gap
        let height = Self.top + Double(max(rows.count, 1)) * cellHeight + Self.bottom
        var document = SVGDocument(width: width, height: height)
        document.add("rect", [("width", "100%"), ("height", "100%"), ("fill", "white")])
        document.add("text", [("x", coordinate(width / 2)), ("y", "26"), ("text-anchor", "middle"), ("font-size", "16"), ("font-weight", "bold")], text: title)
        for (rowIndex, row) in rows.enumerated() {
            let rowTop = Self.top + Double(rowIndex) * cellHeight
            document.add("text", [
                ("x", "10"), ("y", coordinate(rowTop + Self.panelTop + panelHeight / 2 + 4)), ("font-size", "13"), ("font-weight", "bold"),
            ], text: row.label)
            for (column, panel) in row.panels.enumerated() {
                addPanel(panel, left: Self.labelColumn + Double(column) * cellWidth, top: rowTop + Self.panelTop, to: &document)
            }
        }
        document.add("text", [("x", coordinate(width / 2)), ("y", coordinate(height - 14)), ("text-anchor", "middle"), ("font-size", "13")], text: xLabel)
        return document.rendered(title: title)
    }

    /// One panel with its plot area's top-left corner at (left, top).
    private func addPanel(_ panel: Panel, left: Double, top: Double, to document: inout SVGDocument) {
        let histogram = panel.histogram
        document.add("text", [("x", coordinate(left + panelWidth / 2)), ("y", coordinate(top - 20)), ("text-anchor", "middle"), ("font-size", "11")], text: panel.title)
        if let note = panel.note {
            document.add("text", [("x", coordinate(left + panelWidth / 2)), ("y", coordinate(top - 6)), ("text-anchor", "middle"), ("font-size", "10"), ("fill", "#555555")], text: note)
        }
        document.add("rect", [
            ("x", coordinate(left)), ("y", coordinate(top)), ("width", coordinate(panelWidth)), ("height", coordinate(panelHeight)),
            ("fill", "none"), ("stroke", "#999999"),
        ])
        let tallest = histogram.counts.max() ?? 0
        if tallest == 0 {
            document.add("text", [("x", coordinate(left + panelWidth / 2)), ("y", coordinate(top + panelHeight / 2 + 4)), ("text-anchor", "middle"), ("font-size", "10"), ("fill", "#777777")], text: "no values in range")
        } else {
            let barWidth = panelWidth / Double(histogram.counts.count)
            document.group([("class", "bars"), ("fill", "#0072B2")]) { bars in
                for (index, count) in histogram.counts.enumerated() where count > 0 {
                    let barHeight = panelHeight * Double(count) / Double(tallest)
                    bars.add("rect", [
                        ("x", coordinate(left + Double(index) * barWidth)), ("y", coordinate(top + panelHeight - barHeight)),
                        ("width", coordinate(barWidth)), ("height", coordinate(barHeight)),
                    ])
                }
            }
        }
        for (value, anchor, x) in [(histogram.lower, "start", left), (histogram.upper, "end", left + panelWidth)] {
            document.add("text", [("x", coordinate(x)), ("y", coordinate(top + panelHeight + 13)), ("text-anchor", anchor), ("font-size", "10")], text: rangeLabel(value))
        }
    }
}

/// A range end in at most 3 significant digits, with a typographic minus: `−1`, `0.25`, `3.2e+05`.
private func rangeLabel(_ value: Double) -> String {
    String(String(format: "%.3g", value).map { $0 == "-" ? "\u{2212}" : $0 })
}
