import Foundation

/// Mixup (Zhang et al., 2018, "mixup: Beyond Empirical Risk Minimization"): train on convex
/// combinations of pairs of samples and of their labels,
///
///     λ ~ Beta(α, α),   π a random permutation of the batch,
///     x̃ᵢ = λ·xᵢ + (1 − λ)·x_π(i),   ỹᵢ = λ·yᵢ + (1 − λ)·y_π(i),
///
/// with yᵢ the one-hot (or label-smoothed) target of sample i: one λ per batch, mixing the batch
/// with a shuffled copy of itself, as the paper's implementation does. The cross-entropy against
/// ỹ is λ·CE(yᵢ) + (1 − λ)·CE(y_π(i)), so its gradient with respect to the logits is
/// (p − ỹ)/N (`SoftTargetCrossEntropy`). Small α gives λ near 0 or 1 (little mixing); α = 1, λ uniform.
///
/// Give it to `TrainingConfiguration.mixup`; validation and test batches are never mixed.
public struct Mixup: Equatable, Sendable {
    /// The concentration α > 0 of Beta(α, α).
    public var alpha: Float

    public init(alpha: Float) {
        require(alpha > 0 && alpha.isFinite, "Mixup: α = \(alpha) must be positive")
        self.alpha = alpha
    }

    /// A batch mixed with a permutation of itself: the mixed inputs, the labels of both sides and λ.
    public struct MixedBatch {
        /// λ·xᵢ + (1 − λ)·x_π(i), of the inputs' shape [N, …].
        public var inputs: Tensor
        /// yᵢ and y_π(i).
        public var labels: [Int], partnerLabels: [Int]
        public var lambda: Float

        /// The soft targets [N, classes]: λ·yᵢ + (1 − λ)·y_π(i), each one-hot y smoothed to
        /// (1 − ε)·y + ε/classes (label smoothing ε, as `SoftmaxCrossEntropy` applies it).
        public func softTargets(classes: Int, smoothing: Float = 0) -> Tensor {
            let floor = smoothing / Float(classes)
            return Tensor(shape: TensorShape(labels.count, classes)) { t in
                for i in t.indices { t[i] = floor }
                for (n, (a, b)) in zip(labels, partnerLabels).enumerated() {
                    require(a >= 0 && a < classes && b >= 0 && b < classes, "Mixup: label \(max(a, b)) outside 0..<\(classes)")
                    t[n * classes + a] += lambda * (1 - smoothing)
                    t[n * classes + b] += (1 - lambda) * (1 - smoothing)
                }
            }
        }

        /// The labels with the larger weight, λ ≥ ½ ? yᵢ : y_π(i): what training accuracy is counted against.
        public var dominantLabels: [Int] { lambda >= 0.5 ? labels : partnerLabels }
    }

    /// Mixes `inputs` [N, …] and their `labels` with λ ~ Beta(α, α) and a random permutation drawn from `generator`.
    public func mix(_ inputs: Tensor, labels: [Int], using generator: inout SeededGenerator) -> MixedBatch {
        let lambda = Self.sampleBeta(alpha, alpha, using: &generator)
        var permutation = Array(labels.indices)
        generator.shuffle(&permutation)
        return Self.mix(inputs, labels: labels, lambda: lambda, permutation: permutation)
    }

    /// Mixes sample i with sample `permutation[i]` at weight `lambda`.
    public static func mix(_ inputs: Tensor, labels: [Int], lambda: Float, permutation: [Int]) -> MixedBatch {
        let samples = labels.count
        require(inputs.rank >= 1 && inputs.shape[0] == samples && permutation.count == samples,
                "Mixup: \(samples) labels and \(permutation.count) partners for inputs \(describe(inputs.shape))")
        let size = samples == 0 ? 0 : inputs.count / samples
        let mixed = Tensor(shape: inputs.shape) { out in
            inputs.withUnsafeBufferPointer { x in
                for n in 0..<samples {
                    let (row, partner) = (x.baseAddress! + n * size, x.baseAddress! + permutation[n] * size)
                    for k in 0..<size { out[n * size + k] = lambda * row[k] + (1 - lambda) * partner[k] }
                }
            }
        }
        return MixedBatch(inputs: mixed, labels: labels, partnerLabels: permutation.map { labels[$0] }, lambda: lambda)
    }

    /// A draw of Beta(a, b) as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b).
    static func sampleBeta(_ a: Float, _ b: Float, using generator: inout SeededGenerator) -> Float {
        let x = sampleGamma(a, using: &generator), y = sampleGamma(b, using: &generator)
        return x + y > 0 ? x / (x + y) : 0.5
    }

    /// A draw of Gamma(shape, 1) by Marsaglia & Tsang (2000): for shape ≥ 1, with d = shape − 1/3 and
    /// c = 1/√(9d), v = (1 + c·z)³ for z ~ N(0, 1), accepted when log u < z²/2 + d − d·v + d·log v;
    /// for shape < 1, Gamma(shape + 1)·u^(1/shape).
    static func sampleGamma(_ shape: Float, using generator: inout SeededGenerator) -> Float {
        if shape < 1 {
            let u = max(generator.nextUnitFloat(), .leastNormalMagnitude)
            return sampleGamma(shape + 1, using: &generator) * pow(u, 1 / shape)
        }
        let d = shape - 1 / 3, c = 1 / (9 * d).squareRoot()
        while true {
            let z = generator.nextNormal()
            let v = (1 + c * z) * (1 + c * z) * (1 + c * z)
            guard v > 0 else { continue }
            let u = max(generator.nextUnitFloat(), .leastNormalMagnitude)
            if log(u) < z * z / 2 + d - d * v + d * log(v) { return d * v }
        }
    }
}
