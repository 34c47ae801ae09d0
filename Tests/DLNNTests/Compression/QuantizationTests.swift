import Foundation
import Testing
@testable import DLNN

@Suite struct QuantizationTests {
    /// Every element within half its channel's scale; the channel's largest magnitude maps to ±127 exactly.
    @Test func perChannelErrorIsAtMostHalfAScale() {
        var generator = SeededGenerator(seed: 91)
        var weight = Tensor.randomNormal([7, 3, 2, 2], using: &generator)
        // A channel of zeros and one with a single outlier.
        weight.withUnsafeMutableBufferPointer { w in
            for i in 0..<12 { w[i] = 0 }
            w[12] = 40
        }
        let q = Int8Tensor.perChannel(weight)
        #expect(q.scales.count == 7)
        let restored = q.dequantized().scalars, original = weight.scalars
        for c in 0..<7 {
            let row = c * 12..<(c + 1) * 12
            let maximum = original[row].map(abs).max()!
            #expect(maximum == 0 ? q.scales[c] == 1 : abs(q.scales[c] - maximum / 127) <= 1e-6 * maximum)
            #expect(q.values[row].map { abs(Int($0)) }.max()! == (maximum == 0 ? 0 : 127))
            for i in row { #expect(abs(restored[i] - original[i]) <= q.scales[c] / 2 * (1 + 1e-5), "channel \(c) element \(i)") }
        }
    }

    @Test func perTensorSaturatesOutsideTheRange() {
        let x = Tensor(shape: [5], scalars: [-10, -1, 0, 0.26, 3])
        let q = Int8Tensor.perTensor(x, scale: 0.01)
        #expect(q.values == [-127, -100, 0, 26, 127])
        #expect(Int8Tensor.perTensor(x).scales == [10 / 127])
    }

    @Test func badStorageThrows() {
        #expect(throws: QuantizationError.self) { try Int8Tensor(shape: [2, 3], values: [1, 2], scales: [1]) }
        #expect(throws: QuantizationError.self) { try Int8Tensor(shape: [2, 3], values: [Int8](repeating: 0, count: 6), scales: [1, 2, 3]) }
        #expect(throws: QuantizationError.self) { try Int8Tensor(shape: [2, 3], values: [Int8](repeating: 0, count: 6), scales: [1, -2]) }
    }

    @Test func observersGiveTheirScales() {
        var maximum = ActivationObserver.Range(observer: .maximum)
        var percentile = ActivationObserver.Range(observer: .percentile(50))
        for batch in [Tensor(shape: [5], scalars: [1, -2, 3, 0, 0.5]), Tensor(shape: [5], scalars: [0, 0, -8, 1, 1])] {
            maximum.observe(batch)
            percentile.observe(batch)
        }
        #expect(maximum.scale == Float(8) / 127)
        // Medians of |x|: 1 and 1.
        #expect(percentile.scale == Float(1) / 127)
    }

    /// The int8 layer computes s_x·s_w·Σ q_x·q_w + b: the float layer on the dequantized input and weight.
    @Test func quantizedDenseIsTheDequantizedProduct() {
        var generator = SeededGenerator(seed: 92)
        let dense = Dense(inputSize: 37, outputSize: 11, generator: &generator)
        randomizeParameters(of: dense, seed: 93)
        let input = randomInput([5, 37], seed: 94)
        let inputScale = input.scalars.map(abs).max()! / 127
        let quantized = QuantizedDense(dense, inputScale: inputScale)
        let output = quantized.forward(input)
        let x = Int8Tensor.perTensor(input, scale: inputScale).dequantized()
        let w = Int8Tensor.perChannel(dense.weight.value).dequantized()
        let expected = Reference.dense(doubles(x), weight: doubles(w), bias: doubles(dense.bias!.value), inputSize: 37, outputSize: 11)
        #expect(relativeError(doubles(output), expected) < 1e-5)
        // And close to the float layer.
        #expect(relativeError(doubles(output), doubles(dense.forward(input))) < 0.03)
        #expect(quantized.parameters.isEmpty)
    }

    @Test func quantizedConvolutionIsTheDequantizedConvolution() throws {
        var generator = SeededGenerator(seed: 95)
        let convolutions = [
            Conv2D(inputChannels: 3, outputChannels: 5, kernelSize: 3, stride: 2, padding: 1, generator: &generator),
            Conv2D(inputChannels: 4, outputChannels: 6, kernelSize: (3, 2), padding: (1, 0), dilation: (1, 2), groups: 2, bias: false, generator: &generator),
        ]
        for (index, convolution) in convolutions.enumerated() {
            randomizeParameters(of: convolution, seed: 96 + UInt64(index))
            let input = randomInput([2, convolution.inputChannels, 7, 9], seed: 98)
            let inputScale: Float = 3 / 127
            let quantized = QuantizedConv2D(convolution, inputScale: inputScale)
            let output = quantized.forward(input)
            let x = Int8Tensor.perTensor(input, scale: inputScale).dequantized()
            let w = Int8Tensor.perChannel(convolution.weight.value).dequantized()
            let expected = Reference.conv2D(doubles(x), inputShape: input.shape, weight: doubles(w), bias: convolution.bias.map { doubles($0.value) }, layer: convolution)
            let expectedShape = try convolution.outputShape(for: input.shape)
            #expect(output.shape == expectedShape)
            #expect(relativeError(doubles(output), expected) < 1e-5, "\(convolution.summaryName)")
            // The backward pass is the float convolution's with the dequantized filters.
            let gradient = quantized.backward(Tensor(repeating: 1, shape: output.shape))
            convolution.weight.value = w
            _ = convolution.forward(input)
            #expect(relativeError(doubles(gradient), doubles(convolution.backward(Tensor(repeating: 1, shape: output.shape)))) < 1e-5)
        }
    }

    func smallModel(seed: UInt64) -> Sequential {
        var generator = SeededGenerator(seed: seed)
        return Sequential(
            Conv2D(inputChannels: 1, outputChannels: 4, kernelSize: 3, padding: 1, generator: &generator), ReLU(),
            Flatten(), Dense(inputSize: 4 * 6 * 6, outputSize: 10, generator: &generator))
    }

    @Test func postTrainingQuantizationReplacesAndStaysClose() throws {
        let model = smallModel(seed: 101)
        let batches = (0..<3).map { randomInput([4, 1, 6, 6], seed: 102 + UInt64($0)) }
        model.setTraining(false)
        let before = model.forward(batches[0])
        let paths = try quantizeForInference(model, calibration: batches, observer: .maximum)
        #expect(paths == ["0", "3"])
        #expect(try model.layer(at: "0") is QuantizedConv2D)
        #expect(try model.layer(at: "3") is QuantizedDense)
        // The first layer's input scale is the max |x| over the three batches.
        let maximum = batches.map { $0.scalars.map(abs).max()! }.max()!
        #expect((try model.layer(at: "0") as! QuantizedConv2D).inputScale == maximum / 127)
        #expect(relativeError(doubles(model.forward(batches[0])), doubles(before)) < 0.05)
    }

    @Test func quantizationErrorsAreThrown() {
        #expect(throws: QuantizationError.noCalibrationData) { try quantizeForInference(smallModel(seed: 103), calibration: []) }
        #expect(throws: QuantizationError.self) { try quantizeForInference(Sequential(ReLU()), calibration: [randomInput([1, 3], seed: 1)]) }
        // A model whose calibration failed is left as it was.
        let model = smallModel(seed: 104)
        _ = try? quantizeForInference(model, calibration: [])
        #expect(model.namedModules().contains { $0.module is Conv2D })
        #expect(throws: QuantizationError.self) { try WeightTransformed(ReLU(), transform: .fakeQuantized) }
    }

    /// The STE of activation fake quantization: the gradient inside |x| ≤ 127·s, zero outside.
    @Test func fakeQuantizePassesTheGradientInsideTheRange() {
        let quantizer = FakeQuantize(scale: 0.01)
        let input = Tensor(shape: [6], scalars: [-2, -1.27, -0.5, 0.004, 1.27, 1.3])
        let output = quantizer.forward(input)
        #expect(output.scalars.map { ($0 * 100).rounded() } == [-127, -127, -50, 0, 127, 127])
        let gradient = quantizer.backward(Tensor(shape: [6], scalars: [1, 2, 3, 4, 5, 6]))
        #expect(gradient.scalars == [0, 2, 3, 4, 5, 0])
    }

    @Test func fakeQuantizeTracksTheRangeInTraining() {
        let quantizer = FakeQuantize(momentum: 0.5)
        _ = quantizer.forward(Tensor(shape: [2], scalars: [4, -1]))
        #expect(quantizer.scale == Float(4) / 127)
        _ = quantizer.forward(Tensor(shape: [2], scalars: [2, 0]))
        #expect(abs(quantizer.scale - 3 / 127) < 1e-7)
        quantizer.isTraining = false
        _ = quantizer.forward(Tensor(shape: [2], scalars: [100, 0]))
        #expect(abs(quantizer.scale - 3 / 127) < 1e-7)
    }

    /// Quantization-aware Dense: forward with Ŵ, ∂L/∂W = ∂L/∂Ŵ (no weight is clipped), ∂L/∂x through
    /// the input's STE, gradients accumulated on top of earlier ones; the shadow weight is unchanged.
    @Test func fakeQuantizedWeightsUseTheStraightThroughEstimator() throws {
        var generator = SeededGenerator(seed: 106)
        let dense = Dense(inputSize: 9, outputSize: 4, generator: &generator)
        randomizeParameters(of: dense, seed: 107)
        let shadow = dense.weight.value
        let wrapper = try WeightTransformed(dense, transform: .fakeQuantized, quantizesInput: true)
        #expect(wrapper.namedParameters().map(\.path) == ["weight", "bias"])
        let input = randomInput([3, 9], seed: 108)
        let projection = randomInput([3, 4], seed: 109)
        dense.weight.gradient = Tensor(repeating: 0.25, shape: [4, 9])
        let output = wrapper.forward(input)
        let inputGradient = wrapper.backward(projection)
        #expect(dense.weight.value == shadow)

        // The same computation by hand: a plain Dense with Ŵ on the fake-quantized input.
        let plain = Dense(inputSize: 9, outputSize: 4, generator: &generator)
        plain.weight.value = Int8Tensor.perChannel(shadow).dequantized()
        plain.bias!.value = dense.bias!.value
        let scale = Int8Tensor.scale(forMaximum: input.scalars.map(abs).max()!)
        let quantizedInput = Int8Tensor.perTensor(input, scale: scale).dequantized()
        plain.zeroGradients()
        #expect(relativeError(doubles(output), doubles(plain.forward(quantizedInput))) < 1e-6)
        #expect(relativeError(doubles(inputGradient), doubles(plain.backward(projection))) < 1e-6)
        let expectedWeightGradient = plain.weight.gradient.scalars.map { Double($0) + 0.25 }
        #expect(relativeError(doubles(dense.weight.gradient), expectedWeightGradient) < 1e-6)
    }

    /// A quantization-aware model converts with the input scales it learned.
    @Test func quantizationAwareModelConvertsWithItsScales() throws {
        let model = smallModel(seed: 110)
        try model.replace("3", with: WeightTransformed(try model.layer(at: "3"), transform: .fakeQuantized, quantizesInput: true))
        let batch = randomInput([4, 1, 6, 6], seed: 111)
        _ = model.forward(batch)
        let learned = (try model.layer(at: "3") as! WeightTransformed).inputQuantizer!.scale
        try quantizeForInference(model, calibration: [batch])
        #expect((try model.layer(at: "3") as! QuantizedDense).inputScale == learned)
    }
}
