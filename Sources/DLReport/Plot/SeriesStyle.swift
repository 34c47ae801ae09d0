/// The colour and marker of the n-th series of a chart.
///
/// Colours are the Okabe–Ito palette (Okabe & Ito, "Color Universal Design", 2008), which
/// readers with any common colour-vision deficiency can tell apart; yellow, faint on white,
/// comes last. Marker shapes differ too, so that series stay distinct in greyscale prints, and
/// each further eight series get a dash pattern, so that more than eight lines stay distinct.
struct SeriesStyle {
    private static let colors = [
        "#0072B2", // blue
        "#D55E00", // vermillion
        "#009E73", // bluish green
        "#E69F00", // orange
        "#CC79A7", // reddish purple
        "#56B4E9", // sky blue
        "#000000", // black
        "#F0E442", // yellow
    ]

    private enum Marker: CaseIterable {
        case circle, square, triangleUp, diamond, triangleDown
    }

    /// Solid for the first eight series, then dashed, dotted and dash-dotted (SVG `stroke-dasharray`).
    private static let dashPatterns: [String?] = [nil, "7 4", "2 3", "8 3 2 3"]

    /// The stroke and fill colour, as `#RRGGBB`.
    let color: String
    /// The `stroke-dasharray` of the line; nil: solid.
    let dash: String?
    private let marker: Marker

    /// The style of the series at `index`; colours, markers and dash patterns repeat after 8, 5 and 32 series.
    init(index: Int) {
        color = SeriesStyle.colors[index % SeriesStyle.colors.count]
        dash = SeriesStyle.dashPatterns[index / SeriesStyle.colors.count % SeriesStyle.dashPatterns.count]
        marker = Marker.allCases[index % Marker.allCases.count]
    }

    /// The stroke attributes of a line in this style.
    var strokeAttributes: [(String, String)] {
        [("stroke", color), ("stroke-width", "2")] + (dash.map { [("stroke-dasharray", $0)] } ?? [])
    }

    /// Adds this series' marker centred on (x, y) to `document`.
    func addMarker(at x: Double, _ y: Double, to document: inout SVGDocument) {
        let r = 3.5
        func polygon(_ corners: [(Double, Double)]) -> String {
            "M" + corners.map { coordinate(x + $0.0 * r) + "," + coordinate(y + $0.1 * r) }.joined(separator: "L") + "Z"
        }
        let shape: String
        switch marker {
        case .circle:
            document.add("circle", [("cx", coordinate(x)), ("cy", coordinate(y)), ("r", coordinate(r))])
            return
        case .square: shape = polygon([(-1, -1), (1, -1), (1, 1), (-1, 1)])
        case .triangleUp: shape = polygon([(0, -1.3), (1.15, 0.8), (-1.15, 0.8)])
        case .diamond: shape = polygon([(0, -1.35), (1.35, 0), (0, 1.35), (-1.35, 0)])
        case .triangleDown: shape = polygon([(0, 1.3), (1.15, -0.8), (-1.15, -0.8)])
        }
        document.add("path", [("d", shape)])
    }
}
