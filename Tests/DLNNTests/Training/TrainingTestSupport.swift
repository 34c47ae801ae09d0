@testable import DLNN

/// A dense model Dense(inputs → outputs) with the seeded He initialization.
func denseModel(inputs: Int, outputs: Int, seed: UInt64) -> Sequential {
    var generator = SeededGenerator(seed: seed)
    return Sequential(Dense(inputSize: inputs, outputSize: outputs, generator: &generator))
}

/// N samples with input x = 1 and target 0: for Dense(1 → 1), MSE = (w + b)², a quadratic in
/// u = w + b whose SGD update is u ← u·(1 − 4η), so SGD diverges exactly for η > 1/2.
func quadraticProblem(samples: Int = 4) -> FeatureDataset {
    FeatureDataset(features: Tensor(repeating: 1, shape: [samples, 1]), values: Tensor.zeros([samples, 1]))
}
