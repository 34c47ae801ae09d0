import Foundation

extension Layer {
    /// Saves every parameter and buffer (running statistics) to a safetensors file at `url`,
    /// atomically, each under its path (`features.0.weight`, `features.1.running_mean`).
    ///
    /// With PyTorch's names and layouts, the file loads into the equivalent PyTorch module with
    /// `module.load_state_dict(safetensors.torch.load_file(path))`.
    public func saveWeights(to url: URL, metadata: [String: String] = [:]) throws {
        try SafeTensors.write(checkpointEntries().map { (name: $0.path, tensor: $0.parameter.value) }, metadata: metadata, to: url)
    }

    /// Loads every parameter and buffer from the safetensors file at `url`.
    ///
    /// The file must hold exactly the model's tensors, with the same names and shapes, in F32.
    /// Otherwise this throws one `CheckpointError` listing every mismatch (missing, unexpected,
    /// wrong shape, wrong dtype) and leaves the model unchanged; an unreadable or corrupt file throws too.
    public func loadWeights(from url: URL) throws {
        let data = try SafeTensors.contentsOf(url)
        let header = try SafeTensorsHeader(parsing: data, file: url)
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
        let expected = Set(targets.map(\.path))
        for (name, entry) in header.entries.sorted(by: { $0.key < $1.key }) where !expected.contains(name) {
            mismatches.append(.unexpected(name: name, shape: entry.shape))
        }
        guard mismatches.isEmpty else { throw CheckpointError(file: url, problem: .mismatches(mismatches)) }

        for (path, parameter) in targets {
            parameter.value.assign(header.tensor(header.entries[path]!, in: data))
        }
    }

    /// Parameters then buffers, with their paths, which must be unique.
    private func checkpointEntries() -> [(path: String, parameter: Parameter)] {
        let entries = namedParameters() + namedBuffers()
        require(Set(entries.map(\.path)).count == entries.count, "\(summaryName): parameter and buffer paths must be unique to be saved")
        return entries
    }
}
