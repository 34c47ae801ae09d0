import Testing
@testable import DLNN

/// The 2×2, stride 2 fast path of `MaxPool2D` on what the general tests do not reach: odd image
/// sizes (the last row and column dropped) and NaNs.
@Suite struct MaxPool2DTwoByTwoTests {
    @Test func oddSizesDropTheLastRowAndColumn() {
        let inputShape: TensorShape = [2, 2, 7, 5]
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

    /// The fast path on x with a row of −∞ above it and a column of −∞ to its left has the windows
    /// of the general loop with padding 1 on x (odd sizes, so neither has an extra window), so both
    /// must pick the same maxima and indices, on values with many ties and NaNs. The widths cover
    /// the overlapping last block (7 outputs) and rows narrower than a block (2 outputs).
    @Test(arguments: [(7, 13), (5, 3), (3, 9)])
    func agreesWithTheGeneralLoopOnTiesAndNaNs(height: Int, width: Int) {
        var generator = SeededGenerator(seed: 44)
        let levels: [Float] = [-1, 0, 1, 1, .nan]
        let x = Tensor(shape: [2, 3, height, width], scalars: (0..<(6 * height * width)).map { _ in levels[Int(generator.next() % 5)] })
        /// The flat index in x of element (u − 1, v − 1) of plane `plane` of the shifted input, or nil in the −∞ border.
        func source(_ plane: Int, _ u: Int, _ v: Int) -> Int? {
            u == 0 || v == 0 ? nil : (plane * height + u - 1) * width + v - 1
        }
        let positions = (0..<6).flatMap { plane in (0...height).flatMap { u in (0...width).map { v in (plane, u, v) } } }
        let shifted = Tensor(
            shape: [2, 3, height + 1, width + 1],
            scalars: positions.map { source($0.0, $0.1, $0.2).map { x.scalars[$0] } ?? -.infinity }
        )
        let fast = MaxPool2D(kernelSize: 2), general = MaxPool2D(kernelSize: 2, stride: 2, padding: 1)
        let fastOutput = fast.forward(shifted), generalOutput = general.forward(x)
        #expect(fastOutput.shape == generalOutput.shape)
        #expect(zip(fastOutput.scalars, generalOutput.scalars).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) })
        // Distinct output gradients, so equal input gradients mean equal indices.
        let outputGradient = Tensor(shape: fastOutput.shape, scalars: (1...fastOutput.count).map(Float.init))
        let fastGradient = fast.backward(outputGradient).scalars, generalGradient = general.backward(outputGradient).scalars
        #expect(fastGradient == positions.map { source($0.0, $0.1, $0.2).map { generalGradient[$0] } ?? 0 })
    }
}
