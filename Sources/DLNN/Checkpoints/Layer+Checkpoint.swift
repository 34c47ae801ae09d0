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

    /// Loads the model's parameters and buffers from the safetensors file at `url`: a weights file
    /// (`saveWeights(to:)`, PyTorch's `save_file`) or a training checkpoint (`Trainer.saveCheckpoint`),
    /// whose optimizer tensors (names starting with `optimizer/`) are skipped.
    ///
    /// With `strict` (the default) every tensor of the model must be in the file and the file must
    /// hold no other; `strict: false` loads the tensors both have, leaves the model's others as they
    /// are and returns the names on either side that did not match (PyTorch's `strict=False`), e.g.
    /// for a pretrained body under a new head. Either way PyTorch's BatchNorm counter
    /// `<path>.num_batches_tracked` (an I64 scalar) is ignored where the model has `<path>.running_mean`.
    /// A tensor both have must have the same shape and be F32. A mismatch throws one
    /// `CheckpointError` listing every one (missing, unexpected, wrong shape, wrong dtype) and
    /// leaves the model unchanged; an unreadable or corrupt file throws too.
    @discardableResult
    public func loadWeights(from url: URL, strict: Bool = true) throws -> WeightLoadResult {
        let (header, data) = try SafeTensors.load(url)
        let match = try matchState(to: header, in: data, file: url, strict: strict)
        match.assignment()
        return match.unmatched
    }

    /// Checks every tensor of the model against `header` and returns the assignment of them all,
    /// for the caller to run once everything else it loads has been checked too.
    func stateAssignment(from header: SafeTensorsHeader, in data: Data, file url: URL, strict: Bool) throws -> () -> Void {
        try matchState(to: header, in: data, file: url, strict: strict).assignment
    }

    /// The assignment of the model's tensors that `header` holds, and the names that do not match;
    /// throws the mismatches that `strict` does not allow.
    private func matchState(
        to header: SafeTensorsHeader, in data: Data, file url: URL, strict: Bool
    ) throws -> (assignment: () -> Void, unmatched: WeightLoadResult) {
        let targets = checkpointEntries()
        var mismatches: [CheckpointError.Mismatch] = []
        var unmatched = WeightLoadResult()
        var matched: [(parameter: Parameter, entry: SafeTensorsHeader.Entry)] = []
        for (path, parameter) in targets {
            guard let entry = header.entries[path] else {
                if strict { mismatches.append(.missing(name: path, shape: parameter.value.shape)) } else { unmatched.missing.append(path) }
                continue
            }
            if entry.dtype != "F32" {
                mismatches.append(.wrongDType(name: path, dtype: entry.dtype))
            } else if entry.shape != parameter.value.shape {
                mismatches.append(.wrongShape(name: path, model: parameter.value.shape, checkpoint: entry.shape))
            } else {
                matched.append((parameter, entry))
            }
        }
        let expected = Set(targets.map(\.path))
        for (name, entry) in header.entries.sorted(by: { $0.key < $1.key })
        where !expected.contains(name) && !name.hasPrefix(Trainer.optimizerTensorPrefix) && !Self.isBatchCounter(name, entry, of: expected) {
            if strict { mismatches.append(.unexpected(name: name, shape: entry.shape)) } else { unmatched.unexpected.append(name) }
        }
        guard mismatches.isEmpty else { throw CheckpointError(file: url, problem: .mismatches(mismatches)) }

        let assignment = {
            for (parameter, entry) in matched { parameter.value = header.tensor(entry, in: data) }
        }
        return (assignment, unmatched)
    }

    /// Whether `name` is PyTorch's `<path>.num_batches_tracked`, an I64 scalar, for a normalization
    /// layer at `<path>` among the `expected` names (it has `<path>.running_mean`). Only PyTorch's
    /// cumulative average (`momentum=None`) reads it, which is not offered.
    private static func isBatchCounter(_ name: String, _ entry: SafeTensorsHeader.Entry, of expected: Set<String>) -> Bool {
        let counter = "num_batches_tracked"
        guard entry.dtype == "I64", entry.shape.isEmpty, name.hasSuffix(counter) else { return false }
        let path = name.dropLast(counter.count)
        guard path.isEmpty || path.hasSuffix(".") else { return false }
        return expected.contains(String(path) + "running_mean")
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
