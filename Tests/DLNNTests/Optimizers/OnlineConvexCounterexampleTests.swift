import Testing
@testable import DLNN

@Suite struct OnlineConvexCounterexampleTests {
    /// Reddi et al. 2018, section 5: β₁ = 0.9, β₂ = 0.99, ε = 1e-8, η = 0.01, 10⁶ steps from x = 0.
    @Test func adamDriftsToTheWorstPointWhileAMSGradFindsTheOptimum() {
        let steps = 1_000_000
        let adam = OnlineConvexCounterexample.run(steps: steps, sampleInterval: 100_000) {
            Adam($0, learningRate: 0.01, betas: (0.9, 0.99), epsilon: 1e-8)
        }
        let amsgrad = OnlineConvexCounterexample.run(steps: steps, sampleInterval: 100_000) {
            AMSGrad($0, learningRate: 0.01, betas: (0.9, 0.99), epsilon: 1e-8)
        }
        print(adam.trajectory, adam.averageRegret)
        print(amsgrad.trajectory, amsgrad.averageRegret)
        #expect(adam.finalX > 0.9)
        #expect(amsgrad.finalX < -0.9)
        #expect(adam.trajectory.count == 11 && adam.trajectory.last!.step == steps)
        #expect(amsgrad.averageRegret < adam.averageRegret)
    }
}
