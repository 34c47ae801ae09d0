import Foundation

/// Checkpoints that resume training exactly, one file each.
///
/// The checkpoint `name` in `directory` is the single safetensors file `name.safetensors`:
/// - the model's parameters and buffers under their paths (PyTorch names and layouts), so the file
///   is also a weights file for `loadWeights(from:)` and for PyTorch (`load_state_dict(…, strict=False)`);
/// - the optimizer's per-parameter tensors under `optimizer/<key>` (`optimizer/0.exp_avg`; the slash
///   appears in no model path);
/// - in the `__metadata__`, as JSON: epochs done, optimizer scalars, the history, the best metric,
///   the state of every dropout generator and of a reduce-on-plateau schedule, and the input
///   normalization the model was trained with.
///
/// Everything is encoded in memory first and the file is replaced atomically (`AtomicFile`): a kill
/// at any instant leaves either the previous complete checkpoint or the new one, never a mix of
/// two epochs. The data order needs no saved state: it is a function of the seed and the epoch.
extension Trainer {
    /// The metadata key of the training state.
    static let stateMetadataKey = "dlswift.trainer"
    /// The metadata key of the input normalization (also in checkpoints read by `InputNormalization(checkpoint:)`).
    static let normalizationMetadataKey = "dlswift.input_normalization"
    /// The name prefix of the optimizer's tensors in a checkpoint.
    static let optimizerTensorPrefix = "optimizer/"

    struct SavedState: Codable {
        var completedEpochs: Int
        var bestValue: Double?
        var bestEpoch: Int?
        var optimizer: OptimizerState
        var history: TrainingHistory
        var dropoutGenerators: [String: [UInt64]]
        var plateau: ReduceLearningRateOnPlateau.State?
    }

    /// The file of the checkpoint `name` in `directory`.
    public static func checkpointFile(in directory: URL, name: String) -> URL {
        directory.appendingPathComponent("\(name).safetensors")
    }

    /// Writes the checkpoint `name` into `directory` (created if needed) as one file, atomically.
    public func saveCheckpoint(to directory: URL, name: String) throws {
        let optimizerState = optimizer.state()
        let state = SavedState(
            completedEpochs: completedEpochs, bestValue: best?.value, bestEpoch: best?.epoch,
            optimizer: optimizerState, history: history,
            dropoutGenerators: Dictionary(uniqueKeysWithValues: dropoutLayers().map { ($0.path, $0.layer.generator.state) }),
            plateau: plateau?.state)
        var metadata = [Self.stateMetadataKey: String(decoding: try Self.jsonEncoder.encode(state), as: UTF8.self)]
        if let inputNormalization {
            metadata[Self.normalizationMetadataKey] = String(decoding: try Self.jsonEncoder.encode(inputNormalization), as: UTF8.self)
        }
        let tensors = model.stateTensors()
            + optimizerState.tensors.map { (name: Self.optimizerTensorPrefix + $0.key, tensor: $0.value) }
        let bytes = SafeTensors.encode(tensors, metadata: metadata)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try AtomicFile.write(bytes, to: Self.checkpointFile(in: directory, name: name))
    }

    /// Restores the model, optimizer, schedule, progress and input normalization from the checkpoint
    /// `name` in `directory`; a following `fit` continues exactly where the saved run was.
    ///
    /// Throws a `CheckpointError` naming the file, and changes nothing, when the file is missing or
    /// corrupt, holds weights without training state (a `saveWeights` file), or when its state does
    /// not fit this trainer: other model tensors, another optimizer's state, inconsistent progress.
    public func resume(from directory: URL, name: String = "last") throws {
        let url = Self.checkpointFile(in: directory, name: name)
        let (header, data) = try SafeTensors.load(url)
        func invalid(_ reason: String) -> CheckpointError {
            CheckpointError(file: url, problem: .notACheckpoint(reason: reason))
        }
        guard let json = header.metadata[Self.stateMetadataKey] else {
            throw invalid("it holds weights but no training state (written by saveWeights, or by a version before single-file checkpoints)")
        }
        let state: SavedState
        do {
            state = try Self.jsonDecoder.decode(SavedState.self, from: Data(json.utf8))
        } catch {
            throw invalid("its training state is not valid JSON of this version: \(error)")
        }
        try Self.checkConsistency(of: state).map { throw invalid($0) }
        let normalization = try Self.savedNormalization(in: header.metadata, file: url)

        var optimizerState = state.optimizer
        for (name, entry) in header.entries where name.hasPrefix(Self.optimizerTensorPrefix) {
            guard entry.dtype == "F32" else { throw CheckpointError(file: url, problem: .unsupportedDType(name: name, dtype: entry.dtype)) }
            optimizerState.tensors[String(name.dropFirst(Self.optimizerTensorPrefix.count))] = header.tensor(entry, in: data)
        }
        // The model's tensors are checked first; the optimizer's `load` validates all before it changes anything.
        let assignModelState = try model.stateAssignment(from: header, in: data, file: url, strict: true)
        do {
            try optimizer.load(optimizerState)
        } catch {
            throw invalid("its optimizer state does not fit this optimizer: \(error)")
        }
        assignModelState()
        for (path, layer) in dropoutLayers() {
            if let words = state.dropoutGenerators[path] { layer.generator = SeededGenerator(state: words) }
        }
        if let plateau, let saved = state.plateau {
            plateau.state = saved
        }
        completedEpochs = state.completedEpochs
        history = state.history
        if let value = state.bestValue, let epoch = state.bestEpoch { best = (value, epoch) } else { best = nil }
        if let normalization { inputNormalization = normalization }
    }

    /// The input normalization recorded in a checkpoint's `metadata`, or `nil` when it records none;
    /// throws a `CheckpointError` about `file` when the record is not valid.
    static func savedNormalization(in metadata: [String: String], file: URL) throws -> InputNormalization? {
        guard let text = metadata[normalizationMetadataKey] else { return nil }
        do {
            return try jsonDecoder.decode(InputNormalization.self, from: Data(text.utf8))
        } catch {
            throw CheckpointError(file: file, problem: .notACheckpoint(reason: "its input normalization is not valid: \(error)"))
        }
    }

    /// Why `state` cannot be the progress of a run, or `nil` when it can.
    static func checkConsistency(of state: SavedState) -> String? {
        if state.completedEpochs < 0 { return "its completed-epoch count \(state.completedEpochs) is negative" }
        if state.history.epochs.count != state.completedEpochs {
            return "it records \(state.history.epochs.count) epochs of history but \(state.completedEpochs) completed epochs"
        }
        if state.optimizer.stepCount < 0 { return "its optimizer step count \(state.optimizer.stepCount) is negative" }
        if let epoch = state.bestEpoch, !(1...max(state.completedEpochs, 1)).contains(epoch) {
            return "its best epoch \(epoch) is outside the \(state.completedEpochs) completed epochs"
        }
        return nil
    }

    /// JSON with NaN and ±∞ as strings, so a diverged loss in the history never fails an encoding.
    static var jsonEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    static var jsonDecoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }

    private func dropoutLayers() -> [(path: String, layer: Dropout)] {
        var found: [(path: String, layer: Dropout)] = []
        func visit(_ layer: any Layer, path: String) {
            if let dropout = layer as? Dropout { found.append((path, dropout)) }
            for child in layer.children { visit(child.layer, path: path.isEmpty ? child.name : "\(path).\(child.name)") }
        }
        visit(model, path: "")
        return found
    }
}
