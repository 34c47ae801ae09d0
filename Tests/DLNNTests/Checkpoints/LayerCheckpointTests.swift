import Foundation
import Testing
@testable import DLNN

/// A layer with PyTorch-named parameters and buffers of given shapes, to test checkpoints without the real layers.
private final class StateLayer: Layer {
    let parameters: [Parameter]
    let buffers: [Parameter]
    var isTraining = true

    init(parameters: [(String, TensorShape)], buffers: [(String, TensorShape)] = [], seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        self.parameters = parameters.map { Parameter(name: $0.0, value: .randomNormal($0.1, using: &generator)) }
        self.buffers = buffers.map { Parameter(name: $0.0, value: .randomNormal($0.1, using: &generator), isTrainable: false) }
    }

    func forward(_ input: Tensor) -> Tensor { input }
    func backward(_ outputGradient: Tensor) -> Tensor { outputGradient }
    func outputShape(for inputShape: TensorShape) -> TensorShape { inputShape }
}

/// A LeNet-like tree: `features.0` (convolution), `features.1` (batch norm), `classifier` (dense).
private func model(seed: UInt64, classes: Int = 10, normalization: Bool = true) -> Sequential {
    var features: [any Layer] = [StateLayer(parameters: [("weight", [6, 1, 5, 5]), ("bias", [6])], seed: seed)]
    if normalization {
        features.append(StateLayer(parameters: [("weight", [6]), ("bias", [6])], buffers: [("running_mean", [6]), ("running_var", [6])], seed: seed + 1))
    }
    return Sequential(named: [
        ("features", Sequential(features)),
        ("classifier", StateLayer(parameters: [("weight", [classes, 84]), ("bias", [classes])], seed: seed + 2)),
    ])
}

private func state(of layer: any Layer) -> [String: Tensor] {
    Dictionary(uniqueKeysWithValues: (layer.namedParameters() + layer.namedBuffers()).map { ($0.path, $0.parameter.value) })
}

@Suite struct LayerCheckpointTests {
    @Test func savesParametersAndBuffersUnderTheirPathsAndLoadsThemBack() throws {
        let directory = try TemporaryDirectory()
        let url = directory.url.appendingPathComponent("lenet.safetensors")
        let trained = model(seed: 1)
        try trained.saveWeights(to: url, metadata: ["epochs": "12"])

        let contents = try SafeTensors.read(from: url)
        #expect(contents.metadata == ["epochs": "12"])
        #expect(contents.tensors.keys.sorted() == [
            "classifier.bias", "classifier.weight", "features.0.bias", "features.0.weight",
            "features.1.bias", "features.1.running_mean", "features.1.running_var", "features.1.weight",
        ])
        #expect(contents.tensors == state(of: trained))

        let fresh = model(seed: 99)
        #expect(state(of: fresh) != state(of: trained))
        try fresh.loadWeights(from: url)
        #expect(state(of: fresh) == state(of: trained))
    }

    @Test func listsEveryMismatchAndLeavesTheModelUnchanged() throws {
        let directory = try TemporaryDirectory()
        let url = directory.url.appendingPathComponent("other.safetensors")
        var tensors = state(of: model(seed: 1, classes: 5, normalization: false)).map { (name: $0.key, tensor: $0.value) }
        tensors.append((name: "features.0.num_batches_tracked", tensor: Tensor([0])))
        try SafeTensors.write(tensors, to: url)

        let target = model(seed: 7)
        let before = state(of: target)
        var caught: CheckpointError?
        do { try target.loadWeights(from: url) } catch let error as CheckpointError { caught = error }
        #expect(caught?.file == url)
        #expect(caught?.problem == .mismatches([
            .missing(name: "features.1.weight", shape: [6]),
            .missing(name: "features.1.bias", shape: [6]),
            .wrongShape(name: "classifier.weight", model: [10, 84], checkpoint: [5, 84]),
            .wrongShape(name: "classifier.bias", model: [10], checkpoint: [5]),
            .missing(name: "features.1.running_mean", shape: [6]),
            .missing(name: "features.1.running_var", shape: [6]),
            .unexpected(name: "features.0.num_batches_tracked", shape: [1]),
        ]))
        let message = caught?.description ?? ""
        #expect(message.hasPrefix("\(url.path): 7 mismatches with the model:\n"))
        #expect(message.contains("  wrong shape: classifier.weight is [10, 84] in the model, [5, 84] in the checkpoint"))
        #expect(message.contains("  unexpected: features.0.num_batches_tracked [1]"))
        #expect(state(of: target) == before)
    }

    @Test func nonStrictLoadingSkipsExtraTensorsAndReturnsTheNamesOnBothSides() throws {
        let directory = try TemporaryDirectory()
        let url = directory.url.appendingPathComponent("extra.safetensors")
        let source = model(seed: 1)
        var tensors = state(of: source).map { (name: $0.key, tensor: $0.value) }
        // An F32 counter is not PyTorch's (an I64 scalar, see PyTorchStateDictTests): it is unexpected.
        tensors.append((name: "features.1.num_batches_tracked", tensor: Tensor([100])))
        try SafeTensors.write(tensors, to: url)

        let target = model(seed: 7)
        #expect(throws: CheckpointError.self) { try target.loadWeights(from: url) }
        #expect(try target.loadWeights(from: url, strict: false) == WeightLoadResult(unexpected: ["features.1.num_batches_tracked"]))
        #expect(state(of: target) == state(of: source))

        let withoutNormalization = directory.url.appendingPathComponent("short.safetensors")
        try SafeTensors.write(tensors.filter { !$0.name.hasPrefix("features.1.") }, to: withoutNormalization)
        let fresh = model(seed: 8), before = state(of: fresh)
        #expect(try fresh.loadWeights(from: withoutNormalization, strict: false) == WeightLoadResult(
            missing: ["features.1.weight", "features.1.bias", "features.1.running_mean", "features.1.running_var"]))
        let loaded = state(of: fresh)
        for (name, value) in loaded { #expect(value == (name.hasPrefix("features.1.") ? before : state(of: source))[name], "\(name)") }
    }

    @Test func reportsAWrongDTypeAmongTheMismatches() throws {
        let directory = try TemporaryDirectory()
        let url = directory.url.appendingPathComponent("half.safetensors")
        // A one-parameter model saved with its weight in F16 by another tool.
        let header = #"{"weight":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}"#
        var bytes = withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian, Array.init)
        bytes += Array(header.utf8) + [0x00, 0x3C, 0x00, 0x40]
        try Data(bytes).write(to: url)
        let layer = StateLayer(parameters: [("weight", [2])], seed: 3)
        #expect(throws: CheckpointError(file: url, problem: .mismatches([.wrongDType(name: "weight", dtype: "F16")]))) {
            try layer.loadWeights(from: url)
        }
    }

    @Test func corruptFilesThrowAndLeaveTheModelUnchanged() throws {
        let directory = try TemporaryDirectory()
        let url = directory.url.appendingPathComponent("model.safetensors")
        try model(seed: 1).saveWeights(to: url)
        var bytes = try Data(contentsOf: url)
        bytes = bytes.prefix(bytes.count - 3)
        try bytes.write(to: url)
        let target = model(seed: 2)
        let before = state(of: target)
        #expect(throws: CheckpointError.self) { try target.loadWeights(from: url) }
        #expect(state(of: target) == before)
    }
}
