import Testing
@testable import DLReport

@Suite struct ProgressTests {
    @Test func durations() {
        #expect(ProgressFormat.duration(0) == "0:00")
        #expect(ProgressFormat.duration(42.9) == "0:42")
        #expect(ProgressFormat.duration(60) == "1:00")
        #expect(ProgressFormat.duration(725) == "12:05")
        #expect(ProgressFormat.duration(3723) == "1:02:03")
        #expect(ProgressFormat.duration(.nan) == "--:--")
        #expect(ProgressFormat.duration(.infinity) == "--:--")
        #expect(ProgressFormat.duration(-1) == "--:--")
    }

    @Test func rates() {
        #expect(ProgressFormat.rate(5123, unit: "img") == "5.12k img/s")
        #expect(ProgressFormat.rate(45.61, unit: "it") == "45.6 it/s")
        #expect(ProgressFormat.rate(999.4, unit: "it") == "999 it/s")
        #expect(ProgressFormat.rate(999.6, unit: "it") == "1.00k it/s")
        #expect(ProgressFormat.rate(2_500_000, unit: "flop") == "2.50M flop/s")
        #expect(ProgressFormat.rate(0.4, unit: "epoch") == "2.50 s/epoch")
        #expect(ProgressFormat.rate(0, unit: "it") == "-- it/s")
        #expect(ProgressFormat.rate(.nan, unit: "it") == "-- it/s")
    }

    @Test func metricsAndRemainingTime() {
        #expect(ProgressFormat.metric(0.231449) == "0.2314")
        #expect(ProgressFormat.metric(0.001) == "0.001")
        #expect(ProgressFormat.metric(97.1234) == "97.12")
        #expect(ProgressFormat.metric(.nan) == "nan")
        #expect(ProgressFormat.remainingSeconds(completed: 25, total: 100, elapsed: 10) == 30)
        #expect(ProgressFormat.remainingSeconds(completed: 0, total: 100, elapsed: 10).isNaN)
    }

    @Test func lineWithAndWithoutTotal() {
        let line = ProgressFormat.line(
            label: "epoch 3/10", completed: 12800, total: 60000, unit: "img",
            metrics: [("loss", 0.23141), ("acc", 0.93119)], elapsed: 2.5, isFinished: false
        )
        #expect(line == "epoch 3/10  12800/60000 img (21%)  loss=0.2314 acc=0.9312  5.12k img/s  0:02 elapsed  ETA 0:09")
        let open = ProgressFormat.line(
            label: "warm-up", completed: 30, total: nil, unit: "step", metrics: [], elapsed: 3, isFinished: false
        )
        #expect(open == "warm-up  30 step  10.0 step/s  0:03 elapsed")
        let done = ProgressFormat.line(
            label: "train", completed: 100, total: 100, unit: "it", metrics: [], elapsed: 4, isFinished: true
        )
        #expect(done == "train  100/100 it (100%)  25.0 it/s  0:04 elapsed")
    }

    /// A reporter driven by a hand-set clock, collecting what it writes.
    private final class Harness {
        var now = 0.0
        var written: [String] = []
        func reporter(_ mode: ProgressReporter.Mode, columns: Int? = nil) -> ProgressReporter {
            ProgressReporter(
                label: "run", total: 10, unit: "it", mode: mode, interval: 5,
                clock: { [unowned self] in now }, output: { [unowned self] in written.append($0) }, columns: columns
            )
        }
    }

    @Test func periodicModePrintsAtMostEveryIntervalAndAtTheEnd() {
        let harness = Harness()
        let reporter = harness.reporter(.periodic)
        for step in 1...8 {
            harness.now = Double(step)
            reporter.update(completed: step, metrics: [("loss", 1 / Double(step))])
        }
        #expect(harness.written == ["run  5/10 it (50%)  loss=0.2  1.00 it/s  0:05 elapsed  ETA 0:05\n"])
        harness.now = 10
        reporter.finish(completed: 10)
        reporter.finish()
        #expect(harness.written.count == 2)
        #expect(harness.written.last == "run  10/10 it (100%)  1.00 it/s  0:10 elapsed\n")
    }

    @Test func interactiveModeRedrawsOneLineInPlace() {
        let harness = Harness()
        let reporter = harness.reporter(.interactive, columns: 20)
        harness.now = 0.05
        reporter.update(completed: 1)
        harness.now = 1
        reporter.update(completed: 2)
        reporter.finish()
        #expect(harness.written == ["\rrun  2/10 it (20%) \u{1B}[K", "\rrun  2/10 it (20%) \u{1B}[K\n"])
    }

    @Test func quietModeWritesNothing() {
        let harness = Harness()
        let reporter = harness.reporter(.quiet)
        harness.now = 100
        reporter.update(completed: 5)
        reporter.finish()
        #expect(harness.written.isEmpty)
    }
}
