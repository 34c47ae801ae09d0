import Testing
@testable import DLNN

@Suite struct OnlineConvexCounterexampleTests {
    /// Reddi et al. 2018, section 5: β₁ = 0.9, β₂ = 0.99, ε = 1e-8, η = 0.01, 10⁶ steps from x = 0.
    /// (About 2.5 s per optimizer in a debug build: one-element parameter, ~2.5 µs per step.)
    @Test func adamDriftsToTheWorstPointWhileAMSGradFindsTheOptimum() {
        let steps = 1_000_000
        let adam = OnlineConvexCounterexample.run(steps: steps, sampleInterval: 100_000) {
            Adam($0, learningRate: 0.01, betas: (0.9, 0.99), epsilon: 1e-8)
        }
        let amsgrad = OnlineConvexCounterexample.run(steps: steps, sampleInterval: 100_000) {
            AMSGrad($0, learningRate: 0.01, betas: (0.9, 0.99), epsilon: 1e-8)
        }
        #expect(adam.finalX > 0.9, "\(adam.trajectory)")
        #expect(amsgrad.finalX < -0.9, "\(amsgrad.trajectory)")
        #expect(amsgrad.averageRegret < adam.averageRegret)
        #expect(adam.trajectory.map(\.step) == Array(stride(from: 0, through: steps, by: 100_000)))
    }

    @Test func gradientsFollowThePeriodOf101() {
        #expect(OnlineConvexCounterexample.gradient(atStep: 1) == 1010)
        #expect(OnlineConvexCounterexample.gradient(atStep: 2) == -10)
        #expect(OnlineConvexCounterexample.gradient(atStep: 101) == -10)
        #expect(OnlineConvexCounterexample.gradient(atStep: 102) == 1010)
    }

    /// Three steps of SGD with η = 0.001 from 0: −1.01 (clamped to −1), −0.99, −0.98; the regret
    /// Σ g·(x + 1) over the points before each step is 1010·1 − 10·0 − 10·0.01 = 1009.9.
    @Test func projectsOntoTheIntervalAndAccumulatesRegret() {
        let run = OnlineConvexCounterexample.run(steps: 3, sampleInterval: 1) { SGD($0, learningRate: 0.001) }
        #expect(run.trajectory.map(\.x) == [0, -1, -0.99, -0.98])
        #expect(abs(run.averageRegret - 1009.9 / 3) < 1e-4)
    }
}
