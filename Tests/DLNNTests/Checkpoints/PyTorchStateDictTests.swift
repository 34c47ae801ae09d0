import Foundation
import Testing
@testable import DLNN

/// The bytes of a safetensors file as PyTorch's `save_file(model.state_dict())` writes them:
/// F32 tensors and the I64 scalars `num_batches_tracked` of its BatchNorm layers.
private func pyTorchFile(_ tensors: [(name: String, shape: [Int], scalars: [Float])], batchCounters: [String]) -> Data {
    var entries: [String] = []
    var data: [UInt8] = []
    for (name, shape, scalars) in tensors {
        entries.append(#""\#(name)":{"dtype":"F32","shape":[\#(shape.map(String.init).joined(separator: ","))],"data_offsets":[\#(data.count),\#(data.count + 4 * scalars.count)]}"#)
        for value in scalars { data += withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init) }
    }
    for name in batchCounters {
        entries.append(#""\#(name)":{"dtype":"I64","shape":[],"data_offsets":[\#(data.count),\#(data.count + 8)]}"#)
        data += withUnsafeBytes(of: Int64(938).littleEndian, Array.init)
    }
    let header = Array("{\(entries.joined(separator: ","))}".utf8)
    return Data(withUnsafeBytes(of: UInt64(header.count).littleEndian, Array.init) + header + data)
}

/// `features`: 0 Conv2D(1 → 2, 1×1, no bias), 1 BatchNorm(2); `classifier`: Dense(2 → 2).
private func model() -> Sequential {
    var generator = SeededGenerator(seed: 1)
    return Sequential(named: [
        ("features", Sequential(Conv2D(inputChannels: 1, outputChannels: 2, kernelSize: 1, bias: false, generator: &generator), BatchNorm(features: 2))),
        ("classifier", Dense(inputSize: 2, outputSize: 2, generator: &generator)),
    ])
}

private let features: [(name: String, shape: [Int], scalars: [Float])] = [
    ("features.0.weight", [2, 1, 1, 1], [3, 4]),
    ("features.1.weight", [2], [1.5, 2.5]),
    ("features.1.bias", [2], [-1, 1]),
    ("features.1.running_mean", [2], [0.25, 0.75]),
    ("features.1.running_var", [2], [2, 3]),
]
private let classifier: [(name: String, shape: [Int], scalars: [Float])] = [
    ("classifier.weight", [2, 2], [1, 2, 3, 4]),
    ("classifier.bias", [2], [5, 6]),
]

@Suite struct PyTorchStateDictTests {
    @Test func strictLoadingAcceptsAndIgnoresNumBatchesTracked() throws {
        let directory = try TemporaryDirectory()
        let url = directory.url.appendingPathComponent("pytorch.safetensors")
        try pyTorchFile(features + classifier, batchCounters: ["features.1.num_batches_tracked"]).write(to: url)
        let model = model()
        #expect(try model.loadWeights(from: url) == WeightLoadResult())
        for (name, shape, scalars) in features + classifier {
            let loaded = (model.namedParameters() + model.namedBuffers()).first { $0.path == name }?.parameter.value
            #expect(loaded == Tensor(shape: TensorShape(shape), scalars: scalars), "\(name)")
        }
    }

    @Test func aCounterWithoutANormalizationLayerIsUnexpected() throws {
        let directory = try TemporaryDirectory()
        let url = directory.url.appendingPathComponent("pytorch.safetensors")
        try pyTorchFile(features + classifier, batchCounters: ["features.1.num_batches_tracked", "classifier.num_batches_tracked"]).write(to: url)
        #expect(throws: CheckpointError(file: url, problem: .mismatches([.unexpected(name: "classifier.num_batches_tracked", shape: [])]))) {
            try model().loadWeights(from: url)
        }
    }

    /// A pretrained body with another head: PyTorch's `load_state_dict(strict=False)`.
    @Test func nonStrictLoadingReturnsTheMissingAndUnexpectedNames() throws {
        let directory = try TemporaryDirectory()
        let url = directory.url.appendingPathComponent("body.safetensors")
        let otherHead: [(name: String, shape: [Int], scalars: [Float])] = [("head.weight", [3, 2], [1, 2, 3, 4, 5, 6])]
        try pyTorchFile(features + otherHead, batchCounters: ["features.1.num_batches_tracked"]).write(to: url)
        let model = model()
        let classifierBefore = try #require(model.layer(at: "classifier") as? Dense).weight.value

        let result = try model.loadWeights(from: url, strict: false)

        #expect(result == WeightLoadResult(missing: ["classifier.weight", "classifier.bias"], unexpected: ["head.weight"]))
        #expect(!result.isEmpty)
        #expect(try #require(model.layer(at: "classifier") as? Dense).weight.value == classifierBefore, "missing tensors keep their values")
        #expect(try #require(model.layer(at: "features.1") as? BatchNorm).runningVariance?.value == Tensor([2, 3]))

        #expect(throws: CheckpointError(file: url, problem: .mismatches([
            .missing(name: "classifier.weight", shape: [2, 2]), .missing(name: "classifier.bias", shape: [2]),
            .unexpected(name: "head.weight", shape: [3, 2]),
        ]))) {
            try model.loadWeights(from: url)
        }
    }

    @Test func nonStrictLoadingStillRejectsAWrongShape() throws {
        let directory = try TemporaryDirectory()
        let url = directory.url.appendingPathComponent("wide.safetensors")
        try pyTorchFile(features + [("classifier.weight", [3, 2], [1, 2, 3, 4, 5, 6])], batchCounters: []).write(to: url)
        let model = model()
        let before = model.namedParameters().map(\.parameter.value)
        #expect(throws: CheckpointError(file: url, problem: .mismatches([.wrongShape(name: "classifier.weight", model: [2, 2], checkpoint: [3, 2])]))) {
            try model.loadWeights(from: url, strict: false)
        }
        #expect(model.namedParameters().map(\.parameter.value) == before)
    }
}
