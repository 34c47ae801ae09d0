import Testing
@testable import DLNN

@Suite struct SWATSTests {
    /// With a constant gradient g, Adam's m̂ = g and v̂ = g² exactly, so every Adam step is
    /// p = −η·g/(|g| + ε) and every projected rate is γ = pᵀp / (−pᵀg) = n·η / Σ|gᵢ| (ε aside):
    /// the bias-corrected average equals γ from the start, and SWATS switches at the first
    /// step the criterion allows, k = 2, with Λ = n·η / Σ|gᵢ|. Then it runs SGD with momentum
    /// v ← β₁·v + g, θ ← θ − (1 − β₁)·Λ·v.
    @Test func switchesWhenTheEstimatedRateSettlesThenRunsSGD() {
        let g: [Double] = [0.5, -2, 4]
        let eta = 0.01, beta1 = 0.9
        let parameter = Parameter(name: "theta", value: Tensor([1, 1, 1]))
        let optimizer = SWATS([parameter], learningRate: Float(eta), betas: (beta1, 0.999))
        var theta = [1.0, 1, 1]
        var velocity = [0.0, 0, 0]
        let rate = 3 * eta / g.map(abs).reduce(0, +)
        for k in 1...5 {
            parameter.gradient = Tensor(g.map(Float.init))
            optimizer.step()
            for i in theta.indices {
                if k <= 2 {
                    theta[i] -= eta * g[i] / (abs(g[i]) + 1e-9)
                } else {
                    velocity[i] = beta1 * velocity[i] + g[i]
                    theta[i] -= (1 - beta1) * rate * velocity[i]
                }
            }
            #expect(optimizer.switchStep == (k < 2 ? nil : 2))
            #expect(largestRelativeError([parameter.value.scalars.map(Double.init)], [theta]) < 1e-6)
        }
        #expect(abs(Double(optimizer.estimatedLearningRate!) - rate) < 1e-6 * rate)
    }

    /// After the switch the SGD rate follows the base rate in proportion: halving η halves the step.
    @Test func scheduleKeepsActingAfterTheSwitch() {
        let parameter = Parameter(name: "theta", value: Tensor([0]))
        let optimizer = SWATS([parameter], learningRate: 0.01)
        for _ in 0..<2 {
            parameter.gradient = Tensor([2])
            optimizer.step()
        }
        #expect(optimizer.switchStep == 2)
        let before = parameter.value.scalars[0]
        optimizer.learningRate = 0.005
        optimizer.step()
        // v = g = 2, Λ = η/|g| = 0.005, step = (1 − β₁)·Λ·(0.005/0.01)·v = 0.1 · 0.005 · 0.5 · 2.
        #expect(abs(Double(before - parameter.value.scalars[0]) - 0.0005) < 1e-8)
    }

    /// On a problem where the estimate does not settle within the tolerance, SWATS stays Adam.
    @Test func staysAdamWhileTheCriterionIsNotMet() {
        let a = Parameter(name: "theta", value: Tensor([-1, 1]))
        let b = Parameter(name: "theta", value: Tensor([-1, 1]))
        let swats = SWATS([a], learningRate: 0.02), adam = Adam([b], learningRate: 0.02, epsilon: 1e-9)
        for _ in 0..<200 {
            for (parameter, optimizer) in [(a, swats as any Optimizer), (b, adam)] {
                let theta = parameter.value.scalars
                parameter.gradient = Tensor([theta[0] - 3, 10 * (theta[1] + 2)])
                optimizer.step()
            }
        }
        #expect(swats.switchStep == nil && swats.estimatedLearningRate == nil)
        #expect(a.value == b.value)
    }
}
