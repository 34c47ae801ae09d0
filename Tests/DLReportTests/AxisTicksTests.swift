import Testing
@testable import DLReport

@Suite struct AxisTicksTests {
    private func labels(_ ticks: AxisTicks) -> [String] { ticks.major.map(\.label) }

    @Test func niceStepsAreOneTwoOrFiveTimesAPowerOfTen() {
        #expect(AxisTicks.niceStep(0.18) == 0.2)
        #expect(AxisTicks.niceStep(375) == 500)
        #expect(AxisTicks.niceStep(0.8) == 1)
        #expect(AxisTicks.niceStep(1e-5) == 1e-5)
        #expect(AxisTicks.niceStep(6e5) == 1e6)
    }

    @Test func linearTicksCoverTheDataOnRoundValues() {
        let unit = AxisTicks.linear(covering: [0, 0.97])
        #expect(labels(unit) == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        #expect(unit.lower == 0 && unit.upper == 1)

        let accuracy = AxisTicks.linear(covering: [0.9, 0.99])
        #expect(labels(accuracy) == ["0.90", "0.92", "0.94", "0.96", "0.98", "1.00"])

        let steps = AxisTicks.linear(covering: [0, 1875])
        #expect(labels(steps) == ["0", "500", "1000", "1500", "2000"])

        let trajectory = AxisTicks.linear(covering: [-2.3, 1.7])
        #expect(labels(trajectory) == ["−3", "−2", "−1", "0", "1", "2"])
    }

    @Test func linearTicksUseScientificLabelsForHugeAndTinyValues() {
        #expect(labels(AxisTicks.linear(covering: [0, 3e6])) == ["0", "1e6", "2e6", "3e6"])
        #expect(labels(AxisTicks.linear(covering: [0, 5e-5])) == ["0", "1e−5", "2e−5", "3e−5", "4e−5", "5e−5"])
    }

    @Test func linearTicksOfDegenerateData() {
        let empty = AxisTicks.linear(covering: [])
        #expect(empty.lower == 0 && empty.upper == 1)
        let nonFinite = AxisTicks.linear(covering: [.nan, .infinity])
        #expect(nonFinite.lower == 0 && nonFinite.upper == 1)
        let zero = AxisTicks.linear(covering: [0, 0])
        #expect(zero.lower == -1 && zero.upper == 1)
        let single = AxisTicks.linear(covering: [5])
        #expect(single.lower < 5 && single.upper > 5)
        #expect(labels(single).contains("5.0"))
    }

    @Test func logarithmicTicksArePowersOfTenWithMinorGridLines() {
        let loss = AxisTicks.logarithmic(covering: [0.012, 2.3, .nan, 0, -1], base: 10)
        #expect(labels(loss) == ["0.01", "0.1", "1", "10"])
        #expect(loss.lower == 0.01 && loss.upper == 10)
        #expect(loss.minor.count == 3 * 8)
        #expect(loss.minor.contains { abs($0 - 0.05) < 1e-12 })
        #expect(abs(loss.fraction(of: 0.1)! - 1.0 / 3) < 1e-12)
        #expect(loss.fraction(of: 0) == nil && loss.fraction(of: -1) == nil)
    }

    @Test func logarithmicTicksWithinTwoDecadesAlsoLabelTwoAndFive() {
        #expect(labels(AxisTicks.logarithmic(covering: [0.2, 0.7], base: 10)) == ["0.1", "0.2", "0.5", "1"])
        #expect(labels(AxisTicks.logarithmic(covering: [1, 10], base: 10)) == ["1", "2", "5", "10"])
    }

    @Test func logarithmicTicksOverManyDecadesThinOutAndUseSuperscripts() {
        let wide = AxisTicks.logarithmic(covering: [1e-12, 1], base: 10)
        #expect(labels(wide) == ["10⁻¹²", "10⁻¹⁰", "10⁻⁸", "10⁻⁶", "10⁻⁴", "10⁻²", "10⁰"])
        #expect(wide.minor.count == 6, "odd powers keep a grid line")
    }

    @Test func logarithmicBaseTwoTicksForBatchSizes() {
        let batch = AxisTicks.logarithmic(covering: [32, 64, 128, 256, 512, 1024], base: 2)
        #expect(labels(batch) == ["32", "64", "128", "256", "512", "1024"])
        #expect(batch.minor.isEmpty)
        #expect(abs(batch.fraction(of: 128)! - 0.4) < 1e-12)
    }

    @Test func logarithmicTicksOfDegenerateData() {
        let empty = AxisTicks.logarithmic(covering: [-3, 0], base: 10)
        #expect(empty.lower == 1 && empty.upper == 10)
        let power = AxisTicks.logarithmic(covering: [100, 100], base: 10)
        #expect(power.lower == 10 && power.upper == 1000)
    }

    @Test func categoricalTicksSitAtIndices() {
        let ticks = AxisTicks.categorical(["1/4", "1/8", "1/16"])
        #expect(ticks.major == [.init(value: 0, label: "1/4"), .init(value: 1, label: "1/8"), .init(value: 2, label: "1/16")])
        #expect(ticks.fraction(of: 0) == 1.0 / 6)
    }
}
