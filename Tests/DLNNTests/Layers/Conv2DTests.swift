import Testing
@testable import DLNN

@Suite struct Conv2DTests {
    /// One convolution configuration and the input it is checked on.
    struct Case: Sendable, CustomTestStringConvertible {
        var inputShape: TensorShape
        var outputChannels: Int
        var kernel: (height: Int, width: Int)
        var stride: (height: Int, width: Int) = (1, 1)
        var padding: (height: Int, width: Int) = (0, 0)
        var dilation: (height: Int, width: Int) = (1, 1)
        var groups = 1
        var bias = true
        var algorithm = Conv2D.Algorithm.automatic
        var label: String

        var testDescription: String { label }

        func makeLayer(seed: UInt64) -> Conv2D {
            var generator = SeededGenerator(seed: seed)
            let layer = Conv2D(
                inputChannels: inputShape[1], outputChannels: outputChannels, kernelSize: kernel, stride: stride,
                padding: padding, dilation: dilation, groups: groups, bias: bias, generator: &generator)
            layer.algorithm = algorithm
            return layer
        }

        /// Whether the direct algorithm can run this configuration (and a 1×1 layer does not take the GEMM-only path).
        var allowsDirect: Bool {
            stride == (1, 1) && dilation == (1, 1) && groups == 1 && !(kernel == (1, 1) && padding == (0, 0))
        }

        /// This case with `algorithm`, its label saying so.
        func running(_ algorithm: Conv2D.Algorithm) -> Case {
            var copy = self
            copy.algorithm = algorithm
            copy.label += ", \(algorithm)"
            return copy
        }
    }

    static let cases: [Case] = [
        Case(inputShape: [2, 3, 5, 6], outputChannels: 4, kernel: (3, 3), label: "plain 3×3"),
        Case(inputShape: [2, 2, 7, 6], outputChannels: 3, kernel: (3, 3), stride: (2, 2), padding: (1, 1), label: "stride 2, padding 1"),
        Case(inputShape: [1, 2, 7, 5], outputChannels: 3, kernel: (3, 2), stride: (2, 1), padding: (1, 0), label: "non-square kernel and stride, batch 1"),
        Case(inputShape: [2, 2, 7, 7], outputChannels: 2, kernel: (3, 3), padding: (2, 1), dilation: (2, 3), label: "dilation"),
        Case(inputShape: [2, 4, 5, 5], outputChannels: 6, kernel: (3, 3), padding: (1, 1), groups: 2, label: "groups 2"),
        Case(inputShape: [2, 3, 5, 4], outputChannels: 3, kernel: (3, 3), stride: (2, 2), padding: (1, 1), groups: 3, label: "depthwise"),
        Case(inputShape: [2, 4, 3, 5], outputChannels: 6, kernel: (1, 1), label: "1×1 fast path"),
        Case(inputShape: [2, 4, 3, 3], outputChannels: 2, kernel: (1, 1), groups: 2, bias: false, label: "grouped 1×1 fast path, no bias"),
        Case(inputShape: [2, 3, 5, 5], outputChannels: 2, kernel: (1, 1), stride: (2, 2), label: "1×1 with stride (im2col)"),
        Case(inputShape: [3, 2, 5, 5], outputChannels: 3, kernel: (5, 5), bias: false, label: "kernel covers the image, no bias"),
        // Sizes for the direct kernels' vector code: 4 + 4 + 1 outputs and more positions than a
        // block of vectors in forward; a single input channel with padding wider than the kernel's reach.
        Case(inputShape: [2, 2, 9, 21], outputChannels: 9, kernel: (3, 5), padding: (1, 2), label: "wide image, 9 outputs"),
        Case(inputShape: [2, 1, 6, 7], outputChannels: 6, kernel: (2, 3), padding: (3, 1), label: "padding beyond the kernel"),
    ]

    /// Every case, those the direct algorithm can run once with each algorithm.
    static let algorithmCases: [Case] = cases.flatMap { $0.allowsDirect ? [$0.running(.im2col), $0.running(.direct)] : [$0] }

    private func reference(_ layer: Conv2D, inputShape: TensorShape) -> ReferenceForward {
        { x, parameters in
            Reference.conv2D(
                x, inputShape: inputShape, weight: parameters[0], bias: layer.bias == nil ? nil : parameters[1], layer: layer)
        }
    }

    @Test(arguments: algorithmCases)
    func gradients(of configuration: Case) throws {
        let layer = configuration.makeLayer(seed: 21)
        randomizeParameters(of: layer, seed: 22)
        let input = randomInput(configuration.inputShape, seed: 23)
        checkGradients(of: layer, input: input, reference: reference(layer, inputShape: input.shape))
    }

    @Test func largerForwardEqualsDirectConvolution() throws {
        let configuration = Case(
            inputShape: [4, 6, 17, 15], outputChannels: 8, kernel: (5, 3), stride: (2, 1), padding: (2, 1), groups: 2,
            label: "larger")
        let layer = configuration.makeLayer(seed: 31)
        randomizeParameters(of: layer, seed: 32)
        let input = randomInput(configuration.inputShape, seed: 33)
        let output = layer.forward(input)
        #expect(output.shape == [4, 8, 9, 15])
        let expected = Reference.conv2D(
            doubles(input), inputShape: input.shape, weight: doubles(layer.weight.value),
            bias: doubles(layer.bias!.value), layer: layer)
        #expect(relativeError(doubles(output), expected) < 1e-5)
    }

    @Test func shapesCountsAndName() throws {
        var generator = SeededGenerator(seed: 1)
        let layer = Conv2D(inputChannels: 3, outputChannels: 16, kernelSize: 3, stride: 2, padding: 1, generator: &generator)
        #expect(layer.weight.value.shape == [16, 3, 3, 3])
        #expect(layer.parameterCount == 16 * 27 + 16)
        #expect(try layer.outputShape(for: [8, 3, 32, 32]) == [8, 16, 16, 16])
        #expect(layer.forwardFLOPs(for: [8, 3, 32, 32]) == 8 * 16 * 16 * 16 * (2 * 27 + 1))
        #expect(layer.summaryName == "Conv2D(3 → 16, 3×3, stride 2, padding 1)")
        let depthwise = Conv2D(inputChannels: 8, outputChannels: 8, kernelSize: (3, 1), groups: 8, bias: false, generator: &generator)
        #expect(depthwise.weight.value.shape == [8, 1, 3, 1])
        #expect(depthwise.summaryName == "Conv2D(8 → 8, 3×1, groups 8, no bias)")
    }

    @Test(arguments: [(false, Conv2D.Algorithm.im2col), (false, .direct), (true, .automatic)])
    func gradientsAccumulate(pointwise: Bool, algorithm: Conv2D.Algorithm) throws {
        var generator = SeededGenerator(seed: 2)
        let layer = Conv2D(inputChannels: 2, outputChannels: 3, kernelSize: pointwise ? 1 : 3, padding: pointwise ? 0 : 1, generator: &generator)
        layer.algorithm = algorithm
        randomizeParameters(of: layer, seed: 3)
        let output = layer.forward(randomInput([2, 2, 4, 4], seed: 4))
        let outputGradient = randomInput(output.shape, seed: 5)
        let inputGradient = layer.backward(outputGradient)
        let once = layer.allParameters.map(\.gradient)
        _ = layer.forward(randomInput([2, 2, 4, 4], seed: 4))
        #expect(layer.backward(outputGradient) == inputGradient)
        for (parameter, single) in zip(layer.allParameters, once) {
            #expect(relativeError(doubles(parameter.gradient), doubles(single * 2)) < 1e-6)
        }
    }

    /// Large images put fewer images in a chunk than the batch holds (here 7 + 3, and one image per
    /// chunk, written in place): outputs and gradients must equal those of one image at a time.
    /// The direct algorithm splits the batch over threads instead: the same must hold.
    @Test(arguments: [(1, 128), (16, 96)], [Conv2D.Algorithm.im2col, .direct])
    func chunkedBatchMatchesSingleImages(size: (inputChannels: Int, size: Int), algorithm: Conv2D.Algorithm) {
        let (inputChannels, size) = size
        var generator = SeededGenerator(seed: 11)
        let layer = Conv2D(inputChannels: inputChannels, outputChannels: 4, kernelSize: 3, padding: 1, generator: &generator)
        layer.algorithm = algorithm
        randomizeParameters(of: layer, seed: 12)
        let batch = inputChannels == 1 ? 10 : 2
        let input = randomInput([batch, inputChannels, size, size], seed: 13)
        let outputGradient = randomInput([batch, 4, size, size], seed: 14)
        let output = layer.forward(input)
        let inputGradient = layer.backward(outputGradient)
        let parameterGradients = layer.allParameters.map(\.gradient)
        layer.zeroGradients()
        for n in 0..<batch {
            let image = layer.forward(input.slice(batch: n..<(n + 1)))
            #expect(relativeError(doubles(image), doubles(output.slice(batch: n..<(n + 1)))) < 1e-6)
            let imageGradient = layer.backward(outputGradient.slice(batch: n..<(n + 1)))
            #expect(relativeError(doubles(imageGradient), doubles(inputGradient.slice(batch: n..<(n + 1)))) < 1e-6)
        }
        for (parameter, expected) in zip(layer.allParameters, parameterGradients) {
            #expect(relativeError(doubles(parameter.gradient), doubles(expected)) < 1e-5)
        }
    }

    /// `accumulateParameterGradients` gives `backward`'s parameter gradients, on both paths.
    @Test(arguments: [(1, Conv2D.Algorithm.automatic), (3, .im2col), (3, .direct)])
    func parameterGradientsWithoutInputGradient(kernelSize: Int, algorithm: Conv2D.Algorithm) throws {
        var generator = SeededGenerator(seed: 15)
        let layer = Conv2D(inputChannels: 3, outputChannels: 4, kernelSize: kernelSize, generator: &generator)
        layer.algorithm = algorithm
        let input = randomInput([3, 3, 6, 6], seed: 16)
        expectParameterGradientsMatchBackward(
            of: layer, input: input, outputGradient: randomInput(try layer.outputShape(for: input.shape), seed: 17))
    }

    @Test(arguments: [(1, Conv2D.Algorithm.automatic), (3, .im2col), (3, .direct)])
    func emptyBatch(kernelSize: Int, algorithm: Conv2D.Algorithm) throws {
        var generator = SeededGenerator(seed: 9)
        let layer = Conv2D(inputChannels: 2, outputChannels: 3, kernelSize: kernelSize, generator: &generator)
        layer.algorithm = algorithm
        let output = layer.forward(Tensor.zeros([0, 2, 5, 5]))
        #expect(output.shape == [0, 3, 6 - kernelSize, 6 - kernelSize])
        #expect(layer.backward(output).shape == [0, 2, 5, 5])
        #expect(layer.weight.gradient == Tensor.zeros(layer.weight.value.shape))
    }

    @Test(arguments: [Conv2D.Algorithm.im2col, .direct])
    func workspacesFollowTheBatchSize(algorithm: Conv2D.Algorithm) throws {
        // A second forward with another batch size and image size must not reuse stale sizes.
        var generator = SeededGenerator(seed: 6)
        let layer = Conv2D(inputChannels: 2, outputChannels: 3, kernelSize: 3, padding: 1, generator: &generator)
        layer.algorithm = algorithm
        _ = layer.forward(randomInput([4, 2, 6, 6], seed: 7))
        let input = randomInput([1, 2, 5, 3], seed: 8)
        checkGradients(of: layer, input: input, reference: reference(layer, inputShape: input.shape))
    }

    @Test func automaticRunsTheDirectAlgorithmOnSmallStrideOneLayersOnly() throws {
        var generator = SeededGenerator(seed: 18)
        // LeNet-5's second layer (150 inputs per output) runs direct; one with more than
        // `directPatchLimit` inputs per output and a strided one run im2col.
        for (layer, direct) in [
            (Conv2D(inputChannels: 6, outputChannels: 16, kernelSize: 5, generator: &generator), true),
            (Conv2D(inputChannels: 129, outputChannels: 4, kernelSize: 3, padding: 1, generator: &generator), false),
            (Conv2D(inputChannels: 6, outputChannels: 16, kernelSize: 3, stride: 2, generator: &generator), false),
        ] {
            let input = randomInput([2, layer.inputChannels, 12, 12], seed: 19)
            let automatic = layer.forward(input)
            layer.algorithm = direct ? .direct : .im2col
            #expect(layer.forward(input) == automatic, "\(layer.summaryName)")
        }
    }

    /// A backward pass runs the algorithm of its forward pass, even when `algorithm` changed in between.
    @Test func backwardKeepsTheAlgorithmOfItsForwardPass() {
        var generator = SeededGenerator(seed: 24)
        let layer = Conv2D(inputChannels: 2, outputChannels: 3, kernelSize: 3, padding: 1, generator: &generator)
        layer.algorithm = .direct
        let input = randomInput([2, 2, 5, 5], seed: 25)
        let outputGradient = randomInput([2, 3, 5, 5], seed: 26)
        _ = layer.forward(input)
        let expected = layer.backward(outputGradient)
        _ = layer.forward(input)
        layer.algorithm = .im2col
        #expect(layer.backward(outputGradient) == expected)
        // The next forward pass switches.
        _ = layer.forward(input)
        #expect(relativeError(doubles(layer.backward(outputGradient)), doubles(expected)) < 1e-5)
    }

    @Test func theDirectAlgorithmOnAStridedLayerStopsWithTheReason() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var generator = SeededGenerator(seed: 20)
            let layer = Conv2D(inputChannels: 2, outputChannels: 3, kernelSize: 3, stride: 2, generator: &generator)
            layer.algorithm = .direct
        }.map { result in
            let message = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(message.contains("direct algorithm needs stride 1"))
        }
    }
}
