import Testing
@testable import DLNN

@Suite struct PoolingTests {
    typealias Pair = (height: Int, width: Int)

    @Test(arguments: [
        (inputShape: [2, 2, 6, 6], kernel: (2, 2), stride: (2, 2), padding: (0, 0)),
        (inputShape: [1, 3, 7, 5], kernel: (3, 3), stride: (2, 2), padding: (1, 1)),
        (inputShape: [2, 1, 5, 7], kernel: (3, 2), stride: (1, 2), padding: (1, 1)),
    ] as [(inputShape: TensorShape, kernel: Pair, stride: Pair, padding: Pair)])
    func maxPoolGradients(inputShape: TensorShape, kernel: Pair, stride: Pair, padding: Pair) {
        let layer = MaxPool2D(kernelSize: kernel, stride: stride, padding: padding)
        checkGradients(of: layer, input: randomInput(inputShape, seed: 41)) { x, _ in
            Reference.pool2D(x, inputShape: inputShape, kernel: kernel, stride: stride, padding: padding, max: true)
        }
    }

    @Test(arguments: [true, false])
    func avgPoolGradients(countIncludePad: Bool) throws {
        for (inputShape, kernel, stride, padding) in [
            ([2, 2, 6, 6], (2, 2), (2, 2), (0, 0)),
            ([1, 3, 7, 5], (3, 3), (2, 2), (1, 1)),
            ([2, 1, 5, 7], (3, 2), (1, 2), (1, 1)),
        ] as [(TensorShape, Pair, Pair, Pair)] {
            let layer = AvgPool2D(kernelSize: kernel, stride: stride, padding: padding, countIncludePad: countIncludePad)
            checkGradients(of: layer, input: randomInput(inputShape, seed: 42)) { x, _ in
                Reference.pool2D(
                    x, inputShape: inputShape, kernel: kernel, stride: stride, padding: padding, max: false,
                    countIncludePad: countIncludePad)
            }
        }
    }

    @Test func avgPoolDivisorAtTheBorder() throws {
        // 3×3 window, padding 1, on a 2×2 image of ones: the corner window holds 4 ones.
        let input = Tensor.ones([1, 1, 2, 2])
        #expect(AvgPool2D(kernelSize: 3, stride: 1, padding: 1).forward(input)[0, 0, 0, 0] == 4.0 / 9)
        #expect(AvgPool2D(kernelSize: 3, stride: 1, padding: 1, countIncludePad: false).forward(input)[0, 0, 0, 0] == 1)
    }

    @Test func maxPoolTiesGoToTheFirstAndStrideDefaultsToKernel() throws {
        let layer = MaxPool2D(kernelSize: 2)
        #expect(layer.stride == (2, 2))
        let input = Tensor(shape: [1, 1, 2, 4], scalars: [1, 5, 7, 7, 5, 2, 7, 7])
        #expect(layer.forward(input) == Tensor(shape: [1, 1, 1, 2], scalars: [5, 7]))
        let gradient = layer.backward(Tensor(shape: [1, 1, 1, 2], scalars: [1, 2]))
        #expect(gradient == Tensor(shape: [1, 1, 2, 4], scalars: [0, 1, 2, 0, 0, 0, 0, 0]))
    }

    @Test func maxPoolOverlappingWindowsAccumulate() throws {
        // Stride 1, 2×2 windows over [[0, 9], [0, 0]]: the 9 wins both windows it is in.
        let layer = MaxPool2D(kernelSize: 2, stride: 1)
        let input = Tensor(shape: [1, 1, 2, 3], scalars: [0, 9, 0, 0, 0, 0])
        _ = layer.forward(input)
        #expect(layer.backward(Tensor.ones([1, 1, 1, 2])) == Tensor(shape: [1, 1, 2, 3], scalars: [0, 2, 0, 0, 0, 0]))
    }

    @Test func globalAvgPoolGradients() throws {
        let layer = GlobalAvgPool2D()
        #expect(try layer.outputShape(for: [2, 3, 4, 5]) == [2, 3])
        checkGradients(of: layer, input: randomInput([2, 3, 4, 5], seed: 43)) { x, _ in
            stride(from: 0, to: x.count, by: 20).map { x[$0..<($0 + 20)].reduce(0, +) / 20 }
        }
    }

    @Test func flattenGradients() throws {
        let layer = Flatten()
        #expect(try layer.outputShape(for: [2, 3, 4, 5]) == [2, 60])
        let output = layer.forward(randomInput([2, 3, 4, 5], seed: 44))
        #expect(output.shape == [2, 60])
        checkGradients(of: layer, input: randomInput([2, 3, 2, 2], seed: 45)) { x, _ in x }
    }

    @Test func poolingShapesAndNames() throws {
        let pool = MaxPool2D(kernelSize: 3, stride: 2, padding: 1)
        #expect(try pool.outputShape(for: [8, 16, 28, 28]) == [8, 16, 14, 14])
        #expect(pool.summaryName == "MaxPool2D(3×3, stride 2, padding 1)")
        #expect(AvgPool2D(kernelSize: 2).summaryName == "AvgPool2D(2×2)")
        #expect(AvgPool2D(kernelSize: 2).forwardFLOPs(for: [1, 6, 28, 28]) == 6 * 14 * 14 * 4)
    }
}
