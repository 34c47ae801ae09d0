import DLCore
import Foundation

/// The report of one benchmark run: a title, a summary of the outcome, and sections in order
/// (headings, paragraphs of findings, settings, tables, plots, the machine).
///
/// `markdown()` gives `report.md`, which a reader must understand alone; `write(to:)` writes
/// it into a run folder along with `results.csv`, `results.json` and the plots as SVG files.
///
///     var report = Report(title: "Optimizers on MNIST", summary: "Adam reaches 98.0% after 5 epochs; SGD 97.1%.")
///     report.addSettings([("Epochs", 5), ("Batch size", 64), ("Seed", 42)])
///     report.addTable(results, title: "Test accuracy after 5 epochs")
///     report.addPlot(lossChart, fileName: "loss.svg", caption: "Training loss, averaged over 50 steps.")
///     report.addMachine(.current())
///     try report.write(to: URL(fileURLWithPath: "bench-results/optimizers"))
public struct Report: Sendable {
    /// A section of the report, in the order added.
    enum Block: Sendable {
        case heading(String)
        case paragraph(String)
        case settings(heading: String, [(String, Cell)])
        case table(Table, title: String?)
        case plot(LineChart, fileName: String, caption: String?)
        case histograms(HistogramGrid, fileName: String, caption: String?)
        case machine(MachineInfo)
    }

    /// The title, the report's level-1 heading.
    public var title: String
    /// The outcome in a sentence or two, shown under the title and in the `ReportIndex`.
    public var summary: String?
    /// The sections, in order.
    private(set) var blocks: [Block] = []

    /// An empty report.
    public init(title: String, summary: String? = nil) {
        self.title = title
        self.summary = summary
    }

    /// Adds a level-2 heading.
    public mutating func addHeading(_ text: String) {
        blocks.append(.heading(text))
    }

    /// Adds a paragraph of Markdown, e.g. a finding: "Adam converges in half the steps of SGD".
    public mutating func addParagraph(_ markdown: String) {
        blocks.append(.paragraph(markdown))
    }

    /// Adds a section listing the settings of the run, one bullet each. In `results.json` the
    /// settings of all such sections form one object, so keys should be distinct.
    public mutating func addSettings(_ settings: [(String, Cell)], heading: String = "Settings") {
        blocks.append(.settings(heading: heading, settings))
    }

    /// Adds a table under a bold title. The first table of the report is also `results.csv`.
    public mutating func addTable(_ table: Table, title: String? = nil) {
        blocks.append(.table(table, title: title))
    }

    /// Adds a plot, written as `fileName` (a plain name ending in `.svg`) into the run folder and
    /// shown in the report with the chart's title as its alternative text and an optional caption.
    public mutating func addPlot(_ chart: LineChart, fileName: String, caption: String? = nil) {
        requireNewFigureName(fileName)
        blocks.append(.plot(chart, fileName: fileName, caption: caption))
    }

    /// Adds histograms as small multiples, written as `fileName` like a plot (`addPlot`).
    public mutating func addPlot(_ grid: HistogramGrid, fileName: String, caption: String? = nil) {
        requireNewFigureName(fileName)
        blocks.append(.histograms(grid, fileName: fileName, caption: caption))
    }

    /// Traps unless `fileName` is a plain name ending in `.svg` that no other figure uses.
    private func requireNewFigureName(_ fileName: String) {
        require(
            fileName.hasSuffix(".svg") && !fileName.contains("/") && !fileName.hasPrefix("."),
            "Report.addPlot: file name \"\(fileName)\" must be a plain name ending in .svg"
        )
        require(
            !figureFiles.contains { $0.fileName == fileName },
            "Report.addPlot: file name \"\(fileName)\" is already used by another plot"
        )
    }

    /// Adds the section describing the machine, software and commit of the run.
    public mutating func addMachine(_ machine: MachineInfo) {
        blocks.append(.machine(machine))
    }

    /// The report as Markdown: `report.md`.
    public func markdown() -> String {
        var sections = ["# \(title)\n"]
        if let summary { sections.append(summary + "\n") }
        for block in blocks {
            switch block {
            case .heading(let text):
                sections.append("## \(text)\n")
            case .paragraph(let text):
                sections.append(text + "\n")
            case .settings(let heading, let settings):
                sections.append("## \(heading)\n\n" + settings.map { "- **\($0.0):** \($0.1.displayText)\n" }.joined())
            case .table(let table, let title):
                sections.append((title.map { "**\($0)**\n\n" } ?? "") + table.markdown())
            case .plot(let chart, let fileName, let caption):
                sections.append(figureMarkdown(title: chart.title, fileName: fileName, caption: caption))
            case .histograms(let grid, let fileName, let caption):
                sections.append(figureMarkdown(title: grid.title, fileName: fileName, caption: caption))
            case .machine(let machine):
                sections.append(machine.markdown())
            }
        }
        return sections.joined(separator: "\n")
    }

    /// The results as JSON: `results.json`. An object with the title, summary, settings, tables
    /// (rows keyed by column), the data of each plot (NaN and ±∞ as `null`), and the machine.
    public func json() -> String {
        var members: [(String, JSONValue)] = [("title", .string(title))]
        if let summary { members.append(("summary", .string(summary))) }
        let settings = blocks.flatMap { block -> [(String, Cell)] in
            if case .settings(_, let pairs) = block { return pairs }
            return []
        }
        members.append(("settings", .object(settings.map { ($0.0, $0.1.jsonValue) })))
        members.append(("tables", .array(tables.map { table, title in
            .object([("title", title.map(JSONValue.string) ?? .null), ("rows", table.jsonValue)])
        })))
        members.append(("plots", .array(plots.map { plot in
            .object([
                ("file", .string(plot.fileName)), ("title", .string(plot.chart.title)),
                ("x_label", .string(plot.chart.xAxis.label)), ("y_label", .string(plot.chart.yAxis.label)),
                ("series", .array(plot.chart.series.map { series in
                    .object([
                        ("name", .string(series.name)),
                        ("x", .array(series.x.map(JSONValue.number))),
                        ("y", .array(series.y.map(JSONValue.number))),
                    ])
                })),
            ])
        })))
        members.append(("histograms", .array(histogramGrids.map { figure in
            .object([
                ("file", .string(figure.fileName)), ("title", .string(figure.grid.title)), ("x_label", .string(figure.grid.xLabel)),
                ("rows", .array(figure.grid.rows.map { row in
                    .object([
                        ("label", .string(row.label)),
                        ("panels", .array(row.panels.map { panel in
                            .object([
                                ("title", .string(panel.title)), ("edges", .array(panel.histogram.edges.map(JSONValue.number))),
                                ("counts", .array(panel.histogram.counts.map(JSONValue.integer))),
                                ("below", .integer(panel.histogram.below)), ("above", .integer(panel.histogram.above)),
                                ("non_finite", .integer(panel.histogram.nonFinite)),
                            ])
                        })),
                    ])
                })),
            ])
        })))
        let machines = blocks.compactMap { block -> MachineInfo? in
            if case .machine(let machine) = block { return machine }
            return nil
        }
        if let machine = machines.last { members.append(("machine", machine.jsonValue)) }
        return JSONValue.object(members).rendered() + "\n"
    }

    /// The tables with their titles, in order.
    var tables: [(table: Table, title: String?)] {
        blocks.compactMap { block in
            if case .table(let table, let title) = block { return (table, title) }
            return nil
        }
    }

    /// The histogram grids with their file names, in order.
    var histogramGrids: [(grid: HistogramGrid, fileName: String)] {
        blocks.compactMap { block in
            if case .histograms(let grid, let fileName, _) = block { return (grid, fileName) }
            return nil
        }
    }

    /// Every figure's file name and SVG text, in order.
    var figureFiles: [(fileName: String, svg: () -> String)] {
        blocks.compactMap { block in
            switch block {
            case .plot(let chart, let fileName, _): (fileName, chart.svg)
            case .histograms(let grid, let fileName, _): (fileName, grid.svg)
            default: nil
            }
        }
    }

    /// A figure's image link and caption.
    private func figureMarkdown(title: String, fileName: String, caption: String?) -> String {
        "![\(title)](\(percentEncodedPath(fileName)))\n" + (caption.map { "\n*\($0)*\n" } ?? "")
    }

    /// The plots with their file names, in order.
    var plots: [(chart: LineChart, fileName: String)] {
        blocks.compactMap { block in
            if case .plot(let chart, let fileName, _) = block { return (chart, fileName) }
            return nil
        }
    }
}

/// `path` with the characters a Markdown link target cannot hold (spaces, parentheses) percent-encoded.
func percentEncodedPath(_ path: String) -> String {
    var allowed = CharacterSet.urlPathAllowed
    allowed.remove(charactersIn: "()")
    return path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
}
