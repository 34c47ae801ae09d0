import Foundation
import Testing
@testable import DLNN

@Suite struct QuantizationCheckpointTests {
    func temporaryFile(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("dlswift-\(name)-\(UUID().uuidString).safetensors")
    }

    @Test func integerValuesRoundTrip() throws {
        let values: [(name: String, value: SafeTensorsValue)] = [
            ("a", .int8([-128, -1, 0, 127, 5, 6], shape: [2, 3])),
            ("b", .uint8([0, 255, 7], shape: [3])),
            ("c", .int32([Int32.min, -1, 0, Int32.max], shape: [2, 2])),
            ("d", .float32(Tensor(shape: [2], scalars: [1.5, -0.25]))),
        ]
        let data = SafeTensors.encode(values: values, metadata: ["kind": "test"])
        let decoded = try SafeTensors.decodeValues(data)
        #expect(decoded.metadata == ["kind": "test"])
        for (name, value) in values { #expect(decoded.values[name] == value, "\(name)") }
        // The float reader still reads F32 files only, and says why it rejects the others.
        #expect(throws: CheckpointError.self) { try SafeTensors.decode(data) }
        #expect(try SafeTensors.decode(SafeTensors.encode([("d", Tensor(shape: [2], scalars: [1.5, -0.25]))])).tensors["d"]!.scalars == [1.5, -0.25])
    }

    func quantizedModel(seed: UInt64) throws -> Sequential {
        var generator = SeededGenerator(seed: seed)
        let model = Sequential(
            Conv2D(inputChannels: 1, outputChannels: 3, kernelSize: 3, generator: &generator), ReLU(),
            Flatten(), Dense(inputSize: 3 * 4 * 4, outputSize: 5, generator: &generator))
        randomizeParameters(of: model, seed: seed + 1)
        try quantizeForInference(model, calibration: [randomInput([2, 1, 6, 6], seed: seed + 2)])
        return model
    }

    @Test func int8CheckpointRoundTrips() throws {
        let source = try quantizedModel(seed: 120), destination = try quantizedModel(seed: 130)
        let url = temporaryFile("int8")
        defer { try? FileManager.default.removeItem(at: url) }
        try source.saveCompressedWeights(to: url)
        let stored = try SafeTensors.readValues(from: url).values
        #expect(stored["0.weight"]?.dtype == "I8" && stored["3.weight"]?.dtype == "I8")
        #expect(stored["3.weight_scale"]?.shape == [5] && stored["3.input_scale"]?.shape == [1])
        // 27 + 240 int8 weights, scales and biases in float: the header aside, about a quarter of the float file.
        let weightBytes = 27 + 240 + 4 * (3 + 5) + 4 * 2 + 4 * (3 + 5)
        let size = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as! Int
        #expect(size >= weightBytes && size < weightBytes + 1024)

        try destination.loadCompressedWeights(from: url)
        let input = randomInput([2, 1, 6, 6], seed: 140)
        #expect(destination.forward(input) == source.forward(input))
    }

    @Test func badInt8CheckpointsThrow() throws {
        let model = try quantizedModel(seed: 150)
        let url = temporaryFile("bad")
        defer { try? FileManager.default.removeItem(at: url) }
        // A float checkpoint of the same layers: the weights are F32, not I8.
        var generator = SeededGenerator(seed: 1)
        let float = Sequential(
            Conv2D(inputChannels: 1, outputChannels: 3, kernelSize: 3, generator: &generator), ReLU(),
            Flatten(), Dense(inputSize: 3 * 4 * 4, outputSize: 5, generator: &generator))
        try float.saveWeights(to: url)
        #expect(throws: QuantizationError.self) { try model.loadCompressedWeights(from: url) }
        // A tensor the model does not have.
        var values = try model.compressedWeightValues()
        values.append(("extra", .int32([1], shape: [1])))
        try SafeTensors.write(values: values, to: url)
        #expect(throws: QuantizationError.self) { try model.loadCompressedWeights(from: url) }
        // A truncated file.
        try Data([1, 2, 3]).write(to: url)
        #expect(throws: CheckpointError.self) { try model.loadCompressedWeights(from: url) }
    }
}
