import Foundation
import Testing
@testable import DLReport

@Suite struct HistogramTests {
    @Test func binsAreHalfOpenAndTheLastHoldsTheUpperEnd() {
        // Four bins of width 0.5 over [−1, 1]: [−1, −0.5), [−0.5, 0), [0, 0.5), [0.5, 1].
        let histogram = Histogram([-1, -0.5, 0, 0.49, 0.5, 1, 1.5, -3, .nan, .infinity] as [Double], binCount: 4, range: -1...1)
        #expect(histogram.counts == [1, 1, 2, 2])
        #expect(histogram.below == 1 && histogram.above == 1 && histogram.nonFinite == 2)
        #expect(histogram.total == 10)
        #expect(histogram.edges == [-1, -0.5, 0, 0.5, 1])
        #expect(histogram.binWidth == 0.5)
    }

    @Test func valuesJustBelowTheUpperEndStayInTheLastBin() {
        // (0.3 − 0) / 0.1 rounds to 2.9999999999999996 and 0.99999994 to bin 9 of 10.
        let histogram = Histogram([Float(0.99999994), 0.3], binCount: 10, range: 0...1)
        #expect(histogram.counts[9] == 1 && histogram.counts[2] + histogram.counts[3] == 1)
        #expect(histogram.bin(of: 1) == 9 && histogram.bin(of: 0) == 0 && histogram.bin(of: 1.0000001) == nil)
    }

    @Test func gridDrawsOneBarPerNonEmptyBinAndSaysWhenAPanelIsEmpty() {
        let full = Histogram([0.1, 0.1, 0.9] as [Double], binCount: 5, range: 0...1)
        let empty = Histogram([5] as [Double], binCount: 5, range: 0...1)
        let grid = HistogramGrid(title: "Activations <init>", xLabel: "a", rows: [
            .init(label: "He", panels: [.init(title: "layer 1", histogram: full, note: "σ 0.4"), .init(title: "layer 2", histogram: empty)]),
        ])
        let svg = grid.svg()
        #expect(svg.contains("<title>Activations &lt;init&gt;</title>"))
        let bars = svg.components(separatedBy: "<g class=\"bars\"")[1].components(separatedBy: "</g>")[0]
        #expect(bars.components(separatedBy: "<rect").count - 1 == 2)
        // The tallest bar (two values) fills the 60-unit panel, the other is half as tall.
        #expect(bars.contains(#"height="60""#) && bars.contains(#"height="30""#))
        #expect(svg.contains("no values in range") && svg.contains("layer 2") && svg.contains("σ 0.4"))
    }

    @Test func reportsWriteHistogramGridsAndTheirCounts() throws {
        var report = Report(title: "t")
        let grid = HistogramGrid(title: "g", xLabel: "a", rows: [.init(label: "r", panels: [.init(title: "p", histogram: Histogram([0.5] as [Double], binCount: 2, range: 0...1))])])
        report.addPlot(grid, fileName: "grid.svg", caption: "small multiples")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("histogram-report-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = try report.write(to: directory).map(\.lastPathComponent)
        #expect(files.contains("grid.svg"))
        #expect(report.markdown().contains("![g](grid.svg)") && report.markdown().contains("*small multiples*"))
        #expect(report.json().contains(#""counts":[0,1]"#) || report.json().contains(#""counts": [0, 1]"#))
    }
}
