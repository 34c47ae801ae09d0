import Testing
@testable import DLNN

/// The 2×2, stride 2 fast path of `MaxPool2D` on what the general tests do not reach: odd image
/// sizes (the last row and column dropped) and NaNs.
@Suite struct MaxPool2DTwoByTwoTests {
    @Test func oddSizesDropTheLastRowAndColumn() {
        let inputShape = [2, 2, 7, 5]
        checkGradients(of: MaxPool2D(kernelSize: 2), input: randomInput(inputShape, seed: 43)) { x, _ in
            Reference.pool2D(x, inputShape: inputShape, kernel: (2, 2), stride: (2, 2), padding: (0, 0), max: true)
        }
    }

    @Test func theLastNaNOfAWindowWinsAsInPyTorch() {
        let layer = MaxPool2D(kernelSize: 2)
        let input = Tensor(shape: [1, 1, 2, 4], scalars: [1, .nan, 3, 4, .nan, 2, 5, 6])
        let output = layer.forward(input)
        #expect(output[0, 0, 0, 0].isNaN && output[0, 0, 0, 1] == 6)
        #expect(layer.backward(Tensor.ones([1, 1, 1, 2])) == Tensor(shape: [1, 1, 2, 4], scalars: [0, 0, 0, 0, 1, 0, 0, 1]))
    }
}
