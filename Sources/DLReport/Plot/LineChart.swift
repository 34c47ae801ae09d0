import DLCore

/// A line chart of named series, rendered as a standalone SVG 1.1 file with `svg()`.
///
/// It covers the plots of a benchmark report: training loss against step on a logarithmic y
/// axis, validation accuracy against epoch, test error against batch size (categorical or
/// base-2 logarithmic x), accuracy against compression ratio, and trajectories x(t).
///
///     var chart = LineChart(title: "Training loss", x: LineChart.Axis("Step"),
///                           y: LineChart.Axis("Cross-entropy loss", scale: .log10))
///     chart.series.append(.init(name: "SGD", x: steps, y: sgdLosses))
///     chart.series.append(.init(name: "Adam", x: steps, y: adamLosses))
///     let svg = chart.svg()
///
/// Points with a NaN or infinite coordinate, or a non-positive one on a logarithmic axis,
/// are skipped and leave a gap in their line. Each series has its own colour from the
/// Okabe–Ito palette, which colour-blind readers can tell apart, a dash pattern of its own
/// beyond the eighth series, and, when `showsMarkers` is on, its own marker shape as well.
/// A series with a `band` (e.g. mean ± standard deviation over seeds) is drawn over a shaded
/// area between the band's bounds.
public struct LineChart: Sendable {
    /// One named line: points joined in the order given.
    public struct Series: Sendable {
        /// The name shown in the legend.
        public var name: String
        /// The x coordinates; on a categorical axis, indices into its categories.
        public var x: [Double]
        /// The y coordinates, one per x coordinate.
        public var y: [Double]
        /// A shaded area around the line, one lower and one upper bound per x coordinate; nil: none.
        public var band: Band?

        /// A series through the points (x[i], y[i]); `x` and `y` must have the same length.
        public init(name: String, x: [Double], y: [Double], band: Band? = nil) {
            require(
                x.count == y.count,
                "LineChart.Series \"\(name)\": \(x.count) x values for \(y.count) y values"
            )
            require(
                band.map { $0.lower.count == x.count && $0.upper.count == x.count } ?? true,
                "LineChart.Series \"\(name)\": the band needs one lower and one upper bound per x value"
            )
            self.name = name
            self.x = x
            self.y = y
            self.band = band
        }

        /// A series through (0, values[0]), (1, values[1]), …: one value per category of a
        /// categorical x axis, or per epoch counted from 0.
        public init(name: String, values: [Double]) {
            self.init(name: name, x: values.indices.map(Double.init), y: values)
        }
    }

    /// The bounds of a shaded area around a series, e.g. mean − sd and mean + sd at each x.
    public struct Band: Sendable {
        public var lower: [Double]
        public var upper: [Double]

        public init(lower: [Double], upper: [Double]) {
            self.lower = lower
            self.upper = upper
        }
    }

    /// An axis: its label and how values map to positions.
    public struct Axis: Sendable {
        /// The label written along the axis, with its unit, e.g. `Time (s)`.
        public var label: String
        /// The mapping from values to positions.
        public var scale: AxisScale

        /// An axis labelled `label`.
        public init(_ label: String, scale: AxisScale = .linear) {
            self.label = label
            self.scale = scale
        }
    }

    /// How an axis maps values to positions.
    public enum AxisScale: Sendable {
        /// Evenly spaced values, ticks at 1, 2 or 5 × 10ᵏ steps.
        case linear
        /// Evenly spaced powers of ten, ticked at powers of ten (and at 2× and 5× when the
        /// axis spans at most two decades).
        case log10
        /// Evenly spaced powers of two, ticked at powers of two: batch sizes, ranks.
        case log2
        /// Named, evenly spaced positions; the x coordinate of a point is the index of its
        /// category. Only for the x axis.
        case categorical([String])
    }

    /// The title above the chart.
    public var title: String
    /// The horizontal axis.
    public var xAxis: Axis
    /// The vertical axis; it may not be categorical.
    public var yAxis: Axis
    /// The lines, drawn in this order and listed in this order in the legend.
    public var series: [Series]
    /// Whether each point gets a marker; useful when there are few points per series.
    public var showsMarkers: Bool
    /// The width of the image in pixels.
    public var width: Double
    /// The height of the image in pixels.
    public var height: Double

    /// A chart with the given axes and series.
    public init(
        title: String,
        x xAxis: Axis,
        y yAxis: Axis,
        series: [Series] = [],
        showsMarkers: Bool = false,
        width: Double = 720,
        height: Double = 450
    ) {
        self.title = title
        self.xAxis = xAxis
        self.yAxis = yAxis
        self.series = series
        self.showsMarkers = showsMarkers
        self.width = width
        self.height = height
    }
}
