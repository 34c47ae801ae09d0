import Testing
@testable import DLBenchKit

/// The statistics of the findings against SciPy 1.x (`scipy.stats.ttest_ind(a, b, equal_var=False)`,
/// `scipy.special.betainc`, `2 * scipy.stats.t.sf`).
@Suite struct StatisticsTests {
    @Test func summaryGivesMeanAndSampleStandardDeviation() {
        let summary = Summary([0.9712, 0.9705, 0.9731])
        #expect(summary.count == 3)
        #expect(abs(summary.mean - 0.971600) < 1e-12)
        #expect(abs(summary.standardDeviation - 0.0013453624047073467) < 1e-12)
        #expect(Summary([2]).standardDeviation == 0)
        #expect(Summary([]).mean.isNaN)
    }

    @Test func welchTestMatchesSciPy() {
        let accuracies = WelchTest(Summary([0.9712, 0.9705, 0.9731]), Summary([0.9650, 0.9688, 0.9671]))
        #expect(abs(accuracies.t - 3.4428729620956258) < 1e-9)
        #expect(abs(accuracies.pValue - 0.03098918021182484) < 1e-9)
        #expect(accuracies.isSignificant)
        let unequal = WelchTest(Summary([1, 2, 3, 4]), Summary([2.5, 3.5, 4.5, 5.5, 6.5, 7.5]))
        #expect(abs(unequal.t + 2.5) < 1e-12)
        #expect(abs(unequal.degreesOfFreedom - 7.941176470588235) < 1e-9)
        #expect(abs(unequal.pValue - 0.03714965699125097) < 1e-9)
    }

    @Test func welchTestEdgeCases() {
        #expect(WelchTest(Summary([0.9]), Summary([0.8, 0.85])).pValue.isNaN)
        #expect(WelchTest(Summary([0.9, 0.9]), Summary([0.9, 0.9])).pValue == 1)
        #expect(WelchTest(Summary([0.9, 0.9]), Summary([0.8, 0.8])).pValue == 0)
        #expect(!WelchTest(Summary([0.90, 0.95, 0.85]), Summary([0.91, 0.86, 0.93])).isSignificant)
    }

    @Test func incompleteBetaAndStudentTMatchSciPy() {
        #expect(abs(regularizedIncompleteBeta(0.3, a: 2.5, b: 0.5) - 0.018927124071945658) < 1e-12)
        #expect(abs(regularizedIncompleteBeta(0.9, a: 0.5, b: 3) - 0.9996750253207289) < 1e-12)
        #expect(abs(regularizedIncompleteBeta(0.35, a: 10, b: 20) - 0.5923866636639051) < 1e-12)
        #expect(regularizedIncompleteBeta(0, a: 2, b: 3) == 0 && regularizedIncompleteBeta(1, a: 2, b: 3) == 1)
        #expect(abs(studentTTwoSidedPValue(2, degreesOfFreedom: 5) - 0.10193947882985835) < 1e-12)
        #expect(abs(studentTTwoSidedPValue(-1, degreesOfFreedom: 1) - 0.5) < 1e-12)
        #expect(abs(studentTTwoSidedPValue(3.7, degreesOfFreedom: 2.5) - 0.04636956692187037) < 1e-12)
    }

    @Test func movingAverageStartsAtTheFirstValueWithoutAKink() {
        let smoothed = exponentialMovingAverage([10, 2, 2, 2], span: 3)
        #expect(smoothed[0] == 10)
        // α = 0.5: m = 5, 3.5, 2.75 divided by 1 − 0.5ᵗ = 0.5, 0.75, 0.875.
        #expect(abs(smoothed[1] - 3.5 / 0.75) < 1e-12 && abs(smoothed[2] - 2.75 / 0.875) < 1e-12)
        #expect(zip(smoothed, smoothed.dropFirst()).allSatisfy { $0 > $1 })
    }
}
