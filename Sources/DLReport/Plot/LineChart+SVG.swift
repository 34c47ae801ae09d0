import DLCore

extension LineChart {
    /// The chart as a standalone SVG 1.1 document that browsers open directly.
    ///
    /// Layout: the title on top, the plot area with grid lines and a frame, tick labels below
    /// and left of it, the axis labels outside those, and the legend to the right. Each series is
    /// a `<g class="series">` holding one `<path>` (a gap starts a new subpath) and its markers.
    /// Series without drawable points stay in the legend, marked "(no data)".
    public func svg() -> String {
        if case .categorical = yAxis.scale {
            require(false, "LineChart \"\(title)\": the y axis cannot be categorical")
        }
        let drawable = series.map { drawablePoints(of: $0) }
        let bands = series.map { bandPoints(of: $0) }
        let xTicks = AxisTicks(xAxis.scale, covering: drawable.flatMap { $0.compactMap { $0?.x } })
        let yTicks = AxisTicks(
            yAxis.scale,
            covering: drawable.flatMap { $0.compactMap { $0?.y } } + bands.flatMap { $0.compactMap { $0 }.flatMap { [$0.lower, $0.upper] } })
        let legendNames = zip(series, drawable).map { entry, points in
            points.contains { $0 != nil } ? entry.name : entry.name + " (no data)"
        }
        let frame = PlotFrame(chart: self, yTicks: yTicks, legendNames: legendNames)

        var document = SVGDocument(width: width, height: height)
        document.add("rect", [("width", "100%"), ("height", "100%"), ("fill", "white")])
        document.add("text", [
            ("x", coordinate(frame.centerX)), ("y", "26"), ("text-anchor", "middle"),
            ("font-size", "16"), ("font-weight", "bold"),
        ], text: title)
        addGrid(xTicks: xTicks, yTicks: yTicks, frame: frame, to: &document)
        addAxes(xTicks: xTicks, yTicks: yTicks, frame: frame, to: &document)
        for (index, band) in bands.enumerated() {
            addBand(band, style: SeriesStyle(index: index), xTicks: xTicks, yTicks: yTicks, frame: frame, to: &document)
        }
        for (index, points) in drawable.enumerated() {
            addSeries(points, style: SeriesStyle(index: index), xTicks: xTicks, yTicks: yTicks, frame: frame, to: &document)
        }
        if drawable.allSatisfy({ $0.allSatisfy { $0 == nil } }) {
            document.add("text", [
                ("x", coordinate(frame.centerX)), ("y", coordinate((frame.top + frame.bottom) / 2)),
                ("text-anchor", "middle"), ("fill", "#777777"),
            ], text: "no data")
        }
        addLegend(names: legendNames, frame: frame, to: &document)
        return document.rendered(title: title)
    }

    /// The points of `series` that both axes can show, or `nil` where a gap starts.
    private func drawablePoints(of series: Series) -> [(x: Double, y: Double)?] {
        zip(series.x, series.y).map { x, y in
            isDrawable(x, on: xAxis.scale) && isDrawable(y, on: yAxis.scale) ? (x, y) : nil
        }
    }

    /// The band points of `series` that both axes can show (both bounds), or `nil` where a gap starts.
    private func bandPoints(of series: Series) -> [(x: Double, lower: Double, upper: Double)?] {
        guard let band = series.band else { return [] }
        return series.x.indices.map { i in
            let (x, lower, upper) = (series.x[i], band.lower[i], band.upper[i])
            return isDrawable(x, on: xAxis.scale) && isDrawable(lower, on: yAxis.scale) && isDrawable(upper, on: yAxis.scale)
                ? (x, lower, upper) : nil
        }
    }

    private func isDrawable(_ value: Double, on scale: AxisScale) -> Bool {
        guard value.isFinite else { return false }
        switch scale {
        case .linear: return true
        case .log10, .log2: return value > 0
        case .categorical(let categories): return value >= 0 && value <= Double(categories.count - 1)
        }
    }

    /// Light lines at the minor ticks, darker ones at the major ticks, under everything else.
    private func addGrid(xTicks: AxisTicks, yTicks: AxisTicks, frame: PlotFrame, to document: inout SVGDocument) {
        document.group([("class", "grid"), ("stroke-width", "1"), ("fill", "none")]) { grid in
            for (values, color) in [(xTicks.minor, "#f0f0f0"), (xTicks.major.map(\.value), "#d9d9d9")] {
                for x in values.compactMap({ xTicks.fraction(of: $0).map(frame.x) }) {
                    grid.add("line", [
                        ("x1", coordinate(x)), ("y1", coordinate(frame.top)),
                        ("x2", coordinate(x)), ("y2", coordinate(frame.bottom)), ("stroke", color),
                    ])
                }
            }
            for (values, color) in [(yTicks.minor, "#f0f0f0"), (yTicks.major.map(\.value), "#d9d9d9")] {
                for y in values.compactMap({ yTicks.fraction(of: $0).map(frame.y) }) {
                    grid.add("line", [
                        ("x1", coordinate(frame.left)), ("y1", coordinate(y)),
                        ("x2", coordinate(frame.right)), ("y2", coordinate(y)), ("stroke", color),
                    ])
                }
            }
        }
    }

    /// The frame of the plot area, the tick labels and the axis labels.
    private func addAxes(xTicks: AxisTicks, yTicks: AxisTicks, frame: PlotFrame, to document: inout SVGDocument) {
        document.add("rect", [
            ("x", coordinate(frame.left)), ("y", coordinate(frame.top)),
            ("width", coordinate(frame.right - frame.left)), ("height", coordinate(frame.bottom - frame.top)),
            ("fill", "none"), ("stroke", "#333333"),
        ])
        document.group([("class", "ticks"), ("fill", "#333333")]) { ticks in
            for tick in xTicks.major {
                guard let x = xTicks.fraction(of: tick.value).map(frame.x) else { continue }
                ticks.add("text", [
                    ("x", coordinate(x)), ("y", coordinate(frame.bottom + 18)), ("text-anchor", "middle"),
                ], text: tick.label)
            }
            for tick in yTicks.major {
                guard let y = yTicks.fraction(of: tick.value).map(frame.y) else { continue }
                ticks.add("text", [
                    ("x", coordinate(frame.left - 8)), ("y", coordinate(y + 4)), ("text-anchor", "end"),
                ], text: tick.label)
            }
        }
        document.add("text", [
            ("x", coordinate(frame.centerX)), ("y", coordinate(height - 14)),
            ("text-anchor", "middle"), ("font-size", "13"),
        ], text: xAxis.label)
        let middle = coordinate((frame.top + frame.bottom) / 2)
        document.add("text", [
            ("x", "20"), ("y", middle), ("text-anchor", "middle"), ("font-size", "13"),
            ("transform", "rotate(-90 20 \(middle))"),
        ], text: yAxis.label)
    }

    /// A series' band: one translucent closed path per run of drawable points, along the upper
    /// bounds and back along the lower ones, under every line.
    private func addBand(
        _ points: [(x: Double, lower: Double, upper: Double)?], style: SeriesStyle,
        xTicks: AxisTicks, yTicks: AxisTicks, frame: PlotFrame, to document: inout SVGDocument
    ) {
        let pixels = points.map { point in
            point.flatMap { point -> (x: Double, lower: Double, upper: Double)? in
                guard let x = xTicks.fraction(of: point.x).map(frame.x), let lower = yTicks.fraction(of: point.lower).map(frame.y),
                      let upper = yTicks.fraction(of: point.upper).map(frame.y) else { return nil }
                return (x, lower, upper)
            }
        }
        let runs = pixels.split(whereSeparator: { $0 == nil }).map { $0.compactMap { $0 } }.filter { $0.count > 1 }
        guard !runs.isEmpty else { return }
        let data = runs.map { run in
            let upper = run.map { coordinate($0.x) + "," + coordinate($0.upper) }
            let lower = run.reversed().map { coordinate($0.x) + "," + coordinate($0.lower) }
            return "M" + (upper + lower).joined(separator: "L") + "Z"
        }
        document.add("path", [("class", "band"), ("d", data.joined()), ("fill", style.color), ("fill-opacity", "0.18"), ("stroke", "none")])
    }

    /// One series: a path whose subpaths are the runs of consecutive drawable points, a dot
    /// for each isolated point (a subpath of one point draws nothing), and markers if asked.
    private func addSeries(
        _ points: [(x: Double, y: Double)?], style: SeriesStyle,
        xTicks: AxisTicks, yTicks: AxisTicks, frame: PlotFrame, to document: inout SVGDocument
    ) {
        let pixels = points.map { point in
            point.flatMap { point in
                xTicks.fraction(of: point.x).map(frame.x).flatMap { x in
                    yTicks.fraction(of: point.y).map { (x, frame.y($0)) }
                }
            }
        }
        let runs = pixels.split(whereSeparator: { $0 == nil }).map { $0.compactMap { $0 } }
        document.group([("class", "series"), ("fill", style.color)]) { group in
            let data = runs.map { run in
                "M" + run.map { coordinate($0.0) + "," + coordinate($0.1) }.joined(separator: "L")
            }
            if !data.isEmpty {
                group.add("path", [("d", data.joined()), ("fill", "none")] + style.strokeAttributes + [
                    ("stroke-linejoin", "round"), ("stroke-linecap", "round"),
                ])
            }
            if showsMarkers {
                for (x, y) in runs.joined() { style.addMarker(at: x, y, to: &group) }
            } else {
                for run in runs where run.count == 1 {
                    group.add("circle", [("cx", coordinate(run[0].0)), ("cy", coordinate(run[0].1)), ("r", "2.5")])
                }
            }
        }
    }

    /// One line per series right of the plot area: a swatch of its line (and marker) and its name.
    private func addLegend(names: [String], frame: PlotFrame, to document: inout SVGDocument) {
        guard !names.isEmpty else { return }
        document.group([("class", "legend")]) { legend in
            for (index, name) in names.enumerated() {
                let style = SeriesStyle(index: index)
                let x = frame.right + PlotFrame.legendGap
                let y = frame.top + 10 + Double(index) * PlotFrame.legendLineHeight
                legend.add("line", [
                    ("x1", coordinate(x)), ("y1", coordinate(y)), ("x2", coordinate(x + 24)), ("y2", coordinate(y)),
                ] + style.strokeAttributes)
                if showsMarkers {
                    legend.group([("fill", style.color)]) { style.addMarker(at: x + 12, y, to: &$0) }
                }
                legend.add("text", [("x", coordinate(x + 32)), ("y", coordinate(y + 4)), ("fill", "#333333")], text: name)
            }
        }
    }
}

/// The plot area of a chart, in pixels, and the map from axis fractions to pixels.
///
/// Text widths are estimated at 7.5 px per character of the 12 px font (DejaVu Sans, the widest
/// common fallback, averages about 7), enough to keep tick labels and legend names clear of the
/// plot area and the image border without measuring fonts. Data stay `inset` pixels inside the
/// frame, so that markers and lines at the ends of an axis are not cut by it.
private struct PlotFrame {
    static let characterWidth = 7.5
    static let inset = 6.0
    static let legendGap = 16.0
    static let legendLineHeight = 20.0

    let left: Double
    let right: Double
    let top: Double
    let bottom: Double

    init(chart: LineChart, yTicks: AxisTicks, legendNames: [String]) {
        let widestYLabel = yTicks.major.map(\.label.count).max() ?? 1
        left = 36 + Double(widestYLabel) * PlotFrame.characterWidth + 8
        let longestName = legendNames.map(\.count).max() ?? 0
        let legendWidth = legendNames.isEmpty
            ? 0 : PlotFrame.legendGap + 32 + Double(longestName) * PlotFrame.characterWidth + 8
        right = chart.width - max(legendWidth, 24)
        top = 44
        bottom = chart.height - 52
    }

    var centerX: Double { (left + right) / 2 }

    /// The pixel column of a fraction of the x axis.
    func x(_ fraction: Double) -> Double {
        left + PlotFrame.inset + fraction * (right - left - 2 * PlotFrame.inset)
    }

    /// The pixel row of a fraction of the y axis, which grows upwards.
    func y(_ fraction: Double) -> Double {
        bottom - PlotFrame.inset - fraction * (bottom - top - 2 * PlotFrame.inset)
    }
}
