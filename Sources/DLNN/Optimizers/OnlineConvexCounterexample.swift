/// The online convex problem on which Adam fails to converge (Reddi, Kale and Kumar 2018, section 5).
///
/// On x ∈ [−1, 1] the loss at step t = 1, 2, 3, … is linear:
///
///     fₜ(x) = 1010·x   when t mod 101 = 1
///     fₜ(x) = −10·x    otherwise
///
/// Over each period of 101 steps the gradients sum to 1010 − 100·10 = 10 > 0, so the best fixed
/// point is x = −1. Adam's second moment forgets the rare gradient 1010 within a few hundred
/// steps (β₂ = 0.99), so between two large gradients its steps on −10 grow back and outweigh the
/// one large step: Adam drifts to the worst point x = +1. AMSGrad's maximum remembers it, its
/// steps on −10 stay small, and it heads to −1. After each update x is projected back onto
/// [−1, 1] (clamped).
public enum OnlineConvexCounterexample {
    /// The trajectory of one run.
    public struct Run: Sendable {
        /// (t, x after step t), every `sampleInterval` steps, starting with (0, x₀).
        public var trajectory: [(step: Int, x: Float)]
        /// x after the last step.
        public var finalX: Float
        /// The average regret (1/T)·Σₜ (fₜ(xₜ) − fₜ(−1)), where xₜ is the point before step t;
        /// it tends to 0 when the method converges to the optimum.
        public var averageRegret: Double
    }

    /// The gradient of fₜ (the same at every x): 1010 when t mod 101 = 1, else −10.
    public static func gradient(atStep t: Int) -> Float {
        t % 101 == 1 ? 1010 : -10
    }

    /// Runs `steps` steps of the optimizer `makeOptimizer` builds for the one-element parameter x,
    /// starting from x = `start`, and samples the trajectory every `sampleInterval` steps.
    ///
    /// ```swift
    /// let adam = OnlineConvexCounterexample.run(steps: 1_000_000) {
    ///     Adam($0, learningRate: 0.01, betas: (0.9, 0.99))
    /// }
    /// ```
    public static func run(
        steps: Int, start: Float = 0, sampleInterval: Int = 1000,
        makeOptimizer: ([Parameter]) -> any Optimizer
    ) -> Run {
        require(steps >= 0 && sampleInterval > 0, "OnlineConvexCounterexample: steps \(steps) must be non-negative and sampleInterval \(sampleInterval) positive")
        require((-1...1).contains(start), "OnlineConvexCounterexample: start \(start) must lie in [-1, 1]")
        let x = Parameter(name: "x", value: Tensor([start]))
        let optimizer = makeOptimizer([x])
        var trajectory = [(step: 0, x: start)]
        var regret = 0.0
        for t in stride(from: 1, through: steps, by: 1) {
            let g = gradient(atStep: t)
            // fₜ(x) − fₜ(−1) = g·(x + 1) for a linear fₜ.
            regret += Double(g) * (Double(x.value.scalars[0]) + 1)
            x.withUnsafeMutableGradient { $0[0] = g }
            optimizer.step()
            x.withUnsafeMutableValue { $0[0] = min(max($0[0], -1), 1) }
            if t % sampleInterval == 0 { trajectory.append((step: t, x: x.value.scalars[0])) }
        }
        return Run(trajectory: trajectory, finalX: x.value.scalars[0], averageRegret: steps > 0 ? regret / Double(steps) : 0)
    }
}
