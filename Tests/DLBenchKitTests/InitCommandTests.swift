import DLNN
import Foundation
import Testing
@testable import DLBenchKit

@Suite("dlbench init")
struct InitCommandTests {
    /// Standard-normal inputs [N, F] and arbitrary labels of 10 classes.
    static func standardizedBatch(samples: Int = 256, features: Int = 784, seed: UInt64 = 5) -> (Tensor, [Int]) {
        var generator = SeededGenerator(seed: seed)
        return (Tensor.randomNormal(TensorShape(samples, features), using: &generator), (0..<samples).map { $0 % 10 })
    }

    static func profile(_ activation: PlainActivation, _ scheme: InitializationScheme, depth: Int, width: Int) -> InitializationProfile {
        let (images, labels) = standardizedBatch()
        let model = plainMLP(inputSize: 784, classCount: 10, depth: depth, width: width, activation: activation, scheme: scheme, seed: 3)
        return InitializationProfile(model: model, activation: activation, scheme: scheme, images: images, labels: labels)
    }

    @Test("a linear layer on standardized input has variance fan_in·σ²")
    func linearLayerVariance() {
        var generator = SeededGenerator(seed: 7)
        let layer = Dense(inputSize: 500, outputSize: 400, weightInitializer: .normal(standardDeviation: 0.1), generator: &generator)
        let (input, _) = Self.standardizedBatch(samples: 300, features: 500)
        let output = layer.forward(input)
        let (mean, deviation) = moments(output.withUnsafeBufferPointer { Array($0) })
        // Var y = fan_in · σ² · Var x = 500 · 0.01 · 1 = 5.
        #expect(abs(deviation * deviation / 5 - 1) < 0.05)
        #expect(abs(mean) < 0.05)
    }

    @Test("small weights shrink tanh activations by σ·√width per layer; He keeps ReLU's scale")
    func profilesFollowTheVarianceFormulas() {
        let small = Self.profile(.tanh, .small, depth: 4, width: 256)
        #expect(small.layers.map(\.layer) == [1, 2, 3, 4])
        // In tanh's linear region σ_l = σ_{l−1} · 0.01 · √256 = 0.16 σ_{l−1}; σ_1 = 0.01 · √784 = 0.28.
        // tanh compresses a little even there: E[tanh(z)²] < E[z²].
        #expect(abs(small.first.standardDeviation / 0.28 - 1) < 0.1)
        for (lower, upper) in zip(small.layers, small.layers.dropFirst()) {
            #expect(abs(upper.standardDeviation / lower.standardDeviation / 0.16 - 1) < 0.1)
        }
        // Gradients shrink by the same factor going back down.
        #expect(small.first.gradientStandardDeviation < 0.01 * small.last.gradientStandardDeviation)

        let he = Self.profile(.relu, .he, depth: 6, width: 512)
        let ratio = he.last.standardDeviation / he.first.standardDeviation
        #expect(ratio > 0.6 && ratio < 1.6)
        #expect(he.layers.allSatisfy { abs($0.stuckFraction - 0.5) < 0.1 })

        let large = Self.profile(.tanh, .large, depth: 3, width: 256)
        #expect(large.meanStuckFraction > 0.8)

        let zero = Self.profile(.tanh, .zero, depth: 3, width: 16)
        #expect(zero.layers.allSatisfy { $0.standardDeviation == 0 && $0.weightGradientStandardDeviation == 0 })
        #expect(abs(zero.initialLoss - log(10)) < 1e-5)
    }

    @Test("statistics leave the model's gradients zero and it in training mode")
    func profileRestoresTheModel() {
        let (images, labels) = Self.standardizedBatch(samples: 8)
        let model = plainMLP(inputSize: 784, classCount: 10, depth: 2, width: 8, activation: .relu, scheme: .he, seed: 1)
        _ = InitializationProfile(model: model, activation: .relu, scheme: .he, images: images, labels: labels)
        #expect(model.isTraining)
        #expect(model.allParameters.allSatisfy { $0.gradient == Tensor.zeros($0.shape) })
    }

    @Test("--quick runs end to end with a verdict for every claim and the histograms")
    func quickRun() throws {
        let text = try OptimizersCommandTests.quickRun(
            ["init", "--seeds", "2"], files: ["histograms-tanh.svg", "histograms-relu.svg", "histograms-relu-deep.svg", "activation-std-tanh.svg"])
        #expect(text.components(separatedBy: "- **Verdict:** ").count - 1 == 5)
        #expect(text.contains("tanh · Xavier") && text.contains("ReLU ×30 · He") && text.contains("Statistics at initialization"))
    }

    @Test("bad flags exit with status 2", arguments: [
        ["init", "--inits", "he,foo"], ["init", "--activations", "tanh,tanh"], ["init", "--depth", "0"], ["init", "--full", "--quick"],
        ["init", "--learning-rate", "-1"], ["init", "--inits", ""],
    ])
    func badFlags(_ arguments: [String]) {
        #expect(DLBench.run(arguments: arguments) == 2)
    }
}
