import Foundation
@testable import DLNN

/// The tiny problem on which the first updates are checked: f(θ) = ½·Σ aᵢθᵢ² + Σ bᵢθᵢ, so g = a·θ + b
/// depends on θ and every step sees a new gradient.
enum TinyProblem {
    static let start: [Double] = [1.0, -2.0, 0.5]
    static let a: [Double] = [1, 3, 0.5]
    static let b: [Double] = [0.2, -0.1, 0.3]

    static func gradient(_ theta: [Double]) -> [Double] {
        theta.indices.map { a[$0] * theta[$0] + b[$0] }
    }
}

/// A hand-written update rule in Double: given θ, g and the update count t (from 1), updates θ.
protocol ReferenceRule {
    mutating func update(_ theta: inout [Double], gradient g: [Double], step t: Int)
}

/// Runs `steps` updates of `optimizer` (built over one parameter holding TinyProblem.start) and of
/// `reference`, returning θ after each update for both.
func firstUpdates(
    steps: Int = 3, optimizer makeOptimizer: ([Parameter]) -> any Optimizer, reference: some ReferenceRule
) -> (actual: [[Double]], expected: [[Double]]) {
    var reference = reference
    let parameter = Parameter(name: "theta", value: Tensor(TinyProblem.start.map(Float.init)))
    let optimizer = makeOptimizer([parameter])
    var theta = TinyProblem.start
    var actual: [[Double]] = [], expected: [[Double]] = []
    for t in 1...steps {
        let current = parameter.value.scalars.map(Double.init)
        parameter.gradient = Tensor(TinyProblem.gradient(current).map(Float.init))
        optimizer.step()
        actual.append(parameter.value.scalars.map(Double.init))
        // The reference follows its own trajectory, in Double, from the same start.
        reference.update(&theta, gradient: TinyProblem.gradient(theta), step: t)
        expected.append(theta)
    }
    return (actual, expected)
}

/// The largest relative difference between corresponding elements, relative to max(1e-3, |expected|).
func largestRelativeError(_ actual: [[Double]], _ expected: [[Double]]) -> Double {
    zip(actual.joined(), expected.joined()).map { abs($0 - $1) / max(1e-3, abs($1)) }.max() ?? 0
}

// MARK: Reference rules, written from the formulas in the doc comments.

struct ReferenceSGD: ReferenceRule {
    var learningRate: Double
    var momentum = 0.0
    var nesterov = false
    var weightDecay = 0.0
    var velocity = [Double](repeating: 0, count: 3)

    mutating func update(_ theta: inout [Double], gradient: [Double], step t: Int) {
        for i in theta.indices {
            let g = gradient[i] + weightDecay * theta[i]
            if momentum == 0 {
                theta[i] -= learningRate * g
                continue
            }
            velocity[i] = momentum * velocity[i] + g
            theta[i] -= learningRate * (nesterov ? g + momentum * velocity[i] : velocity[i])
        }
    }
}

struct ReferenceAdaGrad: ReferenceRule {
    var learningRate = 0.01, epsilon = 1e-10
    var sum = [Double](repeating: 0, count: 3)

    mutating func update(_ theta: inout [Double], gradient g: [Double], step t: Int) {
        for i in theta.indices {
            sum[i] += g[i] * g[i]
            theta[i] -= learningRate * g[i] / (sum[i].squareRoot() + epsilon)
        }
    }
}

struct ReferenceRMSProp: ReferenceRule {
    var learningRate = 0.01, rho = 0.99, epsilon = 1e-8, momentum = 0.0, centered = false
    var square = [Double](repeating: 0, count: 3)
    var average = [Double](repeating: 0, count: 3)
    var buffer = [Double](repeating: 0, count: 3)

    mutating func update(_ theta: inout [Double], gradient g: [Double], step t: Int) {
        for i in theta.indices {
            square[i] = rho * square[i] + (1 - rho) * g[i] * g[i]
            average[i] = rho * average[i] + (1 - rho) * g[i]
            let denominator = (centered ? square[i] - average[i] * average[i] : square[i]).squareRoot() + epsilon
            if momentum > 0 {
                buffer[i] = momentum * buffer[i] + g[i] / denominator
                theta[i] -= learningRate * buffer[i]
            } else {
                theta[i] -= learningRate * g[i] / denominator
            }
        }
    }
}

struct ReferenceAdadelta: ReferenceRule {
    var learningRate = 1.0, rho = 0.95, epsilon = 1e-6
    var squareAverage = [Double](repeating: 0, count: 3)
    var deltaAverage = [Double](repeating: 0, count: 3)

    mutating func update(_ theta: inout [Double], gradient g: [Double], step t: Int) {
        for i in theta.indices {
            squareAverage[i] = rho * squareAverage[i] + (1 - rho) * g[i] * g[i]
            let delta = -((deltaAverage[i] + epsilon).squareRoot() / (squareAverage[i] + epsilon).squareRoot()) * g[i]
            deltaAverage[i] = rho * deltaAverage[i] + (1 - rho) * delta * delta
            theta[i] += learningRate * delta
        }
    }
}

/// Adam, AMSGrad (`amsgrad`), AdamW (`decoupledWeightDecay`) and Adam without bias correction.
struct ReferenceAdam: ReferenceRule {
    var learningRate = 1e-3, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8
    var biasCorrection = true, amsgrad = false, decoupledWeightDecay = 0.0
    var m = [Double](repeating: 0, count: 3)
    var v = [Double](repeating: 0, count: 3)
    var vMax = [Double](repeating: 0, count: 3)

    mutating func update(_ theta: inout [Double], gradient g: [Double], step t: Int) {
        for i in theta.indices {
            theta[i] -= learningRate * decoupledWeightDecay * theta[i]
            m[i] = beta1 * m[i] + (1 - beta1) * g[i]
            v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
            vMax[i] = max(vMax[i], v[i])
            let second = amsgrad ? vMax[i] : v[i]
            let mHat = biasCorrection ? m[i] / (1 - pow(beta1, Double(t))) : m[i]
            let vHat = biasCorrection ? second / (1 - pow(beta2, Double(t))) : second
            theta[i] -= learningRate * mHat / (vHat.squareRoot() + epsilon)
        }
    }
}

/// PyTorch's NAdam: μₜ = β₁(1 − ½·0.96^(tψ)).
struct ReferenceNadam: ReferenceRule {
    var learningRate = 2e-3, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8, momentumDecay = 4e-3
    var m = [Double](repeating: 0, count: 3)
    var v = [Double](repeating: 0, count: 3)
    var product = 1.0

    func mu(_ t: Int) -> Double { beta1 * (1 - 0.5 * pow(0.96, Double(t) * momentumDecay)) }

    mutating func update(_ theta: inout [Double], gradient g: [Double], step t: Int) {
        product *= mu(t)
        for i in theta.indices {
            m[i] = beta1 * m[i] + (1 - beta1) * g[i]
            v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
            let mHat = mu(t + 1) * m[i] / (1 - product * mu(t + 1)) + (1 - mu(t)) * g[i] / (1 - product)
            let vHat = v[i] / (1 - pow(beta2, Double(t)))
            theta[i] -= learningRate * mHat / (vHat.squareRoot() + epsilon)
        }
    }
}
