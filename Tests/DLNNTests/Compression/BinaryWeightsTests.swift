import Foundation
import Testing
@testable import DLNN

@Suite struct BinaryWeightsTests {
    func binaryDense(seed: UInt64) throws -> (WeightTransformed, Dense) {
        var generator = SeededGenerator(seed: seed)
        let dense = Dense(inputSize: 7, outputSize: 3, generator: &generator)
        randomizeParameters(of: dense, seed: seed + 1)
        // Some shadow weights beyond the clip, where the estimator passes nothing.
        dense.weight.withUnsafeMutableValue { w in
            w[0] = 1.5
            w[8] = -2
        }
        return (try WeightTransformed(dense, transform: .binary), dense)
    }

    @Test func forwardUsesScaledSigns() throws {
        let (wrapper, dense) = try binaryDense(seed: 160)
        let w = dense.weight.value.scalars
        let binary = (0..<3).flatMap { c -> [Double] in
            let row = w[c * 7..<(c + 1) * 7]
            let alpha = row.reduce(0) { $0 + Double(abs($1)) } / 7
            return row.map { $0 >= 0 ? alpha : -alpha }
        }
        let input = randomInput([4, 7], seed: 162)
        let expected = Reference.dense(doubles(input), weight: binary, bias: doubles(dense.bias!.value), inputSize: 7, outputSize: 3)
        #expect(relativeError(doubles(wrapper.forward(input)), expected) < 1e-6)
        #expect(dense.weight.value.scalars == w)
    }

    /// The estimator is the exact gradient of the surrogate Ŵ = α₀·clamp(W, −1, 1) with α₀ held at
    /// its value: checked against central differences of that surrogate in Double.
    @Test func backwardIsTheStraightThroughEstimator() throws {
        let (wrapper, dense) = try binaryDense(seed: 170)
        let w = doubles(dense.weight.value), b = doubles(dense.bias!.value)
        let alphas = (0..<3).map { c in w[c * 7..<(c + 1) * 7].reduce(0) { $0 + abs($1) } / 7 }
        let input = randomInput([4, 7], seed: 172), projection = randomInput([4, 3], seed: 173)
        _ = wrapper.forward(input)
        wrapper.zeroGradients()
        let inputGradient = wrapper.backward(projection)
        func loss(_ weights: [Double]) -> Double {
            let surrogate = weights.enumerated().map { alphas[$0.offset / 7] * Swift.min(1, Swift.max(-1, $0.element)) }
            let y = Reference.dense(doubles(input), weight: surrogate, bias: b, inputSize: 7, outputSize: 3)
            return zip(y, doubles(projection)).reduce(0) { $0 + $1.0 * $1.1 }
        }
        let numeric = numericGradient(of: loss, at: w)
        #expect(relativeError(doubles(dense.weight.gradient), numeric) < 1e-4)
        #expect(dense.weight.gradient.scalars[0] == 0 && dense.weight.gradient.scalars[8] == 0)
        // ∂L/∂x uses Ŵ itself.
        let binary = wrapper.transformedWeight
        let expectedInput = (0..<4).flatMap { n in (0..<7).map { i in (0..<3).reduce(0.0) { $0 + Double(projection.scalars[n * 3 + $1]) * Double(binary.scalars[$1 * 7 + i]) } } }
        #expect(relativeError(doubles(inputGradient), expectedInput) < 1e-5)
    }

    @Test func clippingKeepsShadowWeightsInRange() throws {
        let (wrapper, dense) = try binaryDense(seed: 180)
        let model = Sequential(wrapper, ReLU())
        BinaryWeightClipping(model: model).clip()
        let w = dense.weight.value.scalars
        #expect(w.allSatisfy { abs($0) <= 1 } && w[0] == 1 && w[8] == -1)
    }

    @Test func packedBitsRoundTrip() throws {
        let (wrapper, _) = try binaryDense(seed: 190)
        let packed = try PackedBinaryWeights(wrapper)
        #expect(packed.bits.count == 3 && packed.byteCount == 3 + 12)
        #expect(packed.unpacked() == wrapper.transformedWeight)
        #expect(throws: QuantizationError.self) { try PackedBinaryWeights(shape: [3, 7], bits: [0, 0], scales: [1, 1, 1]) }

        let url = FileManager.default.temporaryDirectory.appendingPathComponent("dlswift-binary-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        let model = Sequential(wrapper)
        try model.saveCompressedWeights(to: url)
        #expect(try SafeTensors.readValues(from: url).values["0.weight"]?.dtype == "U8")
        let (other, _) = try binaryDense(seed: 200)
        let copy = Sequential(other)
        try copy.loadCompressedWeights(from: url)
        let input = randomInput([2, 7], seed: 201)
        #expect(relativeError(doubles(copy.forward(input)), doubles(model.forward(input))) < 1e-6)
    }
}
