import Foundation
import Testing
@testable import DLNN

@Suite struct SparseCheckpointTests {
    private func model(seed: UInt64) -> Sequential {
        var generator = SeededGenerator(seed: seed)
        return Sequential(
            Conv2D(inputChannels: 2, outputChannels: 3, kernelSize: 3, generator: &generator), ReLU(), Flatten(),
            Dense(inputSize: 3 * 3 * 3, outputSize: 7, generator: &generator), ReLU(),
            Dense(inputSize: 7, outputSize: 4, generator: &generator))
    }

    private func temporaryFile(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("sparse-\(name)-\(ProcessInfo.processInfo.processIdentifier).safetensors")
    }

    private func bitPatterns(_ model: any Layer) -> [String: [UInt32]] {
        Dictionary(uniqueKeysWithValues: model.stateTensors().map { ($0.name, $0.tensor.scalars.map(\.bitPattern)) })
    }

    @Test func bitPackingAndRelativeIndicesRoundTrip() {
        for bits in [1, 3, 5, 8, 11] {
            let codes = (0..<37).map { ($0 * 7919) % (1 << bits) }
            let packed = BitPacking.pack(codes, bits: bits)
            #expect(packed.count == (37 * bits + 7) / 8)
            #expect(BitPacking.unpack(packed, count: 37, bits: bits) == codes)
        }
        #expect(BitPacking.unpack([0, 0], count: 3, bits: 8) == nil)
        // Gaps longer than 2^b − 1 take skip codes; position 0 and the last position are reachable.
        let positions = [0, 1, 9, 40, 41, 99]
        let codes = RelativeIndexEncoding.encode(positions: positions, bits: 3)
        #expect(codes.allSatisfy { $0 < 8 } && codes.contains(0))
        #expect(RelativeIndexEncoding.decode(codes, bits: 3, count: 100) == positions)
        #expect(RelativeIndexEncoding.decode(codes, bits: 3, count: 99) == nil)
    }

    /// Pruned, saved sparse with 2-bit gaps (many skip codes), loaded into a differently
    /// initialized model: every tensor equal bit for bit; the file is smaller than the dense one.
    @Test(arguments: [false, true])
    func sparseCheckpointRoundTripsBitForBit(sharesWeights: Bool) throws {
        let original = model(seed: 1)
        let masks = magnitudePrune(original, target: .perLayer(sparsities: ["0": 0.5], default: 0.9))
        let sharing = sharesWeights ? shareWeights(masks) { $0.parameter.shape.count == 4 ? 3 : 2 } : [:]
        let url = temporaryFile("round-trip-\(sharesWeights)")
        let dense = temporaryFile("dense-\(sharesWeights)")
        defer { try? FileManager.default.removeItem(at: url); try? FileManager.default.removeItem(at: dense) }
        let size = try original.saveSparseWeights(to: url, masks: masks, sharing: sharing, indexBits: SparseIndexBits(convolution: 2, dense: 2))
        try original.saveWeights(to: dense)
        #expect(size == (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as! Int))
        #expect(size < (try FileManager.default.attributesOfItem(atPath: dense.path)[.size] as! Int))
        let copy = model(seed: 2)
        #expect(bitPatterns(copy) != bitPatterns(original))
        try copy.loadSparseWeights(from: url)
        #expect(bitPatterns(copy) == bitPatterns(original))
        if sharesWeights {
            for entry in masks.entries {
                let kept = Set(entry.parameter.value.scalars.indices.filter { entry.kept[$0] }.map { entry.parameter.value.scalars[$0] })
                #expect(kept.count <= (entry.parameter.shape.count == 4 ? 8 : 4))
            }
        }
        // A dense file loads too.
        try model(seed: 3).loadSparseWeights(from: dense)
    }

    @Test func badSparseFilesThrowAndLeaveTheModelUnchanged() throws {
        let original = model(seed: 1)
        let masks = magnitudePrune(original, target: .global(sparsity: 0.8))
        let url = temporaryFile("bad")
        defer { try? FileManager.default.removeItem(at: url) }
        try original.saveSparseWeights(to: url, masks: masks)
        let before = bitPatterns(model(seed: 2))

        // Another architecture: shapes differ.
        var generator = SeededGenerator(seed: 0)
        let other = Sequential(Dense(inputSize: 5, outputSize: 4, generator: &generator))
        #expect(throws: CheckpointError.self) { try other.loadSparseWeights(from: url) }

        // Metadata that points outside the tensor, or a truncated file.
        var data = try Data(contentsOf: url)
        var forged = data
        let key = Data("\"0.weight.index_bits\":\"8\"".utf8)
        let range = try #require(forged.range(of: key))
        forged.replaceSubrange(range, with: Data("\"0.weight.index_bits\":\"1\"".utf8))
        for bytes in [forged, data.prefix(data.count - 3)] {
            try bytes.write(to: url)
            let target = model(seed: 2)
            #expect(throws: CheckpointError.self) { try target.loadSparseWeights(from: url) }
            #expect(bitPatterns(target) == before)
        }
        data = Data("not a checkpoint".utf8)
        try data.write(to: url)
        #expect(throws: CheckpointError.self) { try model(seed: 2).loadSparseWeights(from: url) }
    }

    @Test func kMeansCodebookStaysWithinTheWeightsAndAssignsTheNearestValue() {
        var generator = SeededGenerator(seed: 9)
        let weights = Tensor.randomNormal([500], using: &generator).scalars
        for bits in [1, 2, 5] {
            let sharing = WeightSharing(clustering: weights, bits: bits)
            #expect(sharing.codebook.count == 1 << bits && sharing.codes.count == weights.count)
            #expect(sharing.codebook.allSatisfy { $0 >= weights.min()! && $0 <= weights.max()! })
            #expect(zip(sharing.codebook, sharing.codebook.dropFirst()).allSatisfy { $0 < $1 })
            for (w, code) in zip(weights, sharing.codes) {
                #expect(sharing.codebook.allSatisfy { abs(w - sharing.codebook[code]) <= abs(w - $0) })
            }
            // Lloyd's iterations do not do worse than their linear initialization.
            let (low, high) = (weights.min()!, weights.max()!)
            let linear = (0..<(1 << bits)).map { low + (high - low) * Float($0) / Float((1 << bits) - 1) }
            func error(_ codebook: [Float]) -> Double {
                weights.reduce(0) { sum, w in
                    let distance = Double(codebook.map { abs(w - $0) }.min()!)
                    return sum + distance * distance
                }
            }
            #expect(error(sharing.codebook) <= error(linear))
        }
        // As many values as codes: exact.
        #expect(WeightSharing(clustering: [3, -1, 2], bits: 2).values == [3, -1, 2])
        #expect(WeightSharing(clustering: [0.5, 0.5], bits: 4).codebook == [0.5])
        #expect(WeightSharing(clustering: [], bits: 4).codebook.isEmpty)
    }

    /// Fine-tuning shared weights keeps them shared (one value per cluster) and pruned ones at 0.
    @Test func sharedWeightTrainingKeepsClustersTied() throws {
        var generator = SeededGenerator(seed: 3)
        let data = FeatureDataset(features: Tensor.randomNormal([24, 6], using: &generator), labels: (0..<24).map { $0 % 3 }, classCount: 3)
        let model = Models.mlp(sizes: [6, 8, 3], seed: 4)
        let masks = magnitudePrune(model, target: .perLayer(sparsities: [:], default: 0.5))
        let sharing = shareWeights(masks) { _ in 2 }
        let callback = SharedWeightTraining(masks: masks, sharing: sharing)
        try Trainer(model: model, loss: SoftmaxCrossEntropy(), optimizer: SGD(model.allParameters, learningRate: 0.1, momentum: 0.9),
                    configuration: TrainingConfiguration(epochs: 2, batchSize: 8, seed: 1), callbacks: [callback]).fit(training: data, validation: nil)
        for entry in masks.entries {
            let values = entry.parameter.value.scalars
            let shared = callback.sharing[entry.layerPath]!
            #expect(shared.codebook != sharing[entry.layerPath]!.codebook)
            let kept = values.indices.filter { entry.kept[$0] }
            #expect(kept.map { values[$0] } == shared.values)
            #expect(values.indices.allSatisfy { entry.kept[$0] || values[$0].bitPattern == 0 })
        }
    }
}
