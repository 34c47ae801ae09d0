import Testing
@testable import DLNN

/// Every optimizer, with a sensible rate, drives a convex quadratic and the Rosenbrock function to their minima.
@Suite struct OptimizerConvergenceTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let steps: Int
        let make: @Sendable ([Parameter]) -> any Optimizer
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "SGD", steps: 20_000) { SGD($0, learningRate: 1e-3) },
        Case(name: "SGD heavy ball", steps: 5000) { SGD($0, learningRate: 1e-3, momentum: 0.9) },
        Case(name: "SGD Nesterov", steps: 5000) { SGD($0, learningRate: 1e-3, momentum: 0.9, nesterov: true) },
        Case(name: "AdaGrad", steps: 10_000) { AdaGrad($0, learningRate: 0.5) },
        Case(name: "RMSProp", steps: 10_000) { RMSProp($0, learningRate: 1e-3) },
        Case(name: "RMSProp centered with momentum", steps: 5000) {
            RMSProp($0, learningRate: 1e-3, momentum: 0.5, centered: true)
        },
        Case(name: "Adadelta", steps: 50_000) { Adadelta($0, learningRate: 0.02) },
        Case(name: "Adam", steps: 5000) { Adam($0, learningRate: 0.02) },
        Case(name: "Adam without bias correction", steps: 5000) { Adam($0, learningRate: 0.02, biasCorrection: false) },
        Case(name: "AMSGrad", steps: 10_000) { AMSGrad($0, learningRate: 0.02) },
        Case(name: "AdamW", steps: 5000) { AdamW($0, learningRate: 0.02, weightDecay: 0) },
        Case(name: "Nadam", steps: 10_000) { Nadam($0, learningRate: 0.02) },
        Case(name: "SWATS", steps: 5000) { SWATS($0, learningRate: 0.02) },
    ]

    /// Runs `steps` updates from `start` with the gradient computed in Double at the current θ.
    private func minimize(_ testCase: Case, from start: [Double], gradient: ([Double]) -> [Double]) -> [Double] {
        let parameter = Parameter(name: "theta", value: Tensor(start.map(Float.init)))
        let optimizer = testCase.make([parameter])
        for _ in 0..<testCase.steps {
            parameter.gradient = Tensor(gradient(parameter.value.scalars.map(Double.init)).map(Float.init))
            optimizer.step()
        }
        return parameter.value.scalars.map(Double.init)
    }

    private func distance(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
    }

    /// f(θ) = ½·(θ₀ − 3)² + 5·(θ₁ + 2)², condition number 10, minimum at (3, −2).
    @Test(arguments: cases)
    func convexQuadratic(_ testCase: Case) {
        let theta = minimize(testCase, from: [-1, 1]) { [$0[0] - 3, 10 * ($0[1] + 2)] }
        #expect(distance(theta, [3, -2]) < 1e-3, "\(theta)")
    }

    /// f(x, y) = (1 − x)² + 100·(y − x²)² from the classic start (−1.2, 1); minimum at (1, 1)
    /// at the end of a long curved valley.
    @Test(arguments: cases)
    func rosenbrock(_ testCase: Case) {
        let theta = minimize(testCase, from: [-1.2, 1]) { p in
            let (x, y) = (p[0], p[1])
            return [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)]
        }
        #expect(distance(theta, [1, 1]) < 0.01, "\(theta)")
    }
}
