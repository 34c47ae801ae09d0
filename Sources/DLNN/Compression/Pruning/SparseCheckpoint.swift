import Foundation

/// Bits per relative index in a sparse checkpoint, by layer kind (Han, Mao & Dally, 2016: 8 for
/// convolutions, 5 for fully connected layers).
public struct SparseIndexBits: Sendable, Equatable {
    public var convolution: Int
    public var dense: Int

    public init(convolution: Int = 8, dense: Int = 5) {
        require((1...16).contains(convolution) && (1...16).contains(dense), "SparseIndexBits: bits must be in 1...16")
        self.convolution = convolution
        self.dense = dense
    }

    /// The bits for `entry`'s weight (4-D: a convolution).
    func bits(for entry: PruningMasks.Entry) -> Int { entry.parameter.shape.count == 4 ? convolution : dense }
}

extension Layer {
    /// Saves the model to a safetensors file at `url` (atomically), storing every weight in `masks`
    /// sparsely: only its kept elements and their positions. Every other parameter and buffer is
    /// stored dense under its usual name. For a masked weight `P` the file holds
    ///
    ///     P.gaps       U8, the relative indices (`RelativeIndexEncoding`) packed at `indexBits` bits
    ///     P.values     F32, the kept values in order            — without weight sharing
    ///     P.codes      U8, each kept value's codebook index packed at `sharing[layer].bits` bits
    ///     P.codebook   F32, the shared values                   — with weight sharing
    ///
    /// and the metadata `P.shape` (`20,1,5,5`), `P.index_bits`, `P.gap_count`, `P.kept_count` and,
    /// with sharing, `P.code_bits`. With `sharing` for a layer, that layer's kept values must be
    /// the shared ones (`shareWeights(_:bits:)` writes them), so the file loads back bit for bit.
    ///
    /// Returns the file's size in bytes. `loadSparseWeights(from:)` reads it into a dense model.
    @discardableResult
    public func saveSparseWeights(
        to url: URL, masks: PruningMasks, sharing: [String: WeightSharing] = [:], indexBits: SparseIndexBits = SparseIndexBits(),
        metadata: [String: String] = [:]
    ) throws -> Int {
        var entries: [(name: String, value: SafeTensorsValue)] = []
        var metadata = metadata
        let sparse = Dictionary(uniqueKeysWithValues: masks.entries.map { ($0.parameterPath, $0) })
        for (name, tensor) in stateTensors() {
            guard let entry = sparse[name] else {
                entries.append((name, .float32(tensor)))
                continue
            }
            let values = tensor.scalars
            let positions = entry.kept.indices.filter { entry.kept[$0] }
            let bits = indexBits.bits(for: entry)
            let gaps = RelativeIndexEncoding.encode(positions: positions, bits: bits)
            entries.append(("\(name).gaps", bytesValue(BitPacking.pack(gaps, bits: bits))))
            metadata["\(name).shape"] = tensor.shape.map(String.init).joined(separator: ",")
            metadata["\(name).index_bits"] = String(bits)
            metadata["\(name).gap_count"] = String(gaps.count)
            metadata["\(name).kept_count"] = String(positions.count)
            if let shared = sharing[entry.layerPath] {
                require(shared.codes.count == positions.count && zip(shared.values, positions).allSatisfy { $0.bitPattern == values[$1].bitPattern },
                        "saveSparseWeights: \(name) does not hold the shared values; call shareWeights first")
                entries.append(("\(name).codes", bytesValue(BitPacking.pack(shared.codes, bits: shared.bits))))
                entries.append(("\(name).codebook", floatsValue(shared.codebook)))
                metadata["\(name).code_bits"] = String(shared.bits)
            } else {
                entries.append(("\(name).values", floatsValue(positions.map { values[$0] })))
            }
        }
        let data = SafeTensors.encode(values: entries, metadata: metadata)
        try AtomicFile.write(data, to: url)
        return data.count
    }

    /// Loads a file written by `saveSparseWeights(to:masks:sharing:indexBits:metadata:)` (or a
    /// dense `saveWeights` file) into the model, whose layers are dense: pruned elements become 0.
    /// Every tensor of the model must be in the file, dense or sparse, with its shape, and the file
    /// must hold nothing else. A mismatch or a corrupt entry (positions outside the tensor, codes
    /// outside the codebook, counts that disagree) throws a `CheckpointError` and leaves the model
    /// unchanged.
    public func loadSparseWeights(from url: URL) throws {
        let (header, data) = try SafeTensors.load(url)
        func malformed(_ reason: String) -> CheckpointError { CheckpointError(file: url, problem: .malformed(reason: reason)) }
        func entry(_ name: String, dtype: String) throws -> SafeTensorsHeader.Entry {
            guard let entry = header.entries[name] else { throw malformed("\(name) is missing") }
            guard entry.dtype == dtype else { throw CheckpointError(file: url, problem: .unsupportedDType(name: name, dtype: entry.dtype)) }
            return entry
        }
        func bytes(_ entry: SafeTensorsHeader.Entry) -> [UInt8] {
            Array(data[(header.dataStart + entry.offsets.lowerBound)..<(header.dataStart + entry.offsets.upperBound)])
        }
        func integer(_ key: String, in range: ClosedRange<Int>) throws -> Int {
            guard let text = header.metadata[key], let value = Int(text), range.contains(value) else {
                throw malformed("metadata \(key) is \(header.metadata[key].map { "'\($0)'" } ?? "missing"), expected an integer in \(range)")
            }
            return value
        }
        var used = Set<String>()
        var assignments: [(Parameter, Tensor)] = []
        var mismatches: [CheckpointError.Mismatch] = []
        for (name, parameter) in namedParameters() + namedBuffers() {
            if let dense = header.entries[name] {
                used.insert(name)
                if dense.dtype != "F32" {
                    mismatches.append(.wrongDType(name: name, dtype: dense.dtype))
                } else if dense.shape != parameter.shape {
                    mismatches.append(.wrongShape(name: name, model: parameter.shape, checkpoint: dense.shape))
                } else {
                    assignments.append((parameter, header.tensor(dense, in: data)))
                }
                continue
            }
            guard let shapeText = header.metadata["\(name).shape"] else {
                mismatches.append(.missing(name: name, shape: parameter.shape))
                continue
            }
            let shape = TensorShape(shapeText.split(separator: ",").compactMap { Int($0) })
            guard shape == parameter.shape else {
                mismatches.append(.wrongShape(name: name, model: parameter.shape, checkpoint: shape))
                continue
            }
            let count = parameter.count
            let indexBits = try integer("\(name).index_bits", in: 1...16)
            let gapCount = try integer("\(name).gap_count", in: 0...(count * 16))
            let keptCount = try integer("\(name).kept_count", in: 0...count)
            guard let gaps = BitPacking.unpack(bytes(try entry("\(name).gaps", dtype: "U8")), count: gapCount, bits: indexBits),
                  let positions = RelativeIndexEncoding.decode(gaps, bits: indexBits, count: count), positions.count == keptCount
            else { throw malformed("\(name).gaps does not describe \(keptCount) positions inside \(count) elements") }
            let values: [Float]
            if header.metadata["\(name).code_bits"] != nil {
                let codeBits = try integer("\(name).code_bits", in: 1...16)
                let codebookEntry = try entry("\(name).codebook", dtype: "F32")
                let codebook = header.tensor(codebookEntry, in: data).scalars
                guard let codes = BitPacking.unpack(bytes(try entry("\(name).codes", dtype: "U8")), count: keptCount, bits: codeBits),
                      codes.allSatisfy({ $0 < codebook.count })
                else { throw malformed("\(name).codes does not hold \(keptCount) indices into a codebook of \(codebook.count)") }
                values = codes.map { codebook[$0] }
                used.formUnion(["\(name).codes", "\(name).codebook"])
            } else {
                values = header.tensor(try entry("\(name).values", dtype: "F32"), in: data).scalars
                guard values.count == keptCount else { throw malformed("\(name).values holds \(values.count) values for \(keptCount) positions") }
                used.insert("\(name).values")
            }
            used.insert("\(name).gaps")
            var dense = [Float](repeating: 0, count: count)
            for (position, value) in zip(positions, values) { dense[position] = value }
            assignments.append((parameter, Tensor(shape: shape, scalars: dense)))
        }
        for name in header.entries.keys.sorted() where !used.contains(name) {
            mismatches.append(.unexpected(name: name, shape: header.entries[name]!.shape))
        }
        guard mismatches.isEmpty else { throw CheckpointError(file: url, problem: .mismatches(mismatches)) }
        for (parameter, value) in assignments { parameter.value = value }
    }
}

/// Replaces the kept weights of every layer in `masks` by k-means shared values (`WeightSharing`),
/// `bits(entry)` bits per code, and returns the sharing per layer path, for
/// `saveSparseWeights(to:masks:sharing:)`. Pruned weights stay 0.
@discardableResult
public func shareWeights(_ masks: PruningMasks, bits: (PruningMasks.Entry) -> Int) -> [String: WeightSharing] {
    var result: [String: WeightSharing] = [:]
    for entry in masks.entries {
        let positions = entry.kept.indices.filter { entry.kept[$0] }
        let values = entry.parameter.value.scalars
        let sharing = WeightSharing(clustering: positions.map { values[$0] }, bits: bits(entry))
        let shared = sharing.values
        entry.parameter.withUnsafeMutableValue { elements in
            for (position, value) in zip(positions, shared) { elements[position] = value }
        }
        result[entry.layerPath] = sharing
    }
    return result
}

/// A one-dimensional U8 entry of a sparse checkpoint.
private func bytesValue(_ bytes: [UInt8]) -> SafeTensorsValue { .uint8(bytes, shape: TensorShape(bytes.count)) }

/// A one-dimensional F32 entry of a sparse checkpoint.
private func floatsValue(_ values: [Float]) -> SafeTensorsValue { .float32(Tensor(shape: TensorShape(values.count), scalars: values)) }
