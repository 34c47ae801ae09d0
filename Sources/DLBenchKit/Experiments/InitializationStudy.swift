import ArgumentParser
import DLNN
import DLReport
import Foundation

/// The weight initializations `dlbench init` compares, by command-line name.
enum InitializationScheme: String, CaseIterable, ExpressibleByArgument {
    case zero, small, large, xavier, he, lecun

    var displayName: String {
        switch self {
        case .zero: "zero"
        case .small: "N(0, 0.01²)"
        case .large: "N(0, 1)"
        case .xavier: "Xavier"
        case .he: "He"
        case .lecun: "LeCun"
        }
    }

    /// The initializer of every weight (biases start at zero): Xavier is Glorot & Bengio's normal
    /// form with gain 1, σ² = 2 / (fan_in + fan_out); He σ² = 2 / fan_in; LeCun σ² = 1 / fan_in.
    var initializer: Initializer {
        switch self {
        case .zero: .zeros
        case .small: .normal(standardDeviation: 0.01)
        case .large: .normal(standardDeviation: 1)
        case .xavier: .xavierNormal(gain: 1)
        case .he: .heNormal
        case .lecun: .lecunNormal
        }
    }
}

/// The activations of the plain networks of `dlbench init`.
enum PlainActivation: String, CaseIterable, ExpressibleByArgument {
    case tanh, relu

    var displayName: String { self == .tanh ? "tanh" : "ReLU" }

    func make() -> any Layer { self == .tanh ? Tanh() : ReLU() }

    /// What a unit stuck in the activation's flat part is called, and the test for it: |tanh| > 0.99
    /// (saturated: its derivative 1 − a² is under 0.02) or a ReLU output of exactly 0 (dead for that input).
    var stuckName: String { self == .tanh ? "saturated (|a| > 0.99)" : "zero (a = 0)" }

    func isStuck(_ value: Float) -> Bool { self == .tanh ? abs(value) > 0.99 : value == 0 }
}

/// A plain (no normalization, no shortcut) MLP: Flatten, then `depth` hidden layers Dense(→ width)
/// + activation, then Dense(width → classes), every weight from `scheme` and every bias zero.
func plainMLP(
    inputSize: Int, classCount: Int, depth: Int, width: Int, activation: PlainActivation, scheme: InitializationScheme, seed: UInt64
) -> Sequential {
    var generator = SeededGenerator(seed: seed)
    var layers: [any Layer] = [Flatten()]
    var previous = inputSize
    for _ in 0..<depth {
        layers += [Dense(inputSize: previous, outputSize: width, weightInitializer: scheme.initializer, generator: &generator), activation.make()]
        previous = width
    }
    layers.append(Dense(inputSize: previous, outputSize: classCount, weightInitializer: scheme.initializer, generator: &generator))
    return Sequential(layers)
}

/// One hidden layer of a plain MLP at initialization, on one batch.
struct LayerStatistics {
    /// 1 for the first hidden layer.
    var layer: Int
    /// The mean and standard deviation of the layer's activations a (after the nonlinearity) over the batch and the units.
    var mean: Double, standardDeviation: Double
    /// The fraction of activations stuck in the nonlinearity's flat part (`PlainActivation.isStuck`).
    var stuckFraction: Double
    /// The standard deviation of ∂L/∂a, the gradient the layer above sends back to these activations.
    var gradientStandardDeviation: Double
    /// The standard deviation of ∂L/∂W of the layer's weight.
    var weightGradientStandardDeviation: Double
    /// The activations themselves, for histograms.
    var activations: [Float]
}

/// The per-layer statistics of one plain MLP at initialization: the course's way of judging an
/// initialization by looking at the activations and gradients of every layer before training.
struct InitializationProfile {
    var activation: PlainActivation
    var scheme: InitializationScheme
    var depth: Int
    var layers: [LayerStatistics]
    /// The cross-entropy of the batch at initialization.
    var initialLoss: Double

    /// Forward and backward of `model` (a `plainMLP`) on `images` [N, …] with their `labels`, recording every hidden layer.
    init(model: Sequential, activation: PlainActivation, scheme: InitializationScheme, images: Tensor, labels: [Int]) {
        self.activation = activation
        self.scheme = scheme
        model.setTraining(false)
        model.zeroGradients()
        var outputs: [Int: [Float]] = [:]
        var x = images
        for (index, layer) in model.layers.enumerated() {
            x = layer.forward(x)
            if index > 1, index % 2 == 0 { outputs[index] = x.withUnsafeBufferPointer { Array($0) } }
        }
        let (loss, lossGradient) = SoftmaxCrossEntropy().loss(x, labels: labels)
        var gradient = lossGradient
        var gradientDeviations: [Int: Double] = [:]
        for (index, layer) in model.layers.enumerated().reversed() {
            if outputs[index] != nil { gradientDeviations[index] = moments(gradient.withUnsafeBufferPointer { Array($0) }).standardDeviation }
            gradient = layer.backward(gradient)
        }
        // Layers: 0 Flatten, then Dense at 1, 3, 5, … each followed by its activation at 2, 4, 6, ….
        layers = outputs.keys.sorted().map { index in
            let values = outputs[index]!
            let (mean, deviation) = moments(values)
            let dense = model.layers[index - 1] as! Dense
            return LayerStatistics(
                layer: index / 2, mean: mean, standardDeviation: deviation,
                stuckFraction: Double(values.filter(activation.isStuck).count) / Double(max(values.count, 1)),
                gradientStandardDeviation: gradientDeviations[index]!,
                weightGradientStandardDeviation: moments(dense.weight.gradient.withUnsafeBufferPointer { Array($0) }).standardDeviation,
                activations: values)
        }
        depth = layers.count
        initialLoss = Double(loss)
        model.zeroGradients()
        model.setTraining(true)
    }

    var first: LayerStatistics { layers[0] }
    var last: LayerStatistics { layers[layers.count - 1] }

    /// The mean stuck fraction over the hidden layers.
    var meanStuckFraction: Double { layers.map(\.stuckFraction).reduce(0, +) / Double(max(layers.count, 1)) }
}

/// The mean and population standard deviation of `values` (NaN for none), accumulated in Double.
func moments(_ values: [Float]) -> (mean: Double, standardDeviation: Double) {
    guard !values.isEmpty else { return (.nan, .nan) }
    let mean = values.reduce(0.0) { $0 + Double($1) } / Double(values.count)
    let variance = values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(values.count)
    return (mean, variance.squareRoot())
}

/// What `dlbench init` varies and how long it trains.
struct InitializationSettings {
    var activations: [PlainActivation] = PlainActivation.allCases
    var schemes: [InitializationScheme] = InitializationScheme.allCases
    /// Hidden layers and their width of the main networks.
    var depth = 10, width = 256
    /// The hidden layers of the deep ReLU pair (Xavier against He, He et al. 2015); 0 leaves it out.
    var deepDepth = 30
    /// Images of the batch whose statistics are taken at initialization (the first validation images).
    var statisticsBatch = 256
    /// Momentum SGD's rate, the same for every entry: tuning it per entry would hide what the initialization does.
    var learningRate: Float = 0.01

    static let quick = InitializationSettings(depth: 10, width: 32, deepDepth: 30, statisticsBatch: 64)

    /// The profiles of every activation and scheme (and of the deep ReLU pair) on the first
    /// validation images of `data`, with the initial weights of `seed`.
    func profiles(on data: DataSplits, seed: UInt64) -> (main: [InitializationProfile], deep: [InitializationProfile]) {
        let sample = data.validation.prefix(min(statisticsBatch, data.validation.count))
        var batches = BatchIterator(dataset: sample, batchSize: max(sample.count, 1), shuffle: false, normalization: data.normalization)
        batches.startEpoch(0)
        guard let batch = batches.nextBatch() else { return ([], []) }
        let inputSize = data.training.imageShape.reduce(1, *), classes = data.training.classCount
        func profile(_ activation: PlainActivation, _ scheme: InitializationScheme, depth: Int) -> InitializationProfile {
            let model = plainMLP(inputSize: inputSize, classCount: classes, depth: depth, width: width, activation: activation, scheme: scheme, seed: seed)
            return InitializationProfile(model: model, activation: activation, scheme: scheme, images: batch.images, labels: batch.labels)
        }
        let main = activations.flatMap { activation in schemes.map { profile(activation, $0, depth: depth) } }
        let deep = deepDepth > 0 ? [InitializationScheme.xavier, .he].map { profile(.relu, $0, depth: deepDepth) } : []
        return (main, deep)
    }
}
