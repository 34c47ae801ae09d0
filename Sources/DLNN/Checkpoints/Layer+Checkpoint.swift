import Foundation

extension Layer {
    /// Saves every parameter and buffer (running statistics) to a safetensors file at `url`,
    /// atomically, each under its path (`features.0.weight`, `features.1.running_mean`).
    ///
    /// With PyTorch's names and layouts, the file loads into the equivalent PyTorch module with
    /// `module.load_state_dict(safetensors.torch.load_file(path))`.
    public func saveWeights(to url: URL, metadata: [String: String] = [:]) throws {
        try SafeTensors.write(stateTensors(), metadata: metadata, to: url)
    }

    /// Loads every parameter and buffer from the safetensors file at `url`: a weights file
    /// (`saveWeights(to:)`, PyTorch's `save_file`) or a training checkpoint (`Trainer.saveCheckpoint`),
    /// whose optimizer tensors (names starting with `optimizer/`) are skipped.
    ///
    /// Every tensor of the model must be in the file with the same name and shape, in F32. With
    /// `strict` (the default) the file must hold no other tensor either; `strict: false` skips
    /// tensors the model lacks, such as PyTorch's `num_batches_tracked`. A mismatch throws one
    /// `CheckpointError` listing every one (missing, unexpected, wrong shape, wrong dtype) and
    /// leaves the model unchanged; an unreadable or corrupt file throws too.
    public func loadWeights(from url: URL, strict: Bool = true) throws {
        let (header, data) = try SafeTensors.load(url)
        try stateAssignment(from: header, in: data, file: url, strict: strict)()
    }

    /// Checks every tensor of the model against `header` and returns the assignment of them all,
    /// for the caller to run once everything else it loads has been checked too.
    func stateAssignment(from header: SafeTensorsHeader, in data: Data, file url: URL, strict: Bool) throws -> () -> Void {
        let targets = checkpointEntries()
        var mismatches: [CheckpointError.Mismatch] = []
        for (path, parameter) in targets {
            guard let entry = header.entries[path] else {
                mismatches.append(.missing(name: path, shape: parameter.value.shape))
                continue
            }
            if entry.dtype != "F32" {
                mismatches.append(.wrongDType(name: path, dtype: entry.dtype))
            } else if entry.shape != parameter.value.shape {
                mismatches.append(.wrongShape(name: path, model: parameter.value.shape, checkpoint: entry.shape))
            }
        }
        if strict {
            let expected = Set(targets.map(\.path))
            for (name, entry) in header.entries.sorted(by: { $0.key < $1.key })
            where !expected.contains(name) && !name.hasPrefix(Trainer.optimizerTensorPrefix) {
                mismatches.append(.unexpected(name: name, shape: entry.shape))
            }
        }
        guard mismatches.isEmpty else { throw CheckpointError(file: url, problem: .mismatches(mismatches)) }

        return {
            for (path, parameter) in targets {
                parameter.value = header.tensor(header.entries[path]!, in: data)
            }
        }
    }

    /// Every parameter and buffer under its path, as `saveWeights` writes them.
    func stateTensors() -> [(name: String, tensor: Tensor)] {
        checkpointEntries().map { (name: $0.path, tensor: $0.parameter.value) }
    }

    /// Parameters then buffers, with their paths, which must be unique.
    private func checkpointEntries() -> [(path: String, parameter: Parameter)] {
        let entries = namedParameters() + namedBuffers()
        require(Set(entries.map(\.path)).count == entries.count, "\(summaryName): parameter and buffer paths must be unique to be saved")
        return entries
    }
}
