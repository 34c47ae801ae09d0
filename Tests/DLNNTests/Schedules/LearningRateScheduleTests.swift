import Testing
@testable import DLNN

/// Every schedule's values at chosen steps, worked out by hand.
@Suite struct LearningRateScheduleTests {
    private func expectRates(
        _ schedule: some LearningRateSchedule, _ expected: [Int: Double], sourceLocation: SourceLocation = #_sourceLocation
    ) {
        for (step, rate) in expected.sorted(by: { $0.key < $1.key }) {
            let actual = Double(schedule.learningRate(at: step))
            #expect(abs(actual - rate) <= 1e-6 * max(abs(rate), 1e-3), "step \(step): \(actual) ≠ \(rate)", sourceLocation: sourceLocation)
        }
    }

    @Test func constant() {
        expectRates(ConstantLearningRate(0.1), [0: 0.1, 1000: 0.1])
    }

    @Test func stepDecay() {
        // ×0.5 every 3 epochs of 10 steps: epoch 2 (step 29) still 0.1, epoch 3 (step 30) 0.05, epoch 7 0.025.
        expectRates(
            StepDecay(initialRate: 0.1, factor: 0.5, everyEpochs: 3, stepsPerEpoch: 10),
            [0: 0.1, 29: 0.1, 30: 0.05, 59: 0.05, 60: 0.025, 79: 0.025, 90: 0.0125]
        )
    }

    @Test func multiStepDecay() {
        expectRates(
            MultiStepDecay(initialRate: 0.1, factor: 0.1, milestones: [30, 80]),
            [0: 0.1, 29: 0.1, 30: 0.01, 79: 0.01, 80: 0.001, 500: 0.001]
        )
    }

    @Test func exponentialDecay() {
        // 0.1·0.9³ = 0.0729; 0.1·0.9¹⁰ = 0.034867844.
        expectRates(ExponentialDecay(initialRate: 0.1, factor: 0.9), [0: 0.1, 1: 0.09, 3: 0.0729, 10: 0.0348678440])
    }

    @Test func naturalExponentialDecay() {
        // 0.1·e^(−0.5·2) = 0.1/e = 0.036787944; 0.1·e^(−0.5·4) = 0.013533528.
        expectRates(NaturalExponentialDecay(initialRate: 0.1, decayRate: 0.5), [0: 0.1, 2: 0.0367879441, 4: 0.0135335283])
    }

    @Test func inverseTimeDecay() {
        // 0.1/(1 + 0.5·t): t = 2 → 0.05, t = 6 → 0.025.
        expectRates(InverseTimeDecay(initialRate: 0.1, decayRate: 0.5), [0: 0.1, 2: 0.05, 6: 0.025])
    }

    @Test func inverseSquareRootDecay() {
        // 0.1·√(4/max(t, 4)): constant to t = 4, then 0.1·√(4/16) = 0.05 at 16, 0.1·√(4/100) = 0.02 at 100.
        expectRates(InverseSquareRootDecay(initialRate: 0.1, timescale: 4), [0: 0.1, 3: 0.1, 4: 0.1, 16: 0.05, 100: 0.02])
        expectRates(InverseSquareRootDecay(initialRate: 1), [0: 1, 1: 1, 4: 0.5, 25: 0.2])
    }

    @Test func linearDecay() {
        expectRates(LinearDecay(initialRate: 0.1, totalSteps: 10), [0: 0.1, 1: 0.09, 5: 0.05, 10: 0, 20: 0])
    }

    @Test func polynomialDecay() {
        // (0.1 − 0.01)·(1 − t/10)² + 0.01: t = 5 → 0.09·0.25 + 0.01 = 0.0325; t = 8 → 0.09·0.04 + 0.01 = 0.0136.
        expectRates(
            PolynomialDecay(initialRate: 0.1, finalRate: 0.01, totalSteps: 10, power: 2),
            [0: 0.1, 5: 0.0325, 8: 0.0136, 10: 0.01, 15: 0.01]
        )
    }

    @Test func cosineAnnealing() {
        // ½·0.1·(1 + cos(πt/100)): t = 25 → 0.05·(1 + √2/2) = 0.085355339; t = 50 → 0.05; t = 75 → 0.014644661.
        expectRates(
            CosineAnnealing(initialRate: 0.1, totalSteps: 100),
            [0: 0.1, 25: 0.0853553391, 50: 0.05, 75: 0.0146446609, 100: 0, 150: 0]
        )
        // With η_min = 0.01: 0.01 + 0.045·(1 + cos(π/2)) = 0.055 at the midpoint.
        expectRates(CosineAnnealing(initialRate: 0.1, minimumRate: 0.01, totalSteps: 100), [50: 0.055, 100: 0.01])
    }

    @Test func cosineAnnealingWithWarmRestarts() {
        // Periods 10, 20, 40 starting at steps 0, 10, 30, 70.
        expectRates(
            CosineAnnealingWarmRestarts(initialRate: 0.1, firstPeriod: 10, periodMultiplier: 2),
            [0: 0.1, 5: 0.05, 10: 0.1, 20: 0.05, 25: 0.0146446609, 30: 0.1, 50: 0.05, 70: 0.1]
        )
        expectRates(
            CosineAnnealingWarmRestarts(initialRate: 0.1, firstPeriod: 10),
            [0: 0.1, 5: 0.05, 9: 0.0024471742, 10: 0.1, 25: 0.05]
        )
    }

    @Test func cyclicTriangular() {
        // Up from 0.001 to 0.006 over 5 steps, down over 5: +0.001 per step.
        expectRates(
            CyclicLearningRate(minimumRate: 0.001, maximumRate: 0.006, halfCycle: 5),
            [0: 0.001, 2: 0.003, 5: 0.006, 7: 0.004, 10: 0.001, 13: 0.004, 15: 0.006]
        )
    }

    @Test func oneCycle() {
        // T = 100, peak at step 0.3·100 − 1 = 29, start 1/25 = 0.04, end 0.04/10⁴ = 4e-6.
        // The peak at step 29; the fall lasts 70 steps (29 → 99), so step 64 is its middle:
        // 4e-6 + ½(1 − 4e-6) = 0.500002.
        let schedule = OneCycle(maximumRate: 1, totalSteps: 100)
        expectRates(schedule, [0: 0.04, 29: 1, 64: 0.500002, 99: 4e-6, 120: 4e-6])
        // Rise at step 10 (cosine): 1 + ½(0.04 − 1)(1 + cos(π·10/29)) = 1 − 0.48·1.46924177 = 0.29516395.
        expectRates(schedule, [10: 0.2951639485])
        expectRates(OneCycle(maximumRate: 1, totalSteps: 100, annealing: .linear), [0: 0.04, 10: 0.04 + 0.96 * 10 / 29, 64: 0.500002])
    }

    @Test func warmupInFrontOfAnySchedule() {
        // Ramp 0.1·(t+1)/5 for t < 4, then the cosine from its own step 0.
        let schedule = CosineAnnealing(initialRate: 0.1, totalSteps: 100).withWarmup(steps: 4)
        expectRates(schedule, [0: 0.02, 1: 0.04, 3: 0.08, 4: 0.1, 54: 0.05, 104: 0])
        expectRates(Warmup(steps: 0, then: ConstantLearningRate(0.3)), [0: 0.3])
    }

    @Test func reduceOnPlateauInMinimizeMode() {
        let plateau = ReduceLearningRateOnPlateau(initialRate: 0.1, factor: 0.5, patience: 2, cooldown: 1)
        // Improves, then three bad evaluations: the third exceeds patience 2 and halves the rate.
        #expect(plateau.record(metric: 1.0) == 0.1)
        #expect(plateau.record(metric: 0.9) == 0.1)
        #expect(plateau.record(metric: 0.95) == 0.1)
        // 0.89991 is not below 0.9·(1 − 1e-4) = 0.89991: not an improvement.
        #expect(plateau.record(metric: 0.89991) == 0.1)
        #expect(plateau.record(metric: 0.92) == 0.05)
        // Cooldown: this bad evaluation is not counted; then three more are needed.
        #expect(plateau.record(metric: 0.93) == 0.05)
        #expect(plateau.record(metric: 0.93) == 0.05)
        #expect(plateau.record(metric: 0.93) == 0.05)
        #expect(plateau.record(metric: 0.93) == 0.025)
        #expect(plateau.learningRate(at: 12345) == 0.025)
        #expect(plateau.state == .init(learningRate: 0.025, best: 0.9, badEvaluations: 0, cooldownRemaining: 1))
    }

    @Test func reduceOnPlateauInMaximizeModeWithAbsoluteThresholdAndFloor() {
        let plateau = ReduceLearningRateOnPlateau(
            initialRate: 0.1, mode: .maximize, factor: 0.1, patience: 0, threshold: 0.01,
            thresholdMode: .absolute, minimumRate: 0.005
        )
        #expect(plateau.record(metric: 0.80) == 0.1)
        #expect(plateau.record(metric: 0.82) == 0.1)
        // 0.825 is not above 0.82 + 0.01: bad, and patience 0 reduces at once.
        #expect(plateau.record(metric: 0.825) == Float(0.1) * 0.1)
        // The floor: 0.001 would be below 0.005.
        #expect(plateau.record(metric: 0.5) == 0.005)
        #expect(plateau.record(metric: 0.5) == 0.005)
    }
}
