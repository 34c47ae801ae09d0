@testable import DLNN

/// The input shapes every activation is checked on: 2-D and 4-D, each with batch 1 and larger.
let activationTestShapes: [TensorShape] = [[1, 7], [4, 6], [1, 3, 4, 5], [2, 3, 3, 4]]

/// Standard normal values pushed away from 0 (|x| ≥ 0.2), so that central differences with a
/// step of 1e-5 never straddle the kink of ReLU-like functions.
func inputAwayFromZero(_ shape: TensorShape, seed: UInt64 = 1) -> Tensor {
    var generator = SeededGenerator(seed: seed)
    return Tensor.randomNormal(shape, using: &generator).map { $0 + ($0 < 0 ? -0.2 : 0.2) }
}
